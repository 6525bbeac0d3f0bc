"""Denial looks like absence in every projects and funding endpoint and page (issue 8, point 10).

For each endpoint or page that takes a project, progress report, allocation or quota id, or a town, county
or city code — in the URL, the query string or the body — the answer for an object outside the caller's
scope is compared with the answer for an identifier that does not exist: same status, same body once the
echoed identifier (and the CSRF token of a page) is normalized. Nothing outside the scope changes.
"""

import re
from dataclasses import dataclass, field

import pytest

from funding.models import Allocation, DebtQuota
from funding.services import allocate, set_quota
from projects.models import ProgressReport, Project
from projects.services import submit_report
from tests.xlsx import workbook_of
from towns.models import Region

from ..conftest import JIAOHE, JILIN_CITY
from ..projects.api.scenarios import approve, jiaohe_project

pytestmark = pytest.mark.usefixtures("jilin")

UNKNOWN = {
    "city": "2299",
    "county": "229999",
    "town": "229999999",
    "project": "987654321",
    "report": "987654321",
    "allocation": "987654321",
    "quota": "987654321",
}
ID = "{ID}"


@dataclass(frozen=True)
class Case:
    name: str
    caller: str  # fixture name
    kind: str  # key of UNKNOWN: what the identifier names
    method: str
    path: str  # with {ID}
    body: dict = field(default_factory=dict)
    page: bool = False
    xlsx: bool = False

    def __str__(self):
        return self.name

    @property
    def echoes(self):
        """Only an identifier sent in the query string or the body can come back (a filter's input, the
        create error); one in the path is compared verbatim."""
        return "?" in self.path or ID in self.body.values()


PROJECT_BODY = {
    "task_area": "T05",
    "name": "镇区污水管网改造工程",
    "public_welfare": True,
    "investment": "1200.00",
    "start_year": 2025,
    "end_year": 2027,
}
REPORT_BODY = {
    "period_type": "month",
    "year": 2025,
    "number": 6,
    "cumulative_investment": "10",
    "percent_complete": "1",
}

API_CASES = [
    # projects (R5)
    Case("api project detail", "county_official", "project", "get", "/api/v1/projects/{ID}/"),
    Case("api project detail by a city", "city_official", "project", "get", "/api/v1/projects/{ID}/"),
    Case("api projects by town", "county_official", "town", "get", "/api/v1/projects/?town={ID}"),
    Case("api projects by county", "city_official", "county", "get", "/api/v1/projects/?county={ID}"),
    Case("api projects by city", "county_official", "city", "get", "/api/v1/projects/?city={ID}"),
    Case(
        "api project edit", "county_official", "project", "patch", "/api/v1/projects/{ID}/", {"name": "改名"}
    ),
    Case(
        "api project edit with a version",
        "county_official",
        "project",
        "patch",
        "/api/v1/projects/{ID}/",
        {"investment": "1.00", "version": 1},
    ),
    Case(
        "api project status",
        "county_official",
        "project",
        "post",
        "/api/v1/projects/{ID}/status/",
        {"status": "cancelled"},
    ),
    # A county filing a project for another county's town gets the answer for an unknown code.
    Case(
        "api project create",
        "county_official",
        "town",
        "post",
        "/api/v1/projects/",
        {"town": ID, **PROJECT_BODY},
    ),
    # progress reports
    Case("api report detail", "county_official", "report", "get", "/api/v1/progress-reports/{ID}/"),
    Case(
        "api reports by project",
        "county_official",
        "project",
        "get",
        "/api/v1/progress-reports/?project={ID}",
    ),
    Case("api reports by town", "city_official", "town", "get", "/api/v1/progress-reports/?town={ID}"),
    Case(
        "api report create",
        "county_official",
        "project",
        "post",
        "/api/v1/progress-reports/",
        {"project": ID, **REPORT_BODY},
    ),
    # allocations (R6)
    Case("api allocation detail", "city_official", "allocation", "get", "/api/v1/allocations/{ID}/"),
    Case(
        "api allocations by project", "county_official", "project", "get", "/api/v1/allocations/?project={ID}"
    ),
    Case("api allocations by county", "city_official", "county", "get", "/api/v1/allocations/?county={ID}"),
    Case(
        "api allocations by quota region",
        "city_official",
        "city",
        "get",
        "/api/v1/allocations/?quota_region={ID}",
    ),
    Case(
        "api allocation create",
        "city_official",
        "project",
        "post",
        "/api/v1/allocations/",
        {"project": ID, "source": "city_budget", "amount": "1.00", "year": 2026},
    ),
    # quotas
    Case("api quota detail", "county_official", "quota", "get", "/api/v1/debt-quotas/{ID}/"),
    Case("api quota detail by a city", "city_official", "quota", "get", "/api/v1/debt-quotas/{ID}/"),
    Case("api quotas by region", "county_official", "county", "get", "/api/v1/debt-quotas/?region={ID}"),
    Case("api quotas by city", "city_official", "city", "get", "/api/v1/debt-quotas/?city={ID}"),
    Case(
        "api quota edit by a city",
        "city_official",
        "quota",
        "patch",
        "/api/v1/debt-quotas/{ID}/",
        {"general_amount": "1"},
    ),
    # proposals: the county (or city) named in the query or the body
    Case(
        "api proposal of a county",
        "city_official",
        "county",
        "get",
        "/api/v1/allocation-proposals/?county={ID}&year=2026",
    ),
    Case(
        "api proposal of a city",
        "city_official",
        "city",
        "get",
        "/api/v1/allocation-proposals/?city={ID}&year=2026",
    ),
    Case(
        "api proposal accept for a county",
        "city_official",
        "county",
        "post",
        "/api/v1/allocation-proposals/accept/",
        {"county": ID, "year": 2026},
    ),
    Case(
        "api proposal accept for a city",
        "city_official",
        "city",
        "post",
        "/api/v1/allocation-proposals/accept/",
        {"city": ID, "year": 2026},
    ),
]

PAGE_CASES = [
    Case("page project", "county_official", "project", "get", "/projects/{ID}/", page=True),
    Case("page project by a city", "city_official", "project", "get", "/projects/{ID}/", page=True),
    Case("page project edit form", "county_official", "project", "get", "/projects/{ID}/edit/", page=True),
    Case(
        "page project edit",
        "county_official",
        "project",
        "post",
        "/projects/{ID}/edit/",
        {"task_area": "T05", "name": "改名", "investment": "1", "start_year": "2025", "end_year": "2027"},
        page=True,
    ),
    Case(
        "page project status",
        "county_official",
        "project",
        "post",
        "/projects/{ID}/status/",
        {"status": "cancelled", "version": "1"},
        page=True,
    ),
    Case(
        "page project report",
        "county_official",
        "project",
        "post",
        "/projects/{ID}/reports/",
        {**REPORT_BODY},
        page=True,
    ),
    Case("page projects by county", "county_official", "county", "get", "/projects/?county={ID}", page=True),
    Case("page projects by town", "city_official", "town", "get", "/projects/?town={ID}", page=True),
    Case(
        "page project export by county",
        "county_official",
        "county",
        "get",
        "/projects/export.xlsx?county={ID}",
        page=True,
        xlsx=True,
    ),
    Case(
        "page project create",
        "county_official",
        "town",
        "post",
        "/projects/new/",
        {
            "town": ID,
            "task_area": "T05",
            "name": "镇区道路",
            "investment": "100",
            "start_year": "2025",
            "end_year": "2026",
        },
        page=True,
    ),
    Case(
        "page allocations by project",
        "city_official",
        "project",
        "get",
        "/funding/allocations/?project={ID}",
        page=True,
    ),
    Case(
        "page allocations by county",
        "city_official",
        "county",
        "get",
        "/funding/allocations/?county={ID}",
        page=True,
    ),
    Case(
        "page allocations by quota region",
        "city_official",
        "city",
        "get",
        "/funding/allocations/?quota_region={ID}",
        page=True,
    ),
    Case(
        "page allocation export by county",
        "city_official",
        "county",
        "get",
        "/funding/allocations/export.xlsx?county={ID}",
        page=True,
        xlsx=True,
    ),
    Case(
        "page allocation form for a project",
        "city_official",
        "project",
        "get",
        "/funding/allocations/new/?project={ID}&year=2026",
        page=True,
    ),
    Case(
        "page allocation create",
        "city_official",
        "project",
        "post",
        "/funding/allocations/new/",
        {"project": ID, "source": "city_budget", "amount": "1.00", "year": "2026"},
        page=True,
    ),
    Case(
        "page quotas by region", "county_official", "county", "get", "/funding/quotas/?region={ID}", page=True
    ),
    Case(
        "page quota export by region",
        "city_official",
        "county",
        "get",
        "/funding/quotas/export.xlsx?region={ID}",
        page=True,
        xlsx=True,
    ),
    Case(
        "page proposal of a county",
        "city_official",
        "county",
        "get",
        "/funding/proposals/?county={ID}&year=2026",
        page=True,
    ),
    Case(
        "page proposal of a city",
        "city_official",
        "city",
        "get",
        "/funding/proposals/?city={ID}&year=2026",
        page=True,
    ),
    Case(
        "page proposal accept",
        "city_official",
        "county",
        "post",
        "/funding/proposals/accept/",
        {"county": ID, "year": "2026", "digest": "x"},
        page=True,
    ),
]


@pytest.fixture
def foreign(province_admin, other_county_official):
    """Objects of 蛟河市 (吉林市), outside both 双阳区 and 长春市: a project with a report and an allocation, a
    county quota and a city quota."""
    project = jiaohe_project(other_county_official)
    approve(other_county_official, project)
    report = submit_report(
        other_county_official,
        project=project,
        period_type="month",
        year=2025,
        number=5,
        cumulative_investment="100.00",
        percent_complete="10",
    )
    quota = set_quota(
        province_admin,
        region=Region.objects.get(code=JIAOHE),
        year=2026,
        general_amount="500",
        special_amount="500",
    )
    set_quota(
        province_admin,
        region=Region.objects.get(code=JILIN_CITY),
        year=2026,
        general_amount="300",
        special_amount="300",
    )
    allocation = allocate(
        province_admin, project=project, source="provincial_general_bond", amount="100.00", year=2026
    )
    return {
        "city": JILIN_CITY,
        "county": JIAOHE,
        "town": project.town_id,
        "project": str(project.pk),
        "report": str(report.pk),
        "allocation": str(allocation.pk),
        "quota": str(quota.pk),
    }


def state():
    """Everything a write could have touched."""
    return (
        list(Project.objects.order_by("pk").values_list("pk", "name", "status", "investment", "version")),
        list(ProgressReport.objects.order_by("pk").values_list("pk", "cumulative_investment")),
        list(Allocation.objects.order_by("pk").values_list("pk", "project_id", "amount", "quota_id")),
        list(
            DebtQuota.objects.order_by("pk").values_list("pk", "general_amount", "special_amount", "version")
        ),
    )


def normalized(text, identifier):
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', text)
    if identifier is None:
        return text
    # Only the identifier itself: not digits inside a longer number or a code such as task area "T11".
    return re.sub(rf"(?<![0-9A-Za-z]){re.escape(identifier)}(?![0-9A-Za-z])", "<ID>", text)


def answer(response, identifier, case):
    """(status, body) with the identifier normalized where it can be echoed; a spreadsheet by its cells."""
    identifier = identifier if case.echoes else None
    if case.xlsx and response.status_code == 200:
        sheet = workbook_of(response).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
        return response.status_code, normalized(repr(rows), identifier)
    return response.status_code, normalized(response.content.decode(), identifier)


def call(client, case, identifier):
    path = case.path.replace(ID, identifier)
    body = {key: identifier if value == ID else value for key, value in case.body.items()}
    method = getattr(client, case.method)
    if case.page or case.method == "get":
        return method(path, body) if body else method(path)
    return method(path, body, format="json")


def check(client, case, foreign):
    before = state()
    outside_id, unknown_id = foreign[case.kind], UNKNOWN[case.kind]
    outside = answer(call(client, case, outside_id), outside_id, case)
    unknown = answer(call(client, case, unknown_id), unknown_id, case)
    assert outside == unknown
    assert state() == before
    return outside


@pytest.mark.parametrize("case", API_CASES, ids=str)
def test_api_answers_out_of_scope_as_nonexistent(api_as, request, foreign, case):
    status, _ = check(api_as(request.getfixturevalue(case.caller)), case, foreign)
    assert status in (200, 400, 403, 404), status


@pytest.mark.parametrize("case", PAGE_CASES, ids=str)
def test_pages_answer_out_of_scope_as_nonexistent(client, request, foreign, case):
    client.force_login(request.getfixturevalue(case.caller))
    status, _ = check(client, case, foreign)
    assert status in (200, 404), status


def test_the_create_answers_name_only_the_code_sent(api_as, county_official, city_official, foreign):
    """Where the identifier is echoed, the body names what the caller sent, nothing more."""
    project = api_as(county_official).post(
        "/api/v1/projects/", {"town": foreign["town"], **PROJECT_BODY}, format="json"
    )
    assert (project.status_code, project.json()) == (400, {"detail": f"乡镇“{foreign['town']}”不存在。"})
    report = api_as(county_official).post(
        "/api/v1/progress-reports/", {"project": foreign["project"], **REPORT_BODY}, format="json"
    )
    assert (report.status_code, report.json()) == (404, {"detail": "未找到。"})
    accept = api_as(city_official).post(
        "/api/v1/allocation-proposals/accept/", {"county": foreign["county"], "year": 2026}, format="json"
    )
    assert (accept.status_code, accept.json()) == (404, {"detail": "未找到。"})


def test_the_cases_do_reach_an_object_in_scope(api_as, other_county_official, foreign, make_user):
    """The same requests by the objects' own county and city are answered (the comparisons are not vacuous)."""
    from accounts.models import Role

    county = api_as(other_county_official)
    assert county.get(f"/api/v1/projects/{foreign['project']}/").status_code == 200
    assert county.get(f"/api/v1/progress-reports/{foreign['report']}/").status_code == 200
    assert county.get(f"/api/v1/debt-quotas/{foreign['quota']}/").status_code == 200
    city = api_as(make_user(Role.CITY_OFFICIAL, JILIN_CITY))
    assert city.get(f"/api/v1/allocations/{foreign['allocation']}/").status_code == 200
    assert city.get("/api/v1/allocation-proposals/", {"county": JIAOHE, "year": 2026}).status_code == 200
    assert city.get("/api/v1/allocation-proposals/", {"city": JILIN_CITY, "year": 2026}).status_code == 200
    assert len(city.get("/api/v1/allocations/", {"quota_region": JIAOHE}).json()["results"]) == 1
