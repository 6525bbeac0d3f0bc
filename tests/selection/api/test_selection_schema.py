"""The selection endpoints (R3) in the OpenAPI schema: one operation per workflow step, documents as files."""

import pytest

pytestmark = pytest.mark.django_db

ACTIONS = ["submit", "recommend", "return", "select", "reject"]


@pytest.fixture
def schema(openapi_schema):
    return openapi_schema


def test_selection_paths_and_methods(schema):
    paths = schema["paths"]
    expected = {
        "/api/v1/selection-rounds/": {"get", "post"},
        "/api/v1/selection-rounds/{id}/": {"get", "put", "patch"},
        "/api/v1/submissions/": {"get", "post"},
        "/api/v1/submissions/{id}/": {"get", "patch", "delete"},
        "/api/v1/submissions/{id}/documents/": {"post"},
        "/api/v1/submissions/{id}/documents/{kind}/": {"get"},
        **{f"/api/v1/submissions/{{id}}/{action}/": {"post"} for action in ACTIONS},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert set(paths[path]) - {"parameters"} == methods, path
        for operation in paths[path].values():
            assert operation["tags"] == ["selection"]
            assert any("\u4e00" <= char <= "\u9fff" for char in operation["summary"]), path


def test_each_step_is_its_own_operation(schema):
    operations = [schema["paths"][f"/api/v1/submissions/{{id}}/{action}/"]["post"] for action in ACTIONS]
    assert len({operation["operationId"] for operation in operations}) == len(ACTIONS)
    assert len({operation["summary"] for operation in operations}) == len(ACTIONS)
    for operation in operations:
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert body.endswith("/TransitionRequest")
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/SubmissionDetail"
        )
        assert {"400", "403", "404"} <= set(operation["responses"])
        (identifier,) = [p for p in operation["parameters"] if p["in"] == "path"]
        assert identifier["schema"]["type"] == "integer"
    request = schema["components"]["schemas"]["TransitionRequest"]["properties"]
    assert set(request) == {"comment", "doc_no"}


def test_document_upload_and_download(schema):
    upload = schema["paths"]["/api/v1/submissions/{id}/documents/"]["post"]
    assert list(upload["requestBody"]["content"]) == ["multipart/form-data"]
    ref = upload["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].split("/")[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert properties["file"] == {**properties["file"], "type": "string", "format": "binary"}
    assert "kind" in properties

    download = schema["paths"]["/api/v1/submissions/{id}/documents/{kind}/"]["get"]
    kind = next(p for p in download["parameters"] if p["name"] == "kind")
    assert sorted(kind["schema"]["enum"]) == ["implementation_plan", "work_plan"]
    assert download["responses"]["200"]["content"]["application/octet-stream"]["schema"] == {
        "type": "string",
        "format": "binary",
    }
    assert "404" in download["responses"]


def test_list_filters_and_item_fields(schema):
    filters = {p["name"] for p in schema["paths"]["/api/v1/submissions/"]["get"]["parameters"]}
    assert {"round", "status", "city", "county", "tier", "town", "page", "page_size"} <= filters
    components = schema["components"]["schemas"]
    assert "available_actions" not in components["Submission"]["properties"]
    assert "available_actions" in components["SubmissionDetail"]["properties"]
    assert {"round", "town", "tier", "gdp"} <= set(components["SubmissionCreateRequest"]["properties"])
    assert not {"round", "town", "tier", "status"} & set(
        components["PatchedSubmissionInformationRequest"]["properties"]
    )
    assert {"name", "tiers", "deadline", "year"} == set(components["SelectionRoundRequest"]["properties"])
