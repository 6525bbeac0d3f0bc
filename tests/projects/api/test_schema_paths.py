"""The projects and funding endpoints in the OpenAPI schema: every path, Chinese summaries, tags, filters."""

import re

import pytest

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/task-areas/": {"get"},
    "/api/v1/task-areas/{code}/": {"get"},
    "/api/v1/projects/": {"get", "post"},
    "/api/v1/projects/{id}/": {"get", "patch"},
    "/api/v1/projects/{id}/status/": {"post"},
    "/api/v1/progress-reports/": {"get", "post"},
    "/api/v1/progress-reports/{id}/": {"get"},
    "/api/v1/debt-quotas/": {"get", "post"},
    "/api/v1/debt-quotas/{id}/": {"get", "patch"},
    "/api/v1/allocations/": {"get", "post"},
    "/api/v1/allocations/{id}/": {"get"},
    "/api/v1/allocation-proposals/": {"get"},
    "/api/v1/allocation-proposals/accept/": {"post"},
}
TAGS = {"projects": ("task-areas", "projects", "progress-reports"), "funding": ("debt-quotas", "allocation")}
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def schema(openapi_schema):
    return openapi_schema


def test_every_path_and_method_with_a_chinese_summary_and_its_tag(schema):
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        operations = {
            m: op for m, op in schema["paths"][path].items() if m in {"get", "post", "patch", "put", "delete"}
        }
        assert set(operations) == methods, path
        for operation in operations.values():
            assert HAN.search(operation["summary"]), (path, operation["summary"])
            (tag,) = operation["tags"]
            assert any(part in path for part in TAGS[tag]), (path, tag)


def test_project_items_and_filters(schema):
    components = schema["components"]["schemas"]
    project = components["Project"]["properties"]
    for name in (
        "id",
        "town",
        "task_area",
        "name",
        "public_welfare",
        "special_bond_field",
        "investment",
        "annual_revenue",
        "annual_debt_service",
        "start_year",
        "end_year",
        "status",
        "key_provincial_support",
        "recommended_bond_type",
    ):
        assert name in project, name
    assert project["key_provincial_support"]["readOnly"] is True
    assert project["recommended_bond_type"]["readOnly"] is True
    create = components["ProjectCreateRequest"]["properties"]
    assert not {"key_provincial_support", "recommended_bond_type", "status", "completed_investment"} & set(
        create
    )
    assert {"town", "task_area", "investment"} <= set(create)
    filters = {p["name"] for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"]}
    assert {
        "city",
        "county",
        "town",
        "tier",
        "task_area",
        "status",
        "key_support",
        "bond_type",
        "year",
        "search",
    } <= filters
    assert {"page", "page_size"} <= filters
    reports = {p["name"] for p in schema["paths"]["/api/v1/progress-reports/"]["get"]["parameters"]}
    assert {"project", "city", "county", "town", "period_type", "year"} <= reports
    allocations = {p["name"] for p in schema["paths"]["/api/v1/allocations/"]["get"]["parameters"]}
    assert {"project", "city", "county", "town", "task_area", "source", "bond_type", "year"} <= allocations
    quotas = {p["name"] for p in schema["paths"]["/api/v1/debt-quotas/"]["get"]["parameters"]}
    assert {"region", "city", "year"} <= quotas


def test_the_proposal_is_one_object_with_its_query_parameters(schema):
    operation = schema["paths"]["/api/v1/allocation-proposals/"]["get"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Proposal"}
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"county", "city", "year"}  # a county's quota, or (city) a city's own
    assert parameters["year"]["required"] is True
    assert not parameters["county"].get("required") and not parameters["city"].get("required")
    # 401 and 429 as every operation (core.api.schema.document_error_responses).
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "429"}
    accepted = schema["paths"]["/api/v1/allocation-proposals/accept/"]["post"]["responses"]["201"]
    assert accepted["content"]["application/json"]["schema"]["type"] == "array"
