"""GET /api/v1/indicator-systems/: one system per year, its indicators by task area and their total (R7)."""

import pytest

from assessment.rules import DEFAULT_INDICATORS
from assessment.services import copy_system, ensure_round, save_indicators

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicator-systems/"


def test_the_default_system(api_as, partner, jilin):
    ensure_round(2024)
    response = api_as(partner).get(f"{URL}2024/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["year"], body["name"], body["copied_from"], body["total"]) == (
        2024,
        "2024年度示范镇评价指标体系",
        None,
        "100.00",
    )
    assert [(i["code"], i["task_area"], i["max_points"]) for i in body["indicators"]] == [
        (code, code, f"{points:.2f}") for code, points in DEFAULT_INDICATORS
    ]
    assert body["indicators"][0] == {
        "code": "T01",
        "name": "园区基础设施",
        "task_area": "T01",
        "task_area_name": "园区基础设施",
        "max_points": "10.00",
    }


def test_a_custom_and_a_copied_system(api_as, province_admin, province_viewer, jilin):
    indicators = [
        ("A1", "园区道路", "T01", "60"),
        ("A2", "污水处理", "T05", "30.5"),
        ("B1", "网格化治理", "T15", "9.5"),
    ]
    save_indicators(province_admin, year=2025, indicators=indicators)
    copy_system(province_admin, year=2026, from_year=2025)
    body = api_as(province_viewer).get(URL).json()
    assert [item["year"] for item in body["results"]] == [2026, 2025]
    copied, custom = body["results"]
    assert copied["copied_from"] == 2025
    assert [(i["code"], i["task_area"], i["max_points"]) for i in custom["indicators"]] == [
        ("A1", "T01", "60.00"),
        ("A2", "T05", "30.50"),
        ("B1", "T15", "9.50"),
    ]
    assert custom["total"] == copied["total"] == "100.00"


def test_a_year_without_a_system_is_not_found(api_as, province_viewer, jilin):
    assert api_as(province_viewer).get(f"{URL}2030/").status_code == 404


def test_read_only(api_as, province_admin, jilin):
    ensure_round(2024)
    assert api_as(province_admin).post(URL, {"year": 2027}, format="json").status_code == 405


def test_list_queries_do_not_grow(api_as, province_viewer, jilin, django_assert_num_queries):
    ensure_round(2024)
    with django_assert_num_queries(3) as one:  # count, systems (with copied_from), indicators (with areas)
        api_as(province_viewer).get(URL)
    for year in (2025, 2026, 2027):
        ensure_round(year)
    with django_assert_num_queries(len(one)):
        assert api_as(province_viewer).get(URL).json()["count"] == 4
