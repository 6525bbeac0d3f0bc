"""The assessment endpoints in the OpenAPI schema: the published paths and field names, tag "assessment",
Chinese summaries. (tests/core/test_schema.py checks that the whole schema generates without warnings.)"""

import re

import pytest

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("/api/v1/indicator-systems/", "get"),
    ("/api/v1/indicator-systems/{year}/", "get"),
    ("/api/v1/assessment-rounds/", "get"),
    ("/api/v1/assessment-rounds/{year}/", "get"),
    ("/api/v1/assessment-rounds/{year}/", "patch"),
    ("/api/v1/assessment-rounds/{year}/publication-preview/", "get"),
    ("/api/v1/assessment-rounds/{year}/simulate/", "post"),
    ("/api/v1/assessment-rounds/{year}/run/", "post"),
    ("/api/v1/assessment-rounds/{year}/publish/", "post"),
    ("/api/v1/assessment-rounds/{year}/reopen/", "post"),
    ("/api/v1/scores/", "get"),
    ("/api/v1/scores/", "post"),
    ("/api/v1/scores/{id}/", "get"),
    ("/api/v1/rankings/", "get"),
    ("/api/v1/notices/", "get"),
    ("/api/v1/notices/{id}/", "get"),
    ("/api/v1/eliminations/", "get"),
    ("/api/v1/vetoes/", "get"),
    ("/api/v1/vetoes/", "post"),
    ("/api/v1/exemptions/", "get"),
    ("/api/v1/exemptions/", "post"),
    ("/api/v1/talks/", "get"),
    ("/api/v1/talks/{id}/held/", "post"),
}


@pytest.fixture
def schema(openapi_schema):
    return openapi_schema


def properties(schema, name):
    return schema["components"]["schemas"][name]["properties"]


def test_every_operation_is_documented_in_chinese_under_assessment(schema):
    tagged = {
        (path, method)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "assessment" in operation.get("tags", [])
    }
    assert tagged == OPERATIONS
    for path, method in OPERATIONS:
        operation = schema["paths"][path][method]
        assert operation["tags"] == ["assessment"]
        assert re.search(r"[\u4e00-\u9fff]", operation["summary"]), (path, method)


def test_the_published_field_names(schema):
    assert {"town_code", "town_name", "tier", "score", "rank", "grade", "vetoed"} <= set(
        properties(schema, "Ranking")
    )
    assert {"doc_no", "kind", "year", "status", "towns"} <= set(properties(schema, "Notice"))
    assert properties(schema, "Notice")["towns"]["items"]["type"] == "string"
    assert properties(schema, "Notice")["doc_no"]["nullable"] is True
    assert {"town_code", "substitute_code", "status"} <= set(properties(schema, "Elimination"))
    assert properties(schema, "Elimination")["substitute_code"]["nullable"] is True
    assert set(properties(schema, "Thresholds")) == {"excellent", "good", "pass"}
    assert "started" in properties(schema, "AssessmentRoundStarted")


def test_filters_and_answers(schema):
    def parameters(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]}

    assert {"year", "tier", "city", "grade", "assessed"} <= parameters("/api/v1/rankings/")
    assert {"year", "kind"} <= parameters("/api/v1/notices/")
    assert {"year"} <= parameters("/api/v1/eliminations/")
    assert {"year", "town", "city", "indicator"} <= parameters("/api/v1/scores/")
    run = schema["paths"]["/api/v1/assessment-rounds/{year}/run/"]["post"]
    assert {"202", "400", "403"} <= set(run["responses"])
    (year,) = [p for p in run["parameters"] if p["in"] == "path"]
    assert (year["name"], year["schema"]["type"]) == ("year", "integer")
    assert {"201", "400", "403"} <= set(schema["paths"]["/api/v1/scores/"]["post"]["responses"])


def test_the_api_root_lists_the_assessment_endpoints(api_as, province_viewer):
    body = api_as(province_viewer).get("/api/v1/").json()
    assert {"indicator-systems", "assessment-rounds", "scores", "rankings", "notices", "eliminations"} <= set(
        body
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/indicator-systems/",
        "/api/v1/indicator-systems/2024/",
        "/api/v1/assessment-rounds/",
        "/api/v1/assessment-rounds/2024/",
        "/api/v1/scores/",
        "/api/v1/rankings/",
        "/api/v1/notices/",
        "/api/v1/eliminations/",
    ],
)
def test_browsable_api_renders(client, province_admin, computed, url):
    client.force_login(province_admin)
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
