"""The notification page (站内通知): filters by unread and kind, marks one read without following its link, or
all; another user's notification answers as a missing one."""

import re

import pytest

from core import notifications
from core.choices import NotificationKind
from core.models import Notification
from core.roles import Role

from ..conftest import CHANGCHUN, SHUANGYANG
from ..pages import html, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(make_user):
    county = make_user(Role.COUNTY_OFFICIAL, SHUANGYANG, username="shuangyang")
    city = make_user(Role.CITY_OFFICIAL, CHANGCHUN, username="changchun")
    made = {}
    for name, kind in (
        ("退回", NotificationKind.SUBMISSION_RETURNED),
        ("资金", NotificationKind.ALLOCATION_MADE),
        ("逾期", NotificationKind.PROGRESS_OVERDUE),
    ):
        (made[name],) = notifications.notify([county], kind=kind, title=f"通知：{name}", link="/projects/")
    notifications.mark_read(county, notification=made["资金"])
    (made["市里"],) = notifications.notify([city], kind=NotificationKind.SUBMISSION_SUBMITTED, title="市里的")
    return county, city, made


def listed(response):
    return [int(pk) for pk in re.findall(r'data-notice="(\d+)"', html(response))]


def test_the_page_filters_by_unread_and_kind(client, inbox):
    county, _city, made = inbox
    client.force_login(county)
    assert listed(client.get("/notices/")) == [made["逾期"].pk, made["资金"].pk, made["退回"].pk]
    assert listed(client.get("/notices/", {"unread": "true"})) == [made["逾期"].pk, made["退回"].pk]
    assert listed(client.get("/notices/", {"unread": "false"})) == [made["资金"].pk]
    page = client.get("/notices/", {"kind": NotificationKind.SUBMISSION_RETURNED})
    assert listed(page) == [made["退回"].pk]
    assert 'value="submission_returned" selected' in html(page)
    assert listed(client.get("/notices/", {"kind": NotificationKind.TALK_DUE})) == []
    assert "没有符合条件的通知" in text_of(client.get("/notices/", {"kind": "talk_due"}), "notice-list")
    refused = client.get("/notices/", {"kind": "nonsense"})
    assert listed(refused) == [] and "筛选条件有误" in html(refused)
    assert made["市里"].pk not in listed(client.get("/notices/"))
    # Each line names its kind.
    assert "候选镇被退回修改" in text_of(client.get("/notices/"), "notice-list")


def test_one_notification_is_marked_read_without_following_its_link(client, inbox):
    county, _city, made = inbox
    client.force_login(county)
    page = client.get("/notices/", {"unread": "true"})
    assert f'action="/notices/{made["退回"].pk}/read/"' in html(page)
    assert f'action="/notices/{made["资金"].pk}/read/"' not in html(client.get("/notices/"))  # read already
    response = client.post(f"/notices/{made['退回'].pk}/read/", {"next": "/notices/?unread=true"})
    assert response.status_code == 302 and response["Location"] == "/notices/?unread=true"
    made["退回"].refresh_from_db()
    assert made["退回"].read_at is not None
    assert text_of(client.get("/notices/"), "notice-unread") == "1"
    # A link outside the portal is not followed back; the list is.
    response = client.post(f"/notices/{made['逾期'].pk}/read/", {"next": "//evil.example/"})
    assert response["Location"] == "/notices/"


def test_another_users_notification_cannot_be_marked_and_get_is_refused(client, inbox):
    county, _city, made = inbox
    client.force_login(county)
    assert client.post(f"/notices/{made['市里'].pk}/read/").status_code == 404
    assert Notification.objects.get(pk=made["市里"].pk).read_at is None
    assert client.get(f"/notices/{made['退回'].pk}/read/").status_code == 405


def test_mark_all_read_returns_to_the_filtered_list(client, inbox):
    county, _city, _made = inbox
    client.force_login(county)
    response = client.post("/notices/read-all/", {"next": "/notices/?kind=progress_overdue"})
    assert response["Location"] == "/notices/?kind=progress_overdue"
    assert not Notification.objects.filter(user=county, read_at__isnull=True).exists()
