"""One scoping policy for the dashboards: a region outside the caller's scope answers exactly like one that
does not exist, on the region page, in the export and in the API."""

import re

import pytest

from dashboard.selectors import dashboard_for

from ..conftest import CHANGCHUN, JIAOHE, JILIN_CITY, NONGAN, SHUANGYANG
from .data import small_program

pytestmark = pytest.mark.usefixtures("jilin")

UNKNOWN = ["9999", "229999", "22", "220112100", "abc"]


@pytest.fixture
def program(jilin):
    return small_program()


def body(response):
    """The answer with the logout form's one-time CSRF token left out."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", response.content)


def same_answers(get, outside, unknown):
    answers = {(response.status_code, body(response)) for response in (get(outside), get(unknown))}
    assert len(answers) == 1, f"{outside} and {unknown} answer differently"
    return answers.pop()[0]


@pytest.mark.parametrize(
    ("role", "outside", "inside"),
    [
        ("county_official", [CHANGCHUN, NONGAN, JILIN_CITY, JIAOHE], [SHUANGYANG]),
        ("city_official", [JILIN_CITY, JIAOHE], [CHANGCHUN, SHUANGYANG, NONGAN]),
    ],
)
def test_a_region_outside_the_scope_answers_like_an_unknown_one(
    client, api_as, program, request, role, outside, inside
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    api = api_as(user)
    for code in outside:
        for unknown in UNKNOWN:
            assert same_answers(lambda c: client.get(f"/regions/{c}/"), code, unknown) == 404
            assert same_answers(lambda c: client.get(f"/dashboard/export/?region={c}"), code, unknown) == 404
            assert same_answers(lambda c: api.get(f"/api/v1/dashboard/?region={c}"), code, unknown) == 404
    for code in inside:
        assert client.get(f"/regions/{code}/").status_code == 200
        assert api.get(f"/api/v1/dashboard/?region={code}").status_code == 200


def test_a_county_officials_dashboard_holds_its_county_alone(program, county_official):
    dashboard = dashboard_for(county_official)
    assert {row.code[:6] for row in dashboard.rows} == {SHUANGYANG}
    for chart in dashboard.charts:
        for link in chart.links:
            assert not link.startswith("/regions/") or link.startswith(f"/regions/{SHUANGYANG}")
        for category in chart.categories:
            assert program.na0.name not in category and program.jh0.name not in category
    assert dashboard.figure("projects").value == 2  # a and b; c (农安县), d and e (蛟河市) are not its own


def test_a_city_officials_dashboard_holds_its_city_alone(program, city_official):
    dashboard = dashboard_for(city_official)
    assert {row.code[:4] for row in dashboard.rows} == {CHANGCHUN}
    assert dashboard.figure("projects").value == 3
    assert program.jh0.name not in "".join(dashboard.chart("town_scores").categories)


def test_the_api_says_nothing_to_a_user_without_a_scope(api_as, program, make_user):
    answer = api_as(make_user("city_official", None, username="nowhere")).get("/api/v1/dashboard/").json()
    assert (
        answer["level"] == "" and answer["charts"] == [] and answer["rows"] == [] and answer["figures"] == []
    )


def test_anonymous_callers_are_sent_to_log_in(client, api_client, program):
    assert client.get(f"/regions/{CHANGCHUN}/").status_code == 302
    assert client.get("/dashboard/export/").status_code == 302
    assert api_client.get("/api/v1/dashboard/").status_code in (401, 403)
