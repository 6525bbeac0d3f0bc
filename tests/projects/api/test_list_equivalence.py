"""The fast project list (values_list) gives exactly the serializer's items, field for field, in its order."""

import pytest

from projects.api.serializers import ProjectSerializer
from projects.selectors import visible_projects
from projects.services import submit_report, update_project
from towns.services import designate

from ...conftest import SHUANGYANG, town_in
from .scenarios import approve, as_json, jiaohe_project

pytestmark = pytest.mark.django_db


def test_project_list_items_equal_the_serializer(
    api_as, province_viewer, county_official, other_county_official, make_project
):
    city_town = town_in(SHUANGYANG, 1)
    designate(city_town, "city", 2023)
    make_project()
    make_project(town=city_town, investment="9000.00", public_welfare=False, annual_revenue="12.30")
    special = make_project(special_bond_field=True, annual_revenue="80.00", annual_debt_service="80.00")
    approve(county_official, special)
    update_project(
        county_official,
        project=special,
        data={"planning_approval_date": "2025-03-01", "planning_approval_doc_no": "双规批〔2025〕3号"},
    )
    submit_report(
        county_official,
        project=special,
        period_type="quarter",
        year=2025,
        number=2,
        cumulative_investment="250.50",
        percent_complete="20.25",
        narrative="管网铺设",
    )
    jiaohe_project(other_county_official, investment="500.00")

    body = api_as(province_viewer).get("/api/v1/projects/", {"page_size": 1000}).json()
    projects = visible_projects(province_viewer).in_bulk()
    assert body["count"] == len(projects) == 4
    for item in body["results"]:
        assert list(item) == list(ProjectSerializer().fields)
        assert item == as_json(ProjectSerializer(projects[item["id"]]).data)
    reported = next(item for item in body["results"] if item["id"] == special.pk)
    assert (
        reported["completed_investment"],
        reported["percent_complete"],
        reported["last_reported_period"],
    ) == (
        "250.50",
        "20.25",
        "2025-Q2",
    )
    assert reported["planning_approval_date"] == "2025-03-01"
    assert reported["created_at"].endswith("+08:00")
    assert {(item["key_provincial_support"], item["recommended_bond_type"]) for item in body["results"]} == {
        (True, "general"),
        (False, "none"),
        (True, "special"),
        (False, "general"),
    }
