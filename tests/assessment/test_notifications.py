"""The assessment tells who acts next (issue 10, point 4): a computed year → the province_admins; a notice
published → the county and city officials of the towns it lists; a 约谈 arranged or due → the town's city
and county. In the event's transaction; once per event (a run repeated, a re-publication that changes
nothing, a beat run twice tell nobody twice)."""

import datetime

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from assessment.models import TalkFollowUp
from assessment.services import mark_talk_held, publish, remind_due_talks, reopen
from assessment.tasks import remind_due_talks as remind_due_talks_task
from core.choices import NotificationKind
from core.models import Job, Notification

from ..conftest import CHANGCHUN, JIAOHE, JILIN_CITY, NONGAN, SHUANGYANG, town_in
from .page_helpers import compute, designate_all, score, set_counts, towns_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user, province_admin):
    return {
        "admin": province_admin,
        "admin2": make_user(Role.PROVINCE_ADMIN, username="admin2"),
        "viewer": make_user(Role.PROVINCE_VIEWER, username="viewer"),
        "shuangyang": make_user(Role.COUNTY_OFFICIAL, SHUANGYANG, username="shuangyang"),
        "nongan": make_user(Role.COUNTY_OFFICIAL, NONGAN, username="nongan"),
        "changchun": make_user(Role.CITY_OFFICIAL, CHANGCHUN, username="changchun"),
        "jiaohe": make_user(Role.COUNTY_OFFICIAL, JIAOHE, username="jiaohe"),
        "jilin": make_user(Role.CITY_OFFICIAL, JILIN_CITY, username="jilin"),
    }


@pytest.fixture
def year_2024(people):
    """Five provincial towns: 双阳 a 90; 农安 b 95 (praised), c 85; 蛟河 d 70, e 60 (criticised, 约谈)."""
    a = town_in(SHUANGYANG, 0)
    b, c = towns_in(NONGAN, 2)
    d, e = towns_in(JIAOHE, 2)
    designate_all([a, b, c, d, e], "provincial")
    set_counts(2024, top=1, bottom=2)
    score(people["admin"], 2024, {a: "90", b: "95", c: "85", d: "70", e: "60"})
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_a_computed_year_tells_the_province_admins_once_per_run(people, year_2024):
    compute(2024)
    assert told(NotificationKind.ASSESSMENT_COMPUTED) == ["admin", "admin2"]
    notification = Notification.objects.filter(kind=NotificationKind.ASSESSMENT_COMPUTED).first()
    assert notification.title == "2024年度示范镇评价已计算，待审核发布"
    assert "参评 5 个镇" in notification.body and "通报批评 2 个" in notification.body
    assert notification.link == "/assessment/2024/"
    assert Notification.objects.count() == 2  # nobody else hears of the draft
    compute(2024)  # a second run is a second event
    assert told(NotificationKind.ASSESSMENT_COMPUTED) == ["admin", "admin", "admin2", "admin2"]


def test_publishing_tells_the_listed_towns_regions_and_arranges_the_talks(people, year_2024):
    towns = year_2024
    compute(2024)
    Notification.objects.all().delete()
    publish(people["admin"], year=2024, doc_prefix="吉示范镇办")

    assert told(NotificationKind.NOTICE_PUBLISHED) == ["changchun", "jiaohe", "jilin", "nongan"]
    praise = Notification.objects.get(kind=NotificationKind.NOTICE_PUBLISHED, user=people["nongan"])
    assert praise.title == "2024年度示范镇通报表扬已发布"
    assert praise.body.startswith("《2024年度示范镇通报表扬》（吉示范镇办〔")
    assert f"列入本县（市、区）：{towns['b'].name}（第 1 名，95 分）。" in praise.body
    assert praise.link == "/assessment/2024/notices/praise/"
    criticism = Notification.objects.get(kind=NotificationKind.NOTICE_PUBLISHED, user=people["jilin"])
    assert "通报批评" in criticism.title and "列入本市（州）：" in criticism.body
    assert towns["d"].name in criticism.body and towns["e"].name in criticism.body
    assert criticism.link == "/assessment/2024/notices/criticism/"

    due = timezone.localdate() + datetime.timedelta(days=settings.TALK_DUE_DAYS)
    talks = TalkFollowUp.objects.filter(round__year=2024)
    assert sorted(talks.values_list("town_id", flat=True)) == sorted([towns["d"].code, towns["e"].code])
    assert set(talks.values_list("due_on", flat=True)) == {due}
    assert told(NotificationKind.TALK_CREATED) == ["jiaohe", "jiaohe", "jilin", "jilin"]
    talk = Notification.objects.filter(kind=NotificationKind.TALK_CREATED, title__contains=towns["d"].name)
    assert {n.title for n in talk} == {f"约谈已安排：蛟河市{towns['d'].name}"}
    body = talk.first().body
    assert "列入2024年度示范镇通报批评（吉示范镇办〔" in body
    assert f"请于 {due.year}年{due.month}月{due.day}日 前配合落实" in body
    assert talk.first().link == "/assessment/2024/talks/"

    # Nobody else: the actor, the other admin, the viewer, a county whose town is listed in no notice.
    quiet = {"admin", "admin2", "viewer", "shuangyang"}
    assert quiet.isdisjoint(Notification.objects.values_list("user__username", flat=True))


def test_a_republication_that_changes_nothing_tells_nobody_again(people, year_2024):
    compute(2024)
    publish(people["admin"], year=2024, doc_prefix="吉示范镇办")
    before = Notification.objects.exclude(kind=NotificationKind.ASSESSMENT_COMPUTED).count()
    reopen(people["admin"], year=2024, reason="核对得分")
    compute(2024)
    publish(people["admin"], year=2024, doc_prefix="吉示范镇办")
    assert Notification.objects.exclude(kind=NotificationKind.ASSESSMENT_COMPUTED).count() == before


def test_a_publication_that_rolls_back_tells_nobody(people, year_2024, django_capture_on_commit_callbacks):
    compute(2024)
    Notification.objects.all().delete()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish(people["admin"], year=2024, doc_prefix="吉示范镇办")
        assert Notification.objects.exists()
        raise RuntimeError("the request failed after the publication")
    assert callbacks == []
    assert not Notification.objects.exists() and not TalkFollowUp.objects.exists()


def test_a_due_talk_is_told_to_the_city_and_county_once(people, year_2024):
    towns = year_2024
    compute(2024)
    publish(people["admin"], year=2024, doc_prefix="吉示范镇办")
    Notification.objects.all().delete()
    due = timezone.localdate() + datetime.timedelta(days=settings.TALK_DUE_DAYS)

    assert remind_due_talks(due - datetime.timedelta(days=1)) == 0  # not yet due
    assert remind_due_talks(due) == 4  # two talks, each to 蛟河 and 吉林市
    assert told(NotificationKind.TALK_DUE) == ["jiaohe", "jiaohe", "jilin", "jilin"]
    notification = Notification.objects.filter(kind=NotificationKind.TALK_DUE).first()
    assert notification.title.startswith("约谈待落实：蛟河市")
    assert "今日到期" in notification.body and "尚未登记约谈情况" in notification.body
    assert notification.link == "/assessment/2024/talks/"
    assert remind_due_talks(due) == 0  # the same day again: nothing twice
    assert remind_due_talks(due + datetime.timedelta(days=3)) == 0  # nor on a later day

    # A talk held is no longer due; one whose due date moves (arranged again) is told again when due.
    held = TalkFollowUp.objects.get(town=towns["d"])
    mark_talk_held(people["admin"], talk=held, held_on=due)
    pending = TalkFollowUp.objects.get(town=towns["e"])
    later = due + datetime.timedelta(days=10)
    TalkFollowUp.objects.filter(pk=pending.pk).update(due_on=later)
    assert remind_due_talks(later + datetime.timedelta(days=2)) == 2
    latest = Notification.objects.filter(kind=NotificationKind.TALK_DUE).order_by("-id").first()
    assert towns["e"].name in latest.title and "已逾期 2 天" in latest.body


def test_beat_checks_due_talks_every_morning(people, year_2024):
    entry = settings.CELERY_BEAT_SCHEDULE["talks-due"]
    assert entry["task"] == remind_due_talks_task.name
    assert entry["schedule"].hour == {8}
    today = timezone.localdate().isoformat()
    assert remind_due_talks_task.delay().get() == {"date": today, "notifications": 0}
    # The sweep ran as a tracked job of the system, its summary recorded (tests/assessment/test_run_as_job.py).
    sweep = Job.objects.get(kind="assessment.remind_due_talks")
    assert (sweep.state, sweep.started_by, sweep.result) == (
        "done",
        None,
        {"date": today, "notifications": 0},
    )


def test_the_talks_page_shows_each_pending_talks_due_date(client, people, year_2024):
    compute(2024)
    publish(people["admin"], year=2024, doc_prefix="吉示范镇办")
    due = timezone.localdate() + datetime.timedelta(days=settings.TALK_DUE_DAYS)
    client.force_login(people["jilin"])
    page = client.get("/assessment/2024/talks/").content.decode()
    assert page.count(f"期限 {due.year}年{due.month}月{due.day}日") == 2 and "已逾期" not in page
    TalkFollowUp.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    assert client.get("/assessment/2024/talks/").content.decode().count("（已逾期）") == 2
