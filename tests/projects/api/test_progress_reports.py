"""API v1 progress reports (月/季 调度): filed by the owning county through submit_report(); cumulative
figures never go backwards nor beyond the investment; read within the scope."""

import pytest

from accounts.models import Role
from projects.models import ProgressReport

from ...conftest import CHANGCHUN, JILIN_CITY, SHUANGYANG
from .scenarios import approve, jiaohe_project

pytestmark = pytest.mark.django_db

URL = "/api/v1/progress-reports/"


def report(project, number, cumulative, percent, period_type="month", year=2025, **extra):
    return {
        "project": project.pk,
        "period_type": period_type,
        "year": year,
        "number": number,
        "cumulative_investment": cumulative,
        "percent_complete": percent,
        **extra,
    }


@pytest.fixture
def project(make_project, county_official):
    project = make_project()  # 1,200.00 万元
    approve(county_official, project)
    return project


def test_county_reports_progress_and_the_project_follows(api_as, county_official, project):
    client = api_as(county_official)
    response = client.post(URL, report(project, 3, "100.00", "10", narrative="  开工准备  "), format="json")
    assert response.status_code == 201, response.content
    created = ProgressReport.objects.get()
    item = response.json()
    assert item == {
        "id": created.pk,
        "project": project.pk,
        "project_name": project.name,
        "town": project.town_id,
        "town_name": project.town.name,
        "county": SHUANGYANG,
        "city": CHANGCHUN,
        "period_type": "month",
        "period_type_label": "月度",
        "year": 2025,
        "number": 3,
        "period_label": "2025年3月",
        "period_end": "2025-03-31",
        "cumulative_investment": "100.00",
        "percent_complete": "10.00",
        "narrative": "开工准备",
        "created_at": item["created_at"],
    }
    assert created.reported_by == county_official
    figures = client.get(f"/api/v1/projects/{project.pk}/").json()
    assert (
        figures["completed_investment"],
        figures["percent_complete"],
        figures["last_reported_period"],
    ) == (
        "100.00",
        "10.00",
        "2025-03",
    )
    assert client.get(f"{URL}{created.pk}/").json() == item


def test_progress_never_goes_backwards_nor_beyond_the_investment(api_as, county_official, project):
    client = api_as(county_official)
    assert client.post(URL, report(project, 3, "100.00", "10"), format="json").status_code == 201
    assert client.post(URL, report(project, 5, "300.00", "25"), format="json").status_code == 201
    refusals = [
        (report(project, 6, "299.99", "30"), "累计完成投资不能少于上一期报送的 300.00 万元。"),
        (report(project, 6, "350.00", "24.99"), "形象进度不能低于上一期报送的 25.00%。"),
        (report(project, 6, "1200.01", "30"), "累计完成投资 1,200.01 万元超过项目总投资 1,200.00 万元。"),
        (report(project, 4, "300.01", "20"), "累计完成投资不能多于之后一期已报送的 300.00 万元。"),
        (report(project, 5, "300.00", "25"), "该项目2025年5月已报送过进度。"),
        (report(project, 13, "300.00", "25"), "月份应为 1–12，而不是 13。"),
        (report(project, 6, "300.00", "100.01"), "形象进度应在 0–100% 之间。"),
        (report(project, 6, "300.001", "30"), "累计完成投资最多保留两位小数（单位：万元）。"),
    ]
    for body, reason in refusals:
        response = client.post(URL, body, format="json")
        assert (response.status_code, response.json()) == (400, {"detail": reason}), body
    assert ProgressReport.objects.count() == 2
    # equal to the investment and to the previous figures is allowed
    assert client.post(URL, report(project, 6, "1200.00", "25"), format="json").status_code == 201
    assert client.post(URL, report(project, 4, "300.00", "25"), format="json").status_code == 201
    project.refresh_from_db()
    assert (str(project.completed_investment), project.last_reported_period) == ("1200.00", "2025-06")


def test_a_planned_project_does_not_report(api_as, county_official, make_project):
    planned = make_project()
    response = api_as(county_official).post(URL, report(planned, 3, "10.00", "1"), format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "项目处于“储备”状态，不需要报送进度。"},
    )


def test_reports_outside_the_scope_are_404_and_other_roles_403(
    api_as, county_official, other_county_official, city_official, province_admin, project
):
    response = api_as(other_county_official).post(URL, report(project, 3, "10.00", "1"), format="json")
    assert (response.status_code, response.json()) == (404, {"detail": "未找到。"})
    missing = api_as(county_official).post(
        URL, {**report(project, 3, "10.00", "1"), "project": 999999}, format="json"
    )
    assert missing.status_code == 404
    for user in (city_official, province_admin):
        assert api_as(user).post(URL, report(project, 3, "10.00", "1"), format="json").status_code == 403
    assert not ProgressReport.objects.exists()


def test_reads_are_scoped_and_filtered(
    api_as, make_user, county_official, other_county_official, city_official, province_viewer, project
):
    client = api_as(county_official)
    ours = client.post(URL, report(project, 2, "50.00", "5", period_type="quarter"), format="json").json()
    client.post(URL, report(project, 7, "60.00", "6"), format="json")
    theirs_project = jiaohe_project(other_county_official)
    approve(other_county_official, theirs_project)
    theirs = (
        api_as(other_county_official).post(URL, report(theirs_project, 3, "1.00", "1"), format="json").json()
    )

    def listed(user, **params):
        return {item["id"] for item in api_as(user).get(URL, params).json()["results"]}

    assert len(listed(county_official)) == 2
    assert listed(other_county_official) == {theirs["id"]}
    assert len(listed(city_official)) == 2
    assert listed(make_user(Role.CITY_OFFICIAL, JILIN_CITY)) == {theirs["id"]}
    assert len(listed(province_viewer)) == 3
    assert listed(province_viewer, period_type="quarter") == {ours["id"]}
    assert listed(province_viewer, project=theirs_project.pk) == {theirs["id"]}
    assert len(listed(province_viewer, county=SHUANGYANG, year=2025)) == 2
    assert listed(province_viewer, city=JILIN_CITY) == {theirs["id"]}
    assert api_as(county_official).get(f"{URL}{theirs['id']}/").status_code == 404
    assert api_as(city_official).get(f"{URL}{theirs['id']}/").status_code == 404
    assert api_as(other_county_official).get(f"{URL}{ours['id']}/").status_code == 404


def test_list_queries_do_not_grow_with_rows(api_as, county_official, project, django_assert_num_queries):
    client = api_as(county_official)
    for number in range(1, 10):
        client.post(URL, report(project, number, f"{number * 10}.00", str(number)), format="json")
    with django_assert_num_queries(2):  # count + page (project and town joined)
        body = client.get(URL).json()
    assert body["count"] == 9
    assert [item["period_label"] for item in body["results"]][:2] == ["2025年9月", "2025年8月"]
