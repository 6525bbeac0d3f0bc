"""The whole surface as a matrix (issue 12, point 8): every named route × every role, anonymous and a
partner token × {own region, other region, nonexistent}.

The routes come from the URL resolver and the OpenAPI schema; what each takes is declared in
tests/security/routes.py, and a route without an entry there fails `test_every_route_is_in_the_registry`.
For every case:

- nothing answers 5xx;
- anonymous (and a partner token on a page, which only reads the API) gets the login redirect or 401/403,
  except on public routes;
- a write by a principal that may not write is refused (a partner token never writes);
- an object of the other region answers exactly as a nonexistent one: same status, same body (the
  identifier itself and the CSRF token normalised), for every principal whose scope does not cover it;
- no answer (a page, a JSON list, an .xlsx export) carries a marker of a region the principal does not
  cover: region B's project names, veto and exemption reasons (矩阵B) and its town code.

The dataset is built once per module inside a transaction that is rolled back after it; each case runs in
its own savepoint (pytest-django's per-test transaction), so writes never reach the next case.
"""

import difflib
import re
from urllib.parse import unquote, urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.test import APIClient

from core.permission_map import ADMIN_SITE_ROLES, may_manage_all_tokens
from core.roles import Role
from core.scoping import covers, scope_of
from tests.xlsx import content_of, workbook_of

from ..conftest import token_client
from .matrix_data import Dataset
from .routes import ID, NAMESPACES, ROUTES, UNNAMED, WRITE_METHODS

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
PARTNER_TOKEN = "partner_token"
PRINCIPALS = [*Role.values, ANONYMOUS, PARTNER_TOKEN]
GLOBAL_KINDS = frozenset({"selection_round", "year", "task_area", "int"})
OWNED_KINDS = frozenset({"job", "notification", "import", "token"})
REGISTRY_FILE = "tests/security/routes.py"


# --- the routes of the resolver ------------------------------------------------------------------------------


def walk(patterns, prefix="", namespace=None):
    """(namespace-qualified name, route text, parameter names) of every URL pattern, recursively."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            # An unnamed pattern inside a namespace (admin's redirects) is known by its namespace.
            name = f"{namespace}:{pattern.name or ''}" if namespace else pattern.name
            parameters = set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)
            yield name, prefix + str(pattern.pattern), parameters - {"format"}


def resolver_routes():
    return list(walk(get_resolver().url_patterns))


def entry_for(name):
    if name in ROUTES:
        return ROUTES[name]
    namespace = name.split(":", 1)[0] if name and ":" in name else None
    return NAMESPACES.get(namespace)


def test_every_route_is_in_the_registry():
    """A route the matrix does not know fails here, with where to declare it."""
    missing = sorted(
        {
            name or f"<unnamed {route}>"
            for name, route, _ in resolver_routes()
            if not (entry_for(name) if name else route in UNNAMED)
        }
    )
    assert not missing, (
        f"routes without an entry in the matrix: {missing}. Add each to ROUTES in {REGISTRY_FILE} (what object "
        "its URL, query or body names, its methods, who may write): its docstring shows how."
    )


def test_every_registry_entry_names_a_route_and_its_parameters():
    """No stale entry: each names a route of the resolver, and gives exactly the URL parameters it takes."""
    parameters = {}
    for name, _route, names in resolver_routes():
        parameters.setdefault(name, names)
    stale = sorted(set(ROUTES) - set(parameters))
    assert not stale, f"entries of {REGISTRY_FILE} that name no route: {stale}"
    wrong = {name: (sorted(parameters[name]), sorted(route.kwargs)) for name, route in ROUTES.items()}
    wrong = {name: pair for name, pair in wrong.items() if pair[0] != pair[1]}
    assert not wrong, f"URL parameters (resolver, registry) that differ: {wrong}"


def test_every_operation_of_the_schema_is_in_the_registry(openapi_schema):
    """Every path × method of the OpenAPI schema resolves to a registered route that declares the method."""
    problems = []
    for path, operations in openapi_schema["paths"].items():
        concrete = re.sub(r"\{year\}", "2024", path)
        concrete = re.sub(r"\{kind\}", "work_plan", concrete)
        concrete = re.sub(r"\{[^}]+\}", "1", concrete)
        name = resolve(concrete).url_name
        for method in operations:
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            route = ROUTES.get(name)
            if route is None or method.upper() not in route.methods:
                problems.append(f"{method.upper()} {path} ({name})")
    assert not problems, (
        f"operations of the schema the matrix does not send: {problems}; declare them in {REGISTRY_FILE}"
    )


# --- the dataset and the principals --------------------------------------------------------------------------


def user_of(data: Dataset, principal):
    if principal == ANONYMOUS:
        return None
    if principal == PARTNER_TOKEN:
        return data.users[Role.PARTNER]
    return data.users[principal]


def client_for(data, principal, route):
    if principal == PARTNER_TOKEN:
        return token_client(data.partner_token)
    if principal == ANONYMOUS:
        return APIClient() if route.api else Client()
    user = data.users[principal]
    if route.api:
        client = APIClient()
        client.force_authenticate(user=user)
        return client
    client = Client()
    client.force_login(user)
    return client


def covers_object(data, principal, kind, variant):
    """Whether the principal's scope reaches the object of the variant (B's, for "other")."""
    user = user_of(data, principal)
    if variant == "nonexistent" or user is None:
        return False
    if kind == "job":
        # A job is seen by whoever's scope covers its data (core.jobs.jobs_visible_to), not by its owner alone.
        scope = scope_of(user)
        job_scope = data.job_scopes[data.identifier(kind, variant, user)]
        return scope.province_wide or (not scope.is_empty and job_scope.startswith(scope.code))
    if kind == "token":
        # Everyone manages their own tokens; the security administrator everyone's (core.permission_map).
        return variant == "own" or may_manage_all_tokens(user.role)
    if kind in OWNED_KINDS:
        return variant == "own"
    if kind in GLOBAL_KINDS:
        return True
    if kind in ("town", "county", "city", "region"):
        return covers(user, data.objects[kind][0 if variant == "own" else 1])
    b_town = data.objects["town"][1]
    return covers(user, b_town if variant == "other" else data.objects["town"][0])


def covers_region(data, principal, region):
    user = user_of(data, principal)
    return user is not None and covers(user, data.objects["town"][0 if region == "A" else 1])


# --- the cases -----------------------------------------------------------------------------------------------


def variants_of(route):
    if route.obj is None:
        return ("-",)
    if route.obj in GLOBAL_KINDS:
        return ("own", "nonexistent")
    return ("own", "other", "nonexistent")


def cases():
    for name in sorted(ROUTES):
        route = ROUTES[name]
        for method in route.methods:
            for principal in PRINCIPALS:
                for variant in variants_of(route):
                    yield pytest.param(
                        name, method, principal, variant, id=f"{method} {name} {principal} {variant}"
                    )
    for namespace in sorted(NAMESPACES):
        for principal in PRINCIPALS:
            yield pytest.param(
                f"{namespace}:index", "GET", principal, "-", id=f"GET {namespace}:index {principal} -"
            )


def substitute(mapping, identifier):
    return {key: identifier if value == ID else value for key, value in mapping.items()}


def request_of(route, name, identifier):
    """(url, query, body) of the route for the identifier."""
    url = reverse(name, kwargs=substitute(route.kwargs, identifier)) if route.kwargs else reverse(name)
    return url, substitute(route.query, identifier), substitute(route.body, identifier)


def send(client, route, name, method, identifier):
    url, query, body = request_of(route, name, identifier)
    if query:
        url = f"{url}?{urlencode(query)}"
    call = getattr(client, method.lower())
    if method == "GET":
        return call(url)
    if route.api or isinstance(client, APIClient):
        return call(url, body, format="multipart" if route.multipart else "json")
    return call(url, body)


def body_text(response):
    """What the answer says: an .xlsx by its cells (below the title rows), anything else as text."""
    content_type = response.get("Content-Type", "")
    if response.status_code == 200 and "spreadsheetml" in content_type:
        sheet = workbook_of(response).active
        return repr([[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)])
    data = content_of(response)
    if response.status_code == 200 and not content_type.startswith(("text/", "application/json")):
        return f"<{len(data)} bytes of {content_type}>"
    return data.decode("utf-8", errors="replace")


def without_token(text):
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', text)
    return re.sub(r'"csrfToken": "[^"]*"', '"csrfToken"', text)


def normalized(text, identifier):
    """The identifier replaced where it stands as a value (a URL segment or parameter, a quoted string, an
    element's text), never inside a longer token ("px-2", "2026", "T11")."""
    return re.sub(rf"(?<=[=/“\"'>]){re.escape(identifier)}(?=[&/”\"'<]|$)", "<ID>", text)


def answer(response, identifier, route):
    """(status, redirect target, body): the identifier normalised in the target, and in the body where the
    route can echo it (it came in the query string or the body: a filter's input, a form's error); an
    identifier in the path is compared verbatim, so a page that names what it found cannot pass."""
    location = normalized(unquote(response.get("Location", "")), identifier)
    text = without_token(body_text(response))
    if ID in route.query.values() or ID in route.body.values():
        text = normalized(text, identifier)
    return response.status_code, location, text


def difference(outside, missing):
    """Where the out-of-scope answer differs from the absent one, in a few lines."""
    lines = difflib.unified_diff(
        outside[2].splitlines(), missing[2].splitlines(), "other", "nonexistent", n=0
    )
    return f"other {outside[:2]} vs nonexistent {missing[:2]}:\n" + "\n".join(list(lines)[:20])


def state():
    """Everything a matrix write could touch, to tell that a refused one changed nothing."""
    from assessment.models import AssessmentRound, Exemption, Score, TalkFollowUp, Veto
    from core.models import ImportBatch, Job, Notification
    from funding.models import Allocation, DebtQuota
    from projects.models import ProgressReport, Project
    from selection.models import SelectionRound, Submission, SubmissionDocument
    from towns.models import Designation

    def rows(model, *fields):
        return list(model.objects.order_by("pk").values_list("pk", *fields))

    return [
        rows(Submission, "status", "gdp", "town_id"),
        rows(SubmissionDocument, "sha256"),
        rows(SelectionRound, "name", "deadline"),
        rows(Project, "name", "status", "investment", "version"),
        rows(ProgressReport, "cumulative_investment"),
        rows(Allocation, "amount"),
        rows(DebtQuota, "general_amount", "special_amount", "version"),
        rows(Designation, "tier", "to_year"),
        rows(Score, "points"),
        rows(Veto, "reason"),
        rows(Exemption, "reason"),
        rows(TalkFollowUp, "status"),
        rows(AssessmentRound, "state", "top_count"),
        rows(Job, "state", "cancel_requested_at"),
        rows(Notification, "read_at"),
        rows(ImportBatch, "state"),
    ]


def is_login_redirect(response):
    return response.status_code == 302 and "/login/" in response.get("Location", "")


def check_admin(data, principal):
    client = Client()
    user = user_of(data, principal) if principal != PARTNER_TOKEN else None
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("admin:index"))
    if principal in ADMIN_SITE_ROLES:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and "/admin/login/" in response["Location"], response


@pytest.mark.parametrize(("name", "method", "principal", "variant"), list(cases()))
def test_route(matrix, name, method, principal, variant):
    if ":" in name:
        check_admin(matrix, principal)
        return
    route = ROUTES[name]
    user = user_of(matrix, principal)
    client = client_for(matrix, principal, route)
    identifier = matrix.identifier(route.obj, variant, user) if route.obj else ""
    before = state() if method in WRITE_METHODS else None
    response = send(client, route, name, method, identifier)
    status = response.status_code
    assert status < 500, f"{status}: {body_text(response)[:500]}"

    if route.public:
        pass
    elif principal == ANONYMOUS or (principal == PARTNER_TOKEN and not route.api):
        # A page never reads a token: the partner's program is an anonymous visitor there.
        if route.api:
            assert status in (401, 403), status
        else:
            assert is_login_redirect(response), (status, response.get("Location"))
    elif method in WRITE_METHODS:
        role = Role.PARTNER if principal == PARTNER_TOKEN else principal
        if (principal == PARTNER_TOKEN and not route.token_writes) or role not in route.writers:
            # Refused: the API with 400 (a DomainError's reason), 403, 404 or 405; a page by its error page,
            # its form again or a redirect with the reason. Either way nothing changed.
            refused = (400, 403, 404, 405) if route.api else (200, 302, 400, 403, 404, 405)
            assert status in refused, f"{principal} may not write here: {status} {body_text(response)[:300]}"
            assert state() == before, f"{principal} changed data through {method} {name}"

    # A form's placeholder is a fixed example ("如 220112102"), not a row.
    text = re.sub(r'placeholder="[^"]*"', "", body_text(response))
    request_text = repr(request_of(route, name, identifier)) if route.obj else ""
    for region, markers in (("A", matrix.markers_a), ("B", matrix.markers_b)):
        if covers_region(matrix, principal, region) or principal in route.sees_all:
            continue
        leaked = [marker for marker in markers if marker in text and marker not in request_text]
        assert not leaked, f"{principal} is shown region {region}'s {leaked}"

    if route.rows and method == "GET" and status == 200 and not covers_region(matrix, principal, "B"):
        key = "code" if route.rows == "town" else "id"
        shown = {str(row.get(key)) for row in response.json()["results"]}
        assert matrix.objects[route.rows][1] not in shown, f"{principal} is listed region B's {route.rows}"

    if variant == "other" and not covers_object(matrix, principal, route.obj, "other"):
        # Out of scope answers exactly as absent: the nonexistent request, by the same principal.
        absent_id = matrix.identifier(route.obj, "nonexistent", user)
        absent = send(client_for(matrix, principal, route), route, name, method, absent_id)
        outside, missing = answer(response, identifier, route), answer(absent, absent_id, route)
        assert outside == missing, difference(outside, missing)


@pytest.mark.parametrize(
    ("principal", "url"),
    [
        (Role.PROVINCE_ADMIN, "/projects/"),
        (Role.PROVINCE_VIEWER, "/api/v1/projects/"),
        (Role.AUDITOR, "/funding/allocations/"),
        (Role.PROVINCE_ADMIN, "/assessment/2024/vetoes/"),
        (Role.PROVINCE_ADMIN, "/api/v1/vetoes/?year=2024"),
    ],
)
def test_the_province_does_see_region_b(matrix, principal, url):
    """The marker check is not vacuous: lists that a region-A user reads without B's rows show them to the
    province."""
    route = ROUTES[resolve(url.split("?")[0]).url_name]
    response = client_for(matrix, principal, route).get(url)
    assert response.status_code == 200
    assert any(marker in body_text(response) for marker in matrix.markers_b)


@pytest.mark.parametrize(
    "url",
    ["/api/v1/projects/", "/api/v1/allocations/", "/api/v1/vetoes/", "/api/v1/talks/", "/api/v1/scores/"],
)
def test_the_province_is_listed_region_b_ids(matrix, url):
    """The id check is not vacuous: region B's row is in the list the province reads."""
    route = ROUTES[resolve(url).url_name]
    response = client_for(matrix, Role.AUDITOR, route).get(url, {"page_size": 1000})
    assert response.status_code == 200
    assert matrix.objects[route.rows][1] in {str(row["id"]) for row in response.json()["results"]}
