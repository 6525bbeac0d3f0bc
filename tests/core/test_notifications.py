"""In-app notifications and their outbox: created with the event, sent after it commits, retried when a
channel fails, read one by one or all, through the pages and GET/POST /api/v1/notifications/."""

import pytest
from django.core import mail
from django.db import transaction

from core import notifications
from core.choices import DeliveryStatus, NotificationKind
from core.models import Notification, OutboxMessage
from core.roles import Role

from ..conftest import CHANGCHUN, JIAOHE, SHUANGYANG

pytestmark = pytest.mark.django_db


@pytest.fixture
def officials(make_user):
    county = make_user(Role.COUNTY_OFFICIAL, SHUANGYANG, username="shuangyang")
    county.email = "shuangyang@example.cn"
    county.save()
    return {
        "county": county,
        "other_county": make_user(Role.COUNTY_OFFICIAL, JIAOHE, username="jiaohe"),
        "city": make_user(Role.CITY_OFFICIAL, CHANGCHUN, username="changchun"),
        "admin": make_user(Role.PROVINCE_ADMIN, username="admin"),
    }


def test_an_audience_reaches_the_officials_of_its_regions_and_the_province_roles(officials):
    audience = notifications.audience(
        counties=[SHUANGYANG], cities=[CHANGCHUN], province=[Role.PROVINCE_ADMIN]
    )
    assert {user.username for user in audience.users()} == {"shuangyang", "changchun", "admin"}
    assert list(notifications.audience(counties=[None]).users()) == []


def test_the_mail_goes_out_only_after_the_event_commits(officials, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notifications.notify(
            notifications.audience(counties=[SHUANGYANG]),
            kind=NotificationKind.SUBMISSION_RETURNED,
            title="候选镇申报被退回",
            body="请补充实施方案。",
            link="/towns/selection/",
        )
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [["shuangyang@example.cn"]]
    assert mail.outbox[0].subject == "【示范镇平台】候选镇申报被退回"
    assert "请补充实施方案。" in mail.outbox[0].body and "/towns/selection/" in mail.outbox[0].body
    delivery = OutboxMessage.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1 and delivery.sent_at


def test_an_event_that_rolls_back_tells_nobody(officials, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notifications.notify([officials["county"]], kind=NotificationKind.ALLOCATION_MADE, title="资金已下达")
        raise RuntimeError("the event failed")
    assert callbacks == []
    assert Notification.objects.count() == 0 and OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_a_user_without_an_address_gets_the_in_app_notification_only(officials):
    created = notifications.notify(
        [officials["city"]], kind=NotificationKind.SUBMISSION_SUBMITTED, title="待审核"
    )
    assert [n.user.username for n in created] == ["changchun"]
    assert OutboxMessage.objects.count() == 0


def test_the_actor_is_not_told_of_their_own_step(officials):
    created = notifications.notify(
        notifications.audience(cities=[CHANGCHUN], province=[Role.PROVINCE_ADMIN]),
        kind=NotificationKind.SUBMISSION_RECOMMENDED,
        title="待审定",
        exclude=officials["admin"],
    )
    assert [n.user.username for n in created] == ["changchun"]


def test_a_dedupe_key_tells_each_person_once(officials):
    for _ in range(2):
        notifications.notify(
            [officials["county"], officials["other_county"]],
            kind=NotificationKind.PROGRESS_OVERDUE,
            title="进度报送逾期",
            dedupe_key="overdue:2026-11",
        )
    assert Notification.objects.filter(dedupe_key="overdue:2026-11").count() == 2
    assert OutboxMessage.objects.count() == 1


class BrokenChannel:
    def reaches(self, user):
        return True

    def send(self, notification):
        raise ConnectionError("SMTP 服务器无响应")


def test_a_failed_delivery_stays_in_the_outbox_with_its_error_and_is_retried(
    officials, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_CHANNELS = {"email": "tests.core.test_notifications.BrokenChannel"}
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify([officials["county"]], kind=NotificationKind.TALK_CREATED, title="约谈")
    delivery = OutboxMessage.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error == "SMTP 服务器无响应" and delivery.attempts == 1

    settings.NOTIFICATION_CHANNELS = {"email": "core.notifications.EmailChannel"}
    assert notifications.deliver() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2 and delivery.last_error == ""
    assert notifications.deliver() == 0  # nothing is sent twice
    assert len(mail.outbox) == 1


def test_deliveries_give_up_after_the_maximum_attempts(officials, settings):
    settings.NOTIFICATION_CHANNELS = {"email": "tests.core.test_notifications.BrokenChannel"}
    notifications.notify([officials["county"]], kind=NotificationKind.TALK_DUE, title="约谈")
    for _ in range(notifications.MAX_ATTEMPTS + 2):
        notifications.deliver()
    assert OutboxMessage.objects.get().attempts == notifications.MAX_ATTEMPTS


# --- API ---------------------------------------------------------------------------------------------


def _notify(user, kind=NotificationKind.SUBMISSION_SUBMITTED, title="通知"):
    return notifications.notify([user], kind=kind, title=title)[0]


def test_the_api_lists_the_callers_own_notifications_with_filters(officials, api_as):
    first = _notify(officials["city"], NotificationKind.SUBMISSION_SUBMITTED, "待审核：双阳区某镇")
    _notify(officials["city"], NotificationKind.ALLOCATION_MADE, "资金已下达")
    _notify(officials["county"], NotificationKind.SUBMISSION_RETURNED, "别人的通知")
    notifications.mark_read(officials["city"], notification=first)
    client = api_as(officials["city"])

    everything = client.get("/api/v1/notifications/").json()
    assert everything["count"] == 2
    assert {row["title"] for row in everything["results"]} == {"待审核：双阳区某镇", "资金已下达"}
    unread = client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    assert [row["title"] for row in unread] == ["资金已下达"]
    assert unread[0]["unread"] is True and unread[0]["kind_label"] == "资金已下达"
    by_kind = client.get("/api/v1/notifications/", {"kind": "submission_submitted"}).json()["results"]
    assert [row["title"] for row in by_kind] == ["待审核：双阳区某镇"]
    assert client.get("/api/v1/notifications/", {"kind": "nonsense"}).status_code == 400


def test_read_and_read_all_through_the_api(officials, api_as):
    one = _notify(officials["county"])
    _notify(officials["county"])
    client = api_as(officials["county"])
    answer = client.post(f"/api/v1/notifications/{one.pk}/read/")
    assert answer.status_code == 200 and answer.json()["unread"] is False
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert not Notification.objects.filter(user=officials["county"], read_at__isnull=True).exists()


def test_another_users_notification_answers_like_one_that_does_not_exist(officials, api_as):
    foreign = _notify(officials["other_county"])
    client = api_as(officials["county"])
    missing = client.post("/api/v1/notifications/999999/read/")
    hidden = client.post(f"/api/v1/notifications/{foreign.pk}/read/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert client.get(f"/api/v1/notifications/{foreign.pk}/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None


def test_notifications_api_needs_a_login(api_client):
    assert api_client.get("/api/v1/notifications/").status_code in (401, 403)
