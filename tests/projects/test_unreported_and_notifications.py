"""Which projects have not reported this period (per city and county, scoped), the reminder as an in-app
notification (站内通知) with the navbar bell, the notification list, and the county's card on the home page."""

import pytest
from django.utils import timezone

from core.models import Notification
from projects.rules import period_of
from projects.services import change_status, create_project, remind_unreported, submit_report
from towns.services import designate

from ..conftest import JIAOHE, PROJECT_DATA, town_in
from .page_helpers import html, message_texts, open_export, sheet_rows, table_rows, text_of

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture(autouse=True)
def monthly(settings):
    settings.PROGRESS_PERIOD = "month"


def this_month():
    return period_of(timezone.localdate(), "month")


def listed(response):
    """Project ids on the unreported page (all county tables)."""
    assert response.status_code == 200
    page = html(response)
    return {int(part.split('"')[0]) for part in page.split('<tr data-project="')[1:]}


@pytest.fixture
def due(make_project, county_official):
    project = make_project(name="双阳待报项目")
    change_status(county_official, project=project, status="approved")
    return project


@pytest.fixture
def foreign_due(make_user, other_county_official):
    town = town_in(JIAOHE)
    designate(town, "provincial", 2022)
    project = create_project(other_county_official, town=town, data={**PROJECT_DATA, "name": "蛟河待报项目"})
    change_status(other_county_official, project=project, status="approved")
    return project


# --- the unreported page ----------------------------------------------------------------------------


def test_a_project_without_a_report_is_listed_until_it_reports(client, county_official, due, make_project):
    make_project(name="储备项目")  # planned: nothing to report
    client.force_login(county_official)
    response = client.get("/projects/unreported/")
    assert listed(response) == {due.pk}
    assert f"{this_month().label}未报送进度的项目" in html(response)
    assert text_of(response, "unreported-count") == "1"
    assert '<span class="badge text-bg-danger">1</span>' in html(response)  # 长春市 count
    assert "双阳区" in html(response) and "长春市" in html(response)

    report = {
        "period_type": "month",
        "year": this_month().year,
        "number": this_month().number,
        "cumulative_investment": "100.00",
        "percent_complete": "10",
    }
    client.post(f"/projects/{due.pk}/reports/", report)
    response = client.get("/projects/unreported/")
    assert listed(response) == set()
    assert "都已报送" in text_of(response, "all-reported")


def test_the_page_is_scoped_and_grouped_by_city_and_county(
    client, county_official, other_county_official, city_official, province_admin, due, foreign_due
):
    client.force_login(county_official)
    assert listed(client.get("/projects/unreported/")) == {due.pk}
    client.force_login(other_county_official)
    response = client.get("/projects/unreported/")
    assert listed(response) == {foreign_due.pk}
    assert "双阳待报项目" not in html(response)
    client.force_login(city_official)
    assert listed(client.get("/projects/unreported/")) == {due.pk}
    client.force_login(province_admin)
    response = client.get("/projects/unreported/")
    assert listed(response) == {due.pk, foreign_due.pk}
    page = html(response)
    # 长春市 (2201) before 吉林市 (2202), each with its county.
    assert (
        page.index('data-city="2201"') < page.index('data-county="220112"') < page.index('data-city="2202"')
    )
    assert page.index('data-city="2202"') < page.index('data-county="220281"')


def test_other_periods_can_be_looked_at(client, county_official, due):
    current = this_month()
    submit_report(
        county_official,
        project=due,
        period_type="month",
        year=current.year,
        number=current.number,
        cumulative_investment="100.00",
        percent_complete="10",
    )
    client.force_login(county_official)
    assert listed(client.get("/projects/unreported/")) == set()
    year, month = (current.year - 1, 12) if current.number == 1 else (current.year, current.number - 1)
    response = client.get("/projects/unreported/", {"period_type": "month", "year": year, "number": month})
    assert listed(response) == {due.pk}
    assert f"{year}年{month}月未报送进度的项目" in html(response)
    quarter = (current.number - 1) // 3 + 1
    response = client.get(
        "/projects/unreported/", {"period_type": "quarter", "year": current.year, "number": quarter}
    )
    assert f"{current.year}年第{quarter}季度未报送进度的项目" in html(response)
    assert listed(response) == {due.pk}  # a monthly report does not stand for the quarter
    # A period that does not exist is explained; the current one is shown.
    response = client.get("/projects/unreported/", {"period_type": "quarter", "year": 2026, "number": 7})
    assert "季度应为 1–4，而不是 7。" in text_of(response, "period-errors")
    assert f"{current.label}未报送进度的项目" in html(response)


def test_the_export_has_the_rows_of_the_page(client, province_admin, due, foreign_due):
    client.force_login(province_admin)
    on_page = listed(client.get("/projects/unreported/"))
    sheet = open_export(client.get("/projects/unreported/export.xlsx"))
    assert sheet["A1"].value == f"{this_month().label}未报送进度的示范镇建设项目"
    rows = sheet_rows(sheet)
    assert {row[3] for row in rows} == on_page == {due.pk, foreign_due.pk}
    assert [row[:2] for row in rows] == [["长春市", "双阳区"], ["吉林市", "蛟河市"]]


def test_the_export_is_scoped(client, other_county_official, due, foreign_due):
    client.force_login(other_county_official)
    rows = sheet_rows(open_export(client.get("/projects/unreported/export.xlsx")))
    assert [row[3] for row in rows] == [foreign_due.pk]


# --- reminders, notifications and the bell -----------------------------------------------------------


def test_the_reminder_shows_on_the_notification_page_and_in_the_bell(client, county_official, due):
    client.force_login(county_official)
    assert "notice-count" not in html(client.get("/"))
    remind_unreported(timezone.localdate().replace(day=1))
    home = client.get("/")
    assert text_of(home, "notice-count") == "1 条未读"

    page = client.get("/notices/")
    notification = Notification.objects.get(user=county_official)
    assert f"请报送{this_month().label}项目进度" in text_of(page, "notice-list")
    item = html(page).split(f'data-notice="{notification.pk}"')[0].rsplit("<a ", 1)[1]
    assert "notice-unread" in item
    assert f"<strong>{notification.title}</strong>" in html(page)
    assert text_of(page, "notice-unread") == "1"

    # Clicking the notification marks it read and leads to the unreported projects.
    response = client.get(f"/notices/{notification.pk}/")
    assert response.status_code == 302 and response["Location"] == "/projects/unreported/"
    page = client.get("/notices/")
    assert "notice-count" not in html(page)
    assert f"<strong>{notification.title}</strong>" not in html(page)
    assert text_of(page, "notice-unread") == "0"


def test_mark_all_read_clears_the_count(client, county_official):
    for index in range(3):
        Notification.objects.create(user=county_official, title=f"通知{index}", link="/projects/")
    client.force_login(county_official)
    assert text_of(client.get("/notices/"), "notice-count") == "3 条未读"
    response = client.post("/notices/read-all/", follow=True)
    assert "已将 3 条通知标为已读" in message_texts(response)
    assert "notice-count" not in html(response)
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_notifications_are_personal_and_links_stay_inside_the_portal(client, county_official, city_official):
    mine = Notification.objects.create(user=county_official, title="外链", link="//evil.example/x")
    theirs = Notification.objects.create(user=city_official, title="市里的通知", link="/projects/")
    client.force_login(county_official)
    assert "市里的通知" not in html(client.get("/notices/"))
    assert client.get(f"/notices/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.get(f"/notices/{mine.pk}/")
    assert response["Location"] == "/notices/"


# --- home card ---------------------------------------------------------------------------------------


def test_the_county_sees_its_unreported_count_on_the_home_page(
    client, county_official, city_official, due, make_project
):
    other = make_project(name="第二个")
    change_status(county_official, project=other, status="approved")
    client.force_login(county_official)
    home = client.get("/")
    card = text_of(home, "home-unreported")
    assert (
        f"本期（{this_month().label}）未报送进度的项目" in card and text_of(home, "unreported-count") == "2"
    )
    assert (
        'href="/projects/unreported/"' in html(home).split('id="home-unreported"')[1].split("</div></div>")[0]
    )
    client.force_login(city_official)
    assert "home-unreported" not in html(client.get("/"))
    assert table_rows(client.get("/projects/"), "project-table").keys() == {due.pk, other.pk}


@pytest.mark.parametrize("count", [3, 30])
def test_the_unreported_page_query_count_does_not_grow_with_rows(
    client, province_admin, demo_town, django_assert_num_queries, count
):
    from decimal import Decimal

    from projects.models import Project

    Project.objects.bulk_create(
        Project(
            town=demo_town,
            task_area_id="T03",
            name=f"批量项目{index}",
            public_welfare=True,
            investment=Decimal("800.00"),
            start_year=2025,
            end_year=2027,
            status="under_construction",
        )
        for index in range(count)
    )
    client.force_login(province_admin)
    # session, user, the bell, the unreported projects with their towns, regions and task areas
    with django_assert_num_queries(4):
        response = client.get("/projects/unreported/")
    assert len(listed(response)) == count
