"""A JSON body that is not an object (null, a list, a bare value) is refused with a Chinese 400 on every
write of API v1, never a 500 (found by schemathesis: `-d null` reached views that read fields of it)."""

import pytest

from ..conftest import SHUANGYANG

pytestmark = pytest.mark.usefixtures("jilin")

NOT_AN_OBJECT = ["null", "[]", '["town"]', "3", '"镇"']


@pytest.mark.parametrize("body", NOT_AN_OBJECT)
@pytest.mark.parametrize(
    ("caller", "url"),
    [
        ("county_official", "/api/v1/projects/"),
        ("city_official", "/api/v1/allocation-proposals/accept/"),
        ("province_admin", "/api/v1/selection-rounds/"),
    ],
)
def test_a_body_that_is_not_an_object_is_refused(api_as, request, caller, url, body):
    client = api_as(request.getfixturevalue(caller))
    response = client.generic("POST", url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": '请求体应为 JSON 对象（{"字段": 值, …}）。'}


def test_an_object_still_reaches_the_view(api_as, city_official):
    response = api_as(city_official).post(
        "/api/v1/allocation-proposals/accept/", {"county": SHUANGYANG, "year": 2026}, format="json"
    )
    assert response.status_code != 400 or "请求体" not in response.json().get("detail", "")


def test_the_schema_allows_a_notification_without_kind(openapi_schema):
    """Notifications may have no kind: the schema's field accepts the blank value the API gives."""
    kind = openapi_schema["components"]["schemas"]["Notification"]["properties"]["kind"]
    refs = [option.get("$ref", "") for option in kind.get("oneOf", [])]
    assert "#/components/schemas/BlankEnum" in refs
    assert openapi_schema["components"]["schemas"]["BlankEnum"]["enum"] == [""]


def test_every_operation_documents_the_errors_it_answers(openapi_schema):
    """400 in both shapes (a DomainError's detail, a serializer's fields), and 401, 403, 404, 429 as Detail,
    on every operation (core.api.schema.document_error_responses): what schemathesis holds the API to."""
    refusal = openapi_schema["components"]["schemas"]["Refusal"]
    assert refusal["additionalProperties"] == {} and "detail" in refusal["properties"]
    for path, operations in openapi_schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "429"} <= set(responses), (method, path)
            if operation.get("security") not in (None, [], [{}]):
                assert {"401", "403", "404"} <= set(responses), (method, path)
            body = responses["400"]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Refusal"}, (method, path)
            assert responses["429"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Detail"
            }


def test_a_partner_read_with_a_nul_in_its_query_is_recorded_not_a_500(jilin, make_user):
    """Found by schemathesis: the read log stored `?page=%00` in jsonb, which PostgreSQL refuses (500)."""
    from accounts.models import Role
    from core.models import SecurityEvent

    from ..conftest import issue_api_token, token_client

    partner = make_user(Role.PARTNER, username="cdb_nul")
    response = token_client(issue_api_token(partner)).get(
        "/api/v1/eliminations/", {"page": "\x00", "year": "2024"}
    )
    assert response.status_code in (200, 400, 404)
    event = SecurityEvent.objects.filter(user_id=partner.pk, kind="api_read").latest("pk")
    assert "\x00" not in repr(event.details) and "\ufffd" in repr(event.details["filters"])
