"""The dashboards keep a constant number of queries whatever the number of towns: the same count for the small
program as for 20,000 more designated towns with their projects, reports, allocations and scores."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..conftest import CHANGCHUN, SHUANGYANG
from .data import many_towns, small_program

pytestmark = pytest.mark.usefixtures("jilin")

MANY = 20_000
# (role, what is asked for, queries): each level's dashboard is a fixed set of grouped queries. The province:
# the R1 quota report (5), investment, reporting, averages by city and by tier, grades, the task-area summary (3),
# allocations by source, project statuses, designations per year, submissions, pending rounds and talks. A
# city: its region, the quota report (5), investment, reporting, averages by county, town scores, submissions.
# A county: its region, its towns, investment, reporting, town scores, submissions, project statuses.
API_QUERIES = [
    ("province_admin", "", 19),
    ("city_official", "", 11),
    ("county_official", "", 7),
    ("province_admin", f"?region={CHANGCHUN}", 11),
    ("province_admin", f"?region={SHUANGYANG}", 7),
]
PAGES = [
    ("province_admin", "/"),
    ("city_official", "/"),
    ("county_official", "/"),
    ("province_admin", f"/regions/{CHANGCHUN}/"),
    ("city_official", f"/regions/{SHUANGYANG}/"),
    ("province_admin", f"/dashboard/export/?region={CHANGCHUN}&measure=gap"),
]


@pytest.mark.parametrize(("role", "query", "expected"), API_QUERIES)
def test_the_api_asks_a_fixed_number_of_queries(
    api_as, request, role, query, expected, django_assert_num_queries
):
    small_program()
    api = api_as(request.getfixturevalue(role))
    with django_assert_num_queries(expected):
        api.get(f"/api/v1/dashboard/{query}")


def test_pages_and_api_ask_as_many_queries_for_20000_more_towns(
    client, api_as, province_admin, city_official, county_official, django_assert_num_queries
):
    users = {
        "province_admin": province_admin,
        "city_official": city_official,
        "county_official": county_official,
    }
    calls = [(role, path) for role, path in PAGES] + [
        (role, f"/api/v1/dashboard/{query}") for role, query, _ in API_QUERIES
    ]

    def ask(role, path):
        """The answer to the user of that role, logged in beforehand (the login's queries are not counted)."""
        if path.startswith("/api/"):
            return api_as(users[role]).get(path)
        return client.get(path)

    def count_all():
        counts = {}
        for role, path in calls:
            client.force_login(users[role])
            ask(role, path)  # once first: what a first request caches (content types, …) is not the point
            with CaptureQueriesContext(connection) as queries:
                assert ask(role, path).status_code == 200, path
            counts[(role, path)] = len(queries)
        return counts

    small_program()
    few = count_all()
    many_towns(MANY)
    assert count_all() == few
    for (role, path), count in few.items():
        client.force_login(users[role])
        with django_assert_num_queries(count):
            ask(role, path)
