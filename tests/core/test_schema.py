"""The OpenAPI schema of API v1 and its documentation pages."""

import re

import pytest

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/regions/",
    "/api/v1/regions/{code}/",
    "/api/v1/towns/",
    "/api/v1/towns/{code}/",
    "/api/v1/designations/",
    "/api/v1/designations/{id}/",
    "/api/v1/quotas/",
]


def test_schema_generates_without_warnings(openapi_schema):
    schema = openapi_schema
    for path in PATHS:
        assert path in schema["paths"], path

    town = schema["paths"]["/api/v1/towns/{code}/"]["get"]
    (code,) = [p for p in town["parameters"] if p["in"] == "path"]
    assert code["name"] == "code"
    assert code["schema"]["type"] == "string"
    assert "404" in town["responses"]

    town_filters = {p["name"] for p in schema["paths"]["/api/v1/towns/"]["get"]["parameters"]}
    assert {"city", "county", "tier", "dev_type", "kind", "search", "page", "page_size"} <= town_filters
    designation_filters = {p["name"] for p in schema["paths"]["/api/v1/designations/"]["get"]["parameters"]}
    assert {"town", "city", "county", "tier", "active", "year"} <= designation_filters
    quota = schema["paths"]["/api/v1/quotas/"]["get"]
    assert {"level", "parent", "met", "page", "page_size"} <= {p["name"] for p in quota["parameters"]}
    assert quota["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PaginatedQuotaList"
    )

    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert set(token["responses"]) == {"200", "400", "429"}
    assert token.get("security") in (None, [], [{}])
    assert schema["components"]["schemas"]["Token"]["properties"]["token"]["type"] == "string"


@pytest.fixture
def client(client, province_viewer):
    """Outside DEBUG (as the tests run) the schema and the docs are for signed-in users only."""
    client.force_login(province_viewer)
    return client


def test_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/towns/{code}/" in response.json()["paths"]


def external_references(html):
    return [
        url for url in re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html) if not url.startswith("/")
    ]


def test_swagger_ui_is_served_locally(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in html
    assert external_references(html) == []
    assert not re.search(r"https?://", html)


def test_redoc_script_is_served_locally(client):
    response = client.get("/api/redoc/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in html
    scripts = re.findall(r"""<script[^>]*src=["']([^"']+)["']""", html)
    assert scripts
    assert all(
        src.startswith("/static/drf_spectacular_sidecar/") or src == "/static/js/redoc-init.js"
        for src in scripts
    )
    assert external_references(html) == []
    assert "googleapis" not in html


def test_api_root_lists_the_endpoints(jilin, api_as, province_viewer):
    body = api_as(province_viewer).get("/api/v1/").json()
    assert set(body) >= {"regions", "towns", "designations", "quotas"}
    assert body["towns"].endswith("/api/v1/towns/")


def test_api_root_needs_authentication(api_client):
    assert api_client.get("/api/v1/").status_code == 401


@pytest.mark.parametrize(
    "url", ["/api/v1/", "/api/v1/regions/", "/api/v1/towns/", "/api/v1/designations/", "/api/v1/quotas/"]
)
def test_browsable_api_renders(jilin, client, province_viewer, url):
    client.force_login(province_viewer)
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_browsable_token_form_renders(client):
    response = client.get("/api/v1/auth/token/", HTTP_ACCEPT="text/html")
    assert response.status_code == 405  # POST only; the page still shows the form
    assert "password" in response.content.decode()


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_documentation_pages_forbid_every_outside_host(client, path):
    """ReDoc's bundle draws its logo from cdn.redoc.ly; the page's policy keeps the browser from asking."""
    policy = client.get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert "http" not in policy and "*" not in policy


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/docs/?script=", "/api/redoc/"])
def test_the_schema_and_the_docs_need_a_login_outside_debug(api_client, make_user, settings, path):
    from accounts.services import issue_token

    assert api_client.get(path).status_code == 401
    partner = make_user("partner", username="docs-partner")
    key = issue_token(None, partner, name="文档").key
    assert api_client.get(path, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    settings.DEBUG = True  # a developer's machine: open
    assert api_client.get(path).status_code == 200
