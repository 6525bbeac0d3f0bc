"""A GET never writes (issue 8, point 10): every towns page, export and API read, for every role, leaves every
table exactly as many rows as it had, and sends no INSERT, UPDATE or DELETE at all."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from selection.services import transition
from towns.services import designate

from ..conftest import JIAOHE, SHUANGYANG, town_in

pytestmark = pytest.mark.usefixtures("jilin")

ROLES = [
    "province_admin",
    "province_viewer",
    "auditor",
    "city_official",
    "county_official",
    "other_county_official",
    "partner",
]

PAGES = [
    "/",
    "/towns/",
    "/towns/?tier=provincial&page_size=200",
    "/towns/export.xlsx",
    "/towns/quotas/",
    "/towns/quotas/?unmet=1",
    "/towns/quotas/export.xlsx",
    "/towns/{town}/",
    "/towns/{street}/",
    "/towns/{town}/tier-change/",  # POST only: a GET is refused, and writes nothing either
    "/towns/designations/import/",
    "/towns/designations/import/template.xlsx",
    "/towns/rounds/",
    "/towns/rounds/new/",
    "/towns/rounds/{round}/",
    "/towns/rounds/{round}/edit/",
    "/towns/rounds/{round}/review/",
    "/towns/rounds/{round}/review/?sort=-gdp&status=submitted",
    "/towns/rounds/{round}/review/export.xlsx",
    "/towns/rounds/{round}/submissions/new/",
    "/towns/submissions/{submission}/",
    "/towns/submissions/{submission}/edit/",
    "/towns/submissions/{submission}/documents/work_plan/",
    "/towns/submissions/{submission}/submit/",
    "/towns/submissions/{submission}/delete/",
    "/towns/inbox/",
]

API = [
    "/api/v1/",
    "/api/v1/regions/",
    "/api/v1/regions/?level=county&parent=2201",
    "/api/v1/regions/2201/",
    "/api/v1/regions/{county}/",
    "/api/v1/towns/",
    "/api/v1/towns/?kind=all&page_size=1000",
    "/api/v1/towns/{town}/",
    "/api/v1/towns/{town}/tier-change/",
    "/api/v1/designations/",
    "/api/v1/designations/?active=true&year=2024",
    "/api/v1/designations/{designation}/",
    "/api/v1/quotas/",
    "/api/v1/quotas/?level=county",
    "/api/v1/selection-rounds/",
    "/api/v1/selection-rounds/{round}/",
    "/api/v1/submissions/",
    "/api/v1/submissions/?status=submitted",
    "/api/v1/submissions/{submission}/",
    "/api/v1/submissions/{submission}/documents/work_plan/",
    "/api/v1/submissions/{submission}/submit/",
]


@pytest.fixture
def world(make_draft, county_official, other_county_official, city_official, open_round):
    """Designations in two cities, and submissions with documents and a workflow history."""
    designation = designate(town_in(SHUANGYANG, 0), "provincial", 2022, doc_no="吉示范镇办〔2022〕1号")
    designate(town_in(JIAOHE, 0), "city", 2023, doc_no="吉市〔2023〕1号")
    submission = make_draft(town=town_in(SHUANGYANG, 1))
    transition(county_official, submission_id=submission.pk, action="submit", comment="请审核")
    transition(city_official, submission_id=submission.pk, action="return", comment="请补充")
    make_draft(town=town_in(JIAOHE, 1), user=other_county_official)
    return {
        "town": designation.town_id,
        "street": "220112001",
        "county": SHUANGYANG,
        "designation": designation.pk,
        "round": open_round.pk,
        "submission": submission.pk,
    }


# A read of data is itself recorded (等保: exports, downloads, partners' reads are security events, sealed into
# the audit chain): an INSERT into these append-only tables is the one write a GET may cause.
AUDIT_TABLES = ("core_securityevent", "core_auditseal")
AUDIT_MODELS = {"core.SecurityEvent", "core.AuditSeal"}
# The session's last-activity stamp (accounts.middleware, at most once a minute): an UPDATE of the session,
# not of any data; a slow run may cross the minute.
SESSION_TABLES = ("django_session", "accounts_usersession")


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in AUDIT_MODELS
    }


def writes(queries):
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        and not any(
            query["sql"].lstrip().upper().startswith(f'INSERT INTO "{table}"'.upper())
            for table in AUDIT_TABLES
        )
        and not any(
            query["sql"].lstrip().upper().startswith(f'UPDATE "{table}"'.upper()) for table in SESSION_TABLES
        )
    ]


def read(client, path):
    response = client.get(path)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    assert response.status_code in (200, 302, 403, 404, 405), (path, response.status_code)
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_no_towns_read_writes(client, api_client, request, make_user, world, role):
    user = make_user("partner", username="cdb") if role == "partner" else request.getfixturevalue(role)
    client.force_login(user)
    api_client.force_authenticate(user=user)
    paths = [(client, path.format(**world)) for path in PAGES] + [
        (api_client, path.format(**world)) for path in API
    ]
    before = row_counts()
    answered = {}
    with CaptureQueriesContext(connection) as queries:
        for session, path in paths:
            answered[path] = read(session, path)
    assert writes(queries.captured_queries) == []
    assert row_counts() == before
    # The reads were real: most of them answered with content.
    assert sum(status == 200 for status in answered.values()) > len(paths) // 2, answered
