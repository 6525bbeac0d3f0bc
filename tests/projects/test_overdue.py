"""Progress reports overdue (issue 10, point 4): once the period has ended unreported its county is told, and
after PROGRESS_ESCALATION_DAYS its city; each once per period, however often beat runs; a project filed after
the period ended, or reported, is not overdue."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from accounts.models import Role
from core.choices import NotificationKind
from core.models import Notification
from projects.rules import period_of, previous_period
from projects.services import change_status, remind_overdue, submit_report
from projects.tasks import remind_overdue_progress

from ..conftest import JILIN_CITY, NONGAN, SHUANGYANG


@pytest.fixture(autouse=True)
def monthly(settings):
    settings.PROGRESS_PERIOD = "month"
    settings.PROGRESS_ESCALATION_DAYS = 5


@pytest.fixture
def officials(make_user, county_official, city_official, other_county_official):
    return {
        "county": county_official,
        "county2": make_user(Role.COUNTY_OFFICIAL, SHUANGYANG, username="shuangyang2"),
        "city": city_official,
        "nongan": make_user(Role.COUNTY_OFFICIAL, NONGAN, username="nongan"),
        "jilin": make_user(Role.CITY_OFFICIAL, JILIN_CITY, username="jilin"),
        "jiaohe": other_county_official,
    }


@pytest.fixture
def this_month():
    return period_of(timezone.localdate(), "month")


def days_after(period, days):
    return period.end + datetime.timedelta(days=days)


def told(kind=NotificationKind.PROGRESS_OVERDUE):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_the_previous_period_is_the_last_that_ended():
    assert previous_period(datetime.date(2027, 1, 3), "month").label == "2026年12月"
    assert previous_period(datetime.date(2026, 3, 31), "month").label == "2026年2月"
    assert previous_period(datetime.date(2026, 5, 2), "quarter").label == "2026年第1季度"
    assert previous_period(datetime.date(2026, 1, 1), "quarter").label == "2025年第4季度"


def test_the_county_is_told_first_and_the_city_after_the_escalation_days(
    officials, make_project, county_official, this_month
):
    due = make_project(name="镇区道路")
    change_status(county_official, project=due, status="approved")
    other = make_project(name="污水管网")
    change_status(county_official, project=other, status="approved")

    summary = remind_overdue(days_after(this_month, 1))
    assert (summary.period_label, summary.days_overdue, summary.counties) == (this_month.label, 1, 1)
    assert (summary.county_notices, summary.city_notices) == (2, 0)
    assert told() == ["shuangyang", "shuangyang2"]
    notification = Notification.objects.filter(kind=NotificationKind.PROGRESS_OVERDUE).first()
    assert notification.title == f"进度报送逾期：{this_month.label}"
    assert f"本县（市、区）有 2 个项目未报送{this_month.label}进度，已逾期 1 天" in notification.body
    assert "逾期 5 天仍未报送的，将提醒所在市（州）" in notification.body
    assert notification.link == (
        f"/projects/unreported/?period_type=month&year={this_month.year}&number={this_month.number}"
    )

    for day in (1, 2, 4):  # beat every morning, twice on some: nothing twice, the city not yet
        assert remind_overdue(days_after(this_month, day)).county_notices == 0
    assert told() == ["shuangyang", "shuangyang2"]

    escalated = remind_overdue(days_after(this_month, 5))
    assert (escalated.county_notices, escalated.city_notices) == (0, 1)
    assert told() == ["changchun", "shuangyang", "shuangyang2"]
    city = Notification.objects.get(kind=NotificationKind.PROGRESS_OVERDUE, user=officials["city"])
    assert city.title == f"进度报送逾期 5 天：{this_month.label}"
    assert f"所辖县（市、区）有项目逾期 5 天未报送{this_month.label}进度：双阳区 2 个。" in city.body
    assert remind_overdue(days_after(this_month, 5)).city_notices == 0
    assert remind_overdue(days_after(this_month, 9)).city_notices == 0
    assert set(told()).isdisjoint({"nongan", "jilin", "jiaohe"})


def test_reported_projects_and_projects_filed_after_the_period_are_not_overdue(
    officials, make_project, county_official, this_month
):
    reported = make_project()
    change_status(county_official, project=reported, status="approved")
    submit_report(
        county_official,
        project=reported,
        period_type="month",
        year=this_month.year,
        number=this_month.number,
        cumulative_investment="100.00",
        percent_complete="10",
    )
    assert remind_overdue(days_after(this_month, 6)).counties == 0
    # A project filed this month was not due to report for last month.
    assert remind_overdue(this_month.end).counties == 0
    assert not Notification.objects.filter(kind=NotificationKind.PROGRESS_OVERDUE).exists()


def test_beat_checks_overdue_reports_every_morning(officials):
    entry = django_settings.CELERY_BEAT_SCHEDULE["progress-overdue"]
    assert entry["task"] == remind_overdue_progress.name
    assert entry["schedule"].hour == {8} and entry["schedule"].day_of_month == set(range(1, 32))
    assert remind_overdue_progress.delay().get()["counties"] == 0


def test_the_period_reminder_goes_through_the_outbox(
    make_project, county_official, django_capture_on_commit_callbacks
):
    from django.core import mail

    from projects.services import remind_unreported

    county_official.email = "shuangyang@example.cn"
    county_official.save()
    due = make_project()
    change_status(county_official, project=due, status="approved")
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_unreported(timezone.localdate()).notices == 1
    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.PROGRESS_REMINDER
    assert [message.to for message in mail.outbox] == [["shuangyang@example.cn"]]
    assert mail.outbox[0].subject == f"【示范镇平台】{notification.title}"
