"""Denial looks like absence in every towns endpoint and page (issue 8, point 10).

For each endpoint or page that takes a region code, town code, designation id or submission id — in the URL,
the query string or the body — the answer for an object outside the caller's scope is compared with the
answer for an identifier that does not exist: same status, same body once the echoed identifier (and the
CSRF token of a page) is normalized. The out-of-scope object is left exactly as it was.

Selection rounds are province-wide (every user sees every round): no round is ever outside a scope, so they
appear here only as the round a submission is created in.
"""

import re
from dataclasses import dataclass, field

import pytest

from selection.models import Submission, SubmissionDocument, SubmissionEvent
from selection.services import transition
from tests.xlsx import workbook_of
from towns.models import Designation
from towns.services import designate

from ..conftest import JIAOHE, PDF_BYTES, town_in, upload

pytestmark = pytest.mark.usefixtures("jilin")

UNKNOWN = {
    "city": "2299",
    "county": "229999",
    "town": "229999999",
    "designation": "987654321",
    "submission": "987654321",
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
    multipart: bool = False
    xlsx: bool = False

    def __str__(self):
        return self.name

    @property
    def echoes(self):
        """Only an identifier sent in the query string or the body can come back (a filter's input, the
        create error); one in the path is compared verbatim."""
        return "?" in self.path or ID in self.body.values()


SUBMISSION_ACTIONS = ("submit", "recommend", "return", "select", "reject")

API_CASES = [
    Case("api region detail (city)", "county_official", "city", "get", "/api/v1/regions/{ID}/"),
    Case("api region detail (county)", "city_official", "county", "get", "/api/v1/regions/{ID}/"),
    Case("api regions by parent", "county_official", "city", "get", "/api/v1/regions/?parent={ID}"),
    Case("api town detail", "county_official", "town", "get", "/api/v1/towns/{ID}/"),
    Case("api towns by county", "county_official", "county", "get", "/api/v1/towns/?county={ID}"),
    Case("api towns by city", "city_official", "city", "get", "/api/v1/towns/?city={ID}"),
    Case("api towns by search", "county_official", "town", "get", "/api/v1/towns/?search={ID}"),
    Case("api designation detail", "county_official", "designation", "get", "/api/v1/designations/{ID}/"),
    Case("api designations by town", "city_official", "town", "get", "/api/v1/designations/?town={ID}"),
    Case("api quotas by parent", "county_official", "city", "get", "/api/v1/quotas/?parent={ID}"),
    Case("api submission detail", "county_official", "submission", "get", "/api/v1/submissions/{ID}/"),
    Case("api submissions by town", "county_official", "town", "get", "/api/v1/submissions/?town={ID}"),
    Case(
        "api submission edit",
        "county_official",
        "submission",
        "patch",
        "/api/v1/submissions/{ID}/",
        {"gdp": "1.00"},
    ),
    Case("api submission delete", "county_official", "submission", "delete", "/api/v1/submissions/{ID}/"),
    *(
        Case(
            f"api submission {action} by {caller}",
            caller,
            "submission",
            "post",
            f"/api/v1/submissions/{{ID}}/{action}/",
            {"comment": "意见", "doc_no": "吉〔2026〕1号"},
        )
        for action in SUBMISSION_ACTIONS
        for caller in ("county_official", "city_official")
    ),
    Case(
        "api document upload",
        "county_official",
        "submission",
        "post",
        "/api/v1/submissions/{ID}/documents/",
        {"kind": "work_plan"},
        multipart=True,
    ),
    Case(
        "api document download",
        "county_official",
        "submission",
        "get",
        "/api/v1/submissions/{ID}/documents/work_plan/",
    ),
    # A county drafting for another county's town gets the answer for an unknown code (round: the open one).
    Case(
        "api submission create",
        "county_official",
        "town",
        "post",
        "/api/v1/submissions/",
        {"round": "{ROUND}", "town": ID, "tier": "county"},
    ),
    Case(
        "api submission create by a city",
        "city_official",
        "town",
        "post",
        "/api/v1/submissions/",
        {"round": "{ROUND}", "town": ID, "tier": "county"},
    ),
    Case(
        "api tier change",
        "city_official",
        "town",
        "post",
        "/api/v1/towns/{ID}/tier-change/",
        {"change": "withdraw", "year": 2026, "doc_no": "长〔2026〕1号"},
    ),
]

PAGE_CASES = [
    Case("page town", "county_official", "town", "get", "/towns/{ID}/", page=True),
    Case("page directory by county", "county_official", "county", "get", "/towns/?county={ID}", page=True),
    Case("page directory by city", "city_official", "city", "get", "/towns/?city={ID}", page=True),
    Case("page directory by search", "county_official", "town", "get", "/towns/?search={ID}", page=True),
    Case(
        "page directory export by county",
        "county_official",
        "county",
        "get",
        "/towns/export.xlsx?county={ID}",
        page=True,
        xlsx=True,
    ),
    Case(
        "page tier change",
        "city_official",
        "town",
        "post",
        "/towns/{ID}/tier-change/",
        {"change": "withdraw", "year": "2026", "doc_no": "长〔2026〕1号"},
        page=True,
    ),
    Case("page submission", "county_official", "submission", "get", "/towns/submissions/{ID}/", page=True),
    Case(
        "page submission edit form",
        "county_official",
        "submission",
        "get",
        "/towns/submissions/{ID}/edit/",
        page=True,
    ),
    Case(
        "page submission edit",
        "county_official",
        "submission",
        "post",
        "/towns/submissions/{ID}/edit/",
        {"gdp": "1.00"},
        page=True,
    ),
    Case(
        "page submission delete",
        "county_official",
        "submission",
        "post",
        "/towns/submissions/{ID}/delete/",
        page=True,
    ),
    Case(
        "page document upload",
        "county_official",
        "submission",
        "post",
        "/towns/submissions/{ID}/documents/",
        page=True,
        multipart=True,
    ),
    Case(
        "page document download",
        "county_official",
        "submission",
        "get",
        "/towns/submissions/{ID}/documents/work_plan/",
        page=True,
    ),
    *(
        Case(
            f"page submission {action} by {caller}",
            caller,
            "submission",
            "post",
            f"/towns/submissions/{{ID}}/{action}/",
            {"comment": "意见", "doc_no": "吉〔2026〕1号"},
            page=True,
        )
        for action in SUBMISSION_ACTIONS
        for caller in ("county_official", "city_official")
    ),
    Case(
        "page submission create",
        "county_official",
        "town",
        "post",
        "/towns/rounds/{ROUND}/submissions/new/",
        {"town": ID, "tier": "county"},
        page=True,
    ),
    Case(
        "page review by county",
        "city_official",
        "county",
        "get",
        "/towns/rounds/{ROUND}/review/?county={ID}",
        page=True,
    ),
    Case(
        "page review export by county",
        "city_official",
        "county",
        "get",
        "/towns/rounds/{ROUND}/review/export.xlsx?county={ID}",
        page=True,
        xlsx=True,
    ),
]


@pytest.fixture
def foreign(make_draft, other_county_official, open_round):
    """Objects of 蛟河市 (吉林市), outside both 双阳区 and 长春市: a town with a designation, and a submitted
    candidate with its two documents."""
    designated = designate(town_in(JIAOHE, 0), "provincial", 2022, doc_no="吉示范镇办〔2022〕9号")
    submission = make_draft(town=town_in(JIAOHE, 1), user=other_county_official)
    transition(other_county_official, submission_id=submission.pk, action="submit")
    return {
        "city": JIAOHE[:4],
        "county": JIAOHE,
        "town": designated.town_id,
        "designation": str(designated.pk),
        "submission": str(submission.pk),
        "round": open_round,
    }


def state():
    """Everything a write could have touched."""
    return (
        list(Submission.objects.order_by("pk").values_list("pk", "status", "gdp", "updated_at")),
        list(SubmissionDocument.objects.order_by("pk").values_list("pk", "kind", "sha256")),
        list(Designation.objects.order_by("pk").values_list("pk", "tier", "to_year", "end_doc_no")),
        SubmissionEvent.objects.filter(accepted=True).count(),
    )


def fill(value, identifier, round_pk):
    return (
        value.replace(ID, identifier).replace("{ROUND}", str(round_pk)) if isinstance(value, str) else value
    )


def normalized(text, identifier):
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', text)
    if identifier is None:
        return text
    return re.sub(rf"(?<![0-9]){re.escape(identifier)}(?![0-9])", "<ID>", text)


def answer(response, identifier, case):
    """(status, body) with the identifier normalized where it can be echoed; a spreadsheet by its cells."""
    identifier = identifier if case.echoes else None
    if case.xlsx and response.status_code == 200:
        sheet = workbook_of(response).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
        return response.status_code, normalized(repr(rows), identifier)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, normalized(content.decode(), identifier)


def call(client, case, identifier, round_pk):
    path = fill(case.path, identifier, round_pk)
    body = {key: fill(value, identifier, round_pk) for key, value in case.body.items()}
    if case.multipart:
        body["file" if not case.page else "work_plan"] = upload("方案.pdf", PDF_BYTES)
        return client.post(path, body, format="multipart") if not case.page else client.post(path, body)
    method = getattr(client, case.method)
    if case.page or case.method == "get":
        return method(path, body) if body else method(path)
    return method(path, body, format="json")


def check(client, case, foreign):
    round_pk = foreign["round"].pk
    before = state()
    outside_id, unknown_id = foreign[case.kind], UNKNOWN[case.kind]
    outside = answer(call(client, case, outside_id, round_pk), outside_id, case)
    unknown = answer(call(client, case, unknown_id, round_pk), unknown_id, case)
    assert outside == unknown
    assert state() == before
    return outside


@pytest.mark.parametrize("case", API_CASES, ids=str)
def test_api_answers_out_of_scope_as_nonexistent(api_as, request, foreign, case):
    status, _ = check(api_as(request.getfixturevalue(case.caller)), case, foreign)
    assert status in (200, 400, 404), status


@pytest.mark.parametrize("case", PAGE_CASES, ids=str)
def test_pages_answer_out_of_scope_as_nonexistent(client, request, foreign, case):
    client.force_login(request.getfixturevalue(case.caller))
    status, _ = check(client, case, foreign)
    assert status in (200, 404), status


def test_the_create_answer_is_the_unknown_code_answer(api_as, county_official, foreign):
    """The one case where the identifier is echoed: the body names the code the caller sent, nothing more."""
    response = api_as(county_official).post(
        "/api/v1/submissions/",
        {"round": foreign["round"].pk, "town": foreign["town"], "tier": "county"},
        format="json",
    )
    assert (response.status_code, response.json()) == (400, {"town": [f"乡镇“{foreign['town']}”不存在。"]})


def test_the_cases_do_reach_an_object_in_scope(api_as, client, county_official, make_draft, foreign):
    """The same requests on the caller's own objects are answered (the comparisons above are not vacuous)."""
    own = make_draft()
    api = api_as(county_official)
    assert api.get(f"/api/v1/submissions/{own.pk}/").status_code == 200
    assert api.get(f"/api/v1/towns/{own.town_id}/").status_code == 200
    assert api.get(f"/api/v1/submissions/{own.pk}/documents/work_plan/").status_code == 200
    client.force_login(county_official)
    assert client.get(f"/towns/submissions/{own.pk}/").status_code == 200
    assert client.get(f"/towns/{own.town_id}/").status_code == 200
