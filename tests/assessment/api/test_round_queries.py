"""The round's detail (API and page) reads the year's inputs in a constant number of queries, however many
towns are designated: the incomplete and unassessed lists, the publications, the job's state."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.services import save_scores, update_settings
from towns.models import Town
from towns.services import designate

from ..test_three_years import points_for

pytestmark = pytest.mark.django_db


def designate_and_score(admin, count, start=0):
    towns = list(Town.objects.filter(kind="town").order_by("code")[start : start + count])
    for number, town in enumerate(towns):
        designate(town, "provincial" if number % 2 else "county", 2022)
        if number % 3:
            save_scores(
                admin,
                year=2024,
                town=town,
                points_by_code=points_for("80") if number % 3 == 1 else {"T01": "5"},
            )
    return towns


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_round_detail_and_page_do_not_grow_with_the_towns(api_as, client, province_admin):
    update_settings(province_admin, year=2024, top_count=2)
    designate_and_score(province_admin, 6)
    api = api_as(province_admin)
    client.force_login(province_admin)
    few = (queries(api, "/api/v1/assessment-rounds/2024/"), queries(client, "/assessment/2024/"))
    designate_and_score(province_admin, 60, start=6)
    body = api.get("/api/v1/assessment-rounds/2024/").json()
    assert len(body["incomplete_towns"]) > 10 and len(body["unassessed_towns"]) > 10
    many = (queries(api, "/api/v1/assessment-rounds/2024/"), queries(client, "/assessment/2024/"))
    assert many == few
