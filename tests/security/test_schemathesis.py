"""The API against its own OpenAPI schema (issue 12, point 8): schemathesis, in process, per role.

Every operation of drf-spectacular's schema is called with requests generated from the schema (a fixed
seed: derandomized, a few examples per operation) by each of province_admin, city_official,
county_official, auditor and a partner, each with an API token, over the two-region dataset of the route
matrix. Checks: no 5xx (not_a_server_error), every status the schema declares (status_code_conformance),
every body as the schema says (response_schema_conformance). Each call runs in a savepoint rolled back
after it, so writes never change what the next call reads.

Left out, with the reason: the multipart uploads (POST /api/v1/imports/, POST
/api/v1/submissions/{id}/documents/): a generated "file" is random bytes, refused by the file checks the
import and document tests cover; and POST /api/v1/auth/token/, which counts failed logins towards the
account lock (tests/accounts/api/test_token.py).

Run it alone: `pytest -m schemathesis`.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from core.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

ROLES = [Role.PROVINCE_ADMIN, Role.CITY_OFFICIAL, Role.COUNTY_OFFICIAL, Role.AUDITOR, Role.PARTNER]
EXCLUDED = [
    ("POST", "/api/v1/imports/"),
    ("POST", "/api/v1/submissions/{id}/documents/"),
    ("POST", "/api/v1/auth/token/"),
]
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = WSGIHandler()
for method, path in EXCLUDED:
    schema = schema.exclude(method=method, path=path)


@pytest.fixture
def in_process():
    """Django's test client keeps the test's connection across requests by muting these two receivers; a
    WSGI call must too, or the first request would close the connection holding the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_keeps_its_schema(case, role, matrix, in_process):
    with transaction.atomic():
        response = case.call(headers={"Authorization": f"Token {matrix.tokens[role]}"})
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)
