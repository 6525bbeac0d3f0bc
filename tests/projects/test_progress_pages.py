"""Progress reporting on the project page (调度): the county's report form, refusals with their reasons, the
project's latest figures on its page and in the list; and the project's funding on its page."""

import pytest
from django.utils import timezone

from funding.services import allocate
from projects.models import ProgressReport
from projects.rules import period_of
from projects.services import change_status, submit_report

from .page_helpers import html, message_texts, table_rows, text_of

pytestmark = pytest.mark.usefixtures("jilin")

COMPLETED, PERCENT, LAST = 10, 11, 12


@pytest.fixture(autouse=True)
def monthly(settings):
    settings.PROGRESS_PERIOD = "month"


def this_month():
    return period_of(timezone.localdate(), "month")


def last_month():
    current = this_month()
    year, month = (current.year - 1, 12) if current.number == 1 else (current.year, current.number - 1)
    return year, month


@pytest.fixture
def approved_project(make_project, county_official):
    project = make_project()
    change_status(county_official, project=project, status="approved")
    return project


def report_data(**overrides):
    current = this_month()
    data = {
        "period_type": "month",
        "year": current.year,
        "number": current.number,
        "cumulative_investment": "400.00",
        "percent_complete": "35",
        "narrative": "管网主体完成过半",
    }
    data.update(overrides)
    return data


def test_the_report_form_is_prefilled_with_the_current_period(client, county_official, approved_project):
    client.force_login(county_official)
    page = client.get(f"/projects/{approved_project.pk}/")
    current = this_month()
    form = html(page).split('id="report-form"')[1].split("</form>")[0]
    assert '<option value="month" selected>' in form
    assert f'name="year" value="{current.year}"' in form and f'name="number" value="{current.number}"' in form
    assert text_of(page, "project-last-reported") == "未报送"


def test_a_good_report_updates_the_project_on_its_page_and_in_the_list(
    client, county_official, approved_project
):
    client.force_login(county_official)
    response = client.post(f"/projects/{approved_project.pk}/reports/", report_data(), follow=True)
    assert f"已报送{this_month().label}进度" in message_texts(response)
    assert text_of(response, "project-completed") == "400.00"
    assert text_of(response, "project-percent") == "35.00%"
    assert text_of(response, "project-last-reported") == this_month().label
    report_table = text_of(response, "report-table")
    assert f"{this_month().label} 400.00 35.00% 管网主体完成过半 shuangyang" in report_table
    row = table_rows(client.get("/projects/"), "project-table")[approved_project.pk]
    assert (row[COMPLETED], row[PERCENT], row[LAST]) == ("400.00", "35.00%", this_month().label)


def test_a_report_below_the_previous_one_is_refused_with_the_reason(
    client, county_official, approved_project
):
    year, month = last_month()
    submit_report(
        county_official,
        project=approved_project,
        period_type="month",
        year=year,
        number=month,
        cumulative_investment="300.00",
        percent_complete="20",
    )
    client.force_login(county_official)
    response = client.post(
        f"/projects/{approved_project.pk}/reports/", report_data(cumulative_investment="299.99")
    )
    assert response.status_code == 200
    assert "累计完成投资不能少于上一期报送的 300.00 万元。" in text_of(response, "report-form")
    # What was typed stays in the form; nothing was filed; the project keeps its figures.
    assert 'value="299.99"' in html(response)
    assert ProgressReport.objects.count() == 1
    assert text_of(response, "project-completed") == "300.00"


def test_a_report_above_the_investment_is_refused(client, county_official, approved_project):
    client.force_login(county_official)
    response = client.post(
        f"/projects/{approved_project.pk}/reports/", report_data(cumulative_investment="1200.01")
    )
    assert "累计完成投资 1200.01 万元超过项目总投资 1200.00 万元。" in text_of(response, "report-form")
    assert ProgressReport.objects.count() == 0
    assert text_of(client.get(f"/projects/{approved_project.pk}/"), "project-completed") == "0.00"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cumulative_investment": "四百"}, "累计完成投资“四百”不是有效的金额。"),
        ({"percent_complete": "120"}, "形象进度应在 0–100% 之间。"),
        ({"period_type": "quarter", "number": 5}, "季度应为 1–4，而不是 5。"),
    ],
)
def test_bad_figures_are_refused(client, county_official, approved_project, overrides, message):
    client.force_login(county_official)
    response = client.post(f"/projects/{approved_project.pk}/reports/", report_data(**overrides))
    assert message in text_of(response, "report-form")
    assert ProgressReport.objects.count() == 0


def test_a_second_report_for_the_same_period_is_refused(client, county_official, approved_project):
    client.force_login(county_official)
    client.post(f"/projects/{approved_project.pk}/reports/", report_data())
    response = client.post(
        f"/projects/{approved_project.pk}/reports/", report_data(cumulative_investment="500.00")
    )
    assert f"该项目{this_month().label}已报送过进度。" in text_of(response, "report-form")
    assert ProgressReport.objects.count() == 1


def test_planned_projects_have_no_report_form(client, county_official, make_project):
    project = make_project()
    client.force_login(county_official)
    assert "report-form" not in html(client.get(f"/projects/{project.pk}/"))
    response = client.post(f"/projects/{project.pk}/reports/", report_data())
    assert "项目处于“储备”状态，不需要报送进度。" in message_texts(response)
    assert ProgressReport.objects.count() == 0


def test_city_official_reads_reports_but_cannot_file_one(
    client, city_official, county_official, approved_project
):
    year, month = last_month()
    submit_report(
        county_official,
        project=approved_project,
        period_type="month",
        year=year,
        number=month,
        cumulative_investment="300.00",
        percent_complete="20",
        narrative="土方完成",
    )
    client.force_login(city_official)
    page = client.get(f"/projects/{approved_project.pk}/")
    assert "土方完成" in text_of(page, "report-table")
    assert "report-form" not in html(page)
    assert client.post(f"/projects/{approved_project.pk}/reports/", report_data()).status_code == 403
    assert ProgressReport.objects.count() == 1


def test_the_project_page_shows_its_funding(client, province_admin, approved_project):
    allocate(
        province_admin,
        project=approved_project,
        source="county_budget",
        amount="200.00",
        year=2026,
        note="县级配套",
    )
    allocate(province_admin, project=approved_project, source="social_capital", amount="150.50", year=2026)
    client.force_login(province_admin)
    page = client.get(f"/projects/{approved_project.pk}/")
    allocations = text_of(page, "allocation-table")
    assert "2026 县级财政资金 200.00 — 县级配套" in allocations  # no bond: draws on no quota
    assert "2026 社会资本 150.50 — —" in allocations
    assert text_of(page, "project-allocated") == "350.50"
    assert text_of(page, "project-unfunded") == "849.50"
