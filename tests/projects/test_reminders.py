"""The progress reminder: who is reminded, only once per period, and how beat schedules it."""

import datetime

from django.conf import settings

from core.models import Notification
from projects.services import change_status, remind_unreported, submit_report
from projects.tasks import remind_progress_reporting


def test_county_officials_with_unreported_projects_are_reminded_once(
    make_project, county_official, other_county_official, city_official
):
    due = make_project()
    change_status(county_official, project=due, status="approved")
    make_project(name="储备项目")  # planned: not due
    first_of_month = datetime.date(2026, 11, 1)
    summary = remind_unreported(first_of_month)
    assert (summary.period_label, summary.counties, summary.notices) == ("2026年11月", 1, 1)
    notification = Notification.objects.get()
    assert notification.user == county_official
    assert "1 个" in notification.body and "2026年11月" in notification.title
    assert remind_unreported(first_of_month).notices == 0  # a second run repeats nothing
    assert Notification.objects.count() == 1
    assert not Notification.objects.filter(user__in=[other_county_official, city_official]).exists()


def test_reported_projects_are_not_reminded(make_project, county_official):
    project = make_project()
    change_status(county_official, project=project, status="approved")
    submit_report(
        county_official,
        project=project,
        period_type="month",
        year=2026,
        number=11,
        cumulative_investment="100.00",
        percent_complete="10",
    )
    assert remind_unreported(datetime.date(2026, 11, 20)).notices == 0


def test_the_task_runs_the_reminder_and_beat_schedules_it_monthly(make_project, county_official):
    project = make_project()
    change_status(county_official, project=project, status="approved")
    result = remind_progress_reporting.delay().get()
    assert result["notices"] == 1
    entry = settings.CELERY_BEAT_SCHEDULE["progress-reminders"]
    assert entry["task"] == remind_progress_reporting.name
    assert entry["schedule"].day_of_month == {1}
