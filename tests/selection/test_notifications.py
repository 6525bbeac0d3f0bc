"""Each step of R3 tells the next actor (issue 10, point 4): submitted → the city, recommended → the province,
returned → the county with the comment, selected or rejected → the county and the city; never the actor,
never anyone outside the town's regions, nobody when the step is refused or rolls back."""

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import Role
from core.choices import NotificationKind
from core.errors import DomainError
from core.models import Notification
from selection.services import transition

from ..conftest import CHANGCHUN, JILIN_CITY, NONGAN, SHUANGYANG, town_in


@pytest.fixture
def everyone(make_user, county_official, city_official, province_admin, other_county_official):
    """The 双阳 county and 长春 city (who act), and who must not hear of a 双阳 town: 农安 (same city),
    蛟河 and 吉林市 (another city), the province's viewer and auditor."""
    return {
        "county": county_official,
        "county_colleague": make_user(Role.COUNTY_OFFICIAL, SHUANGYANG, username="shuangyang2"),
        "city": city_official,
        "city_colleague": make_user(Role.CITY_OFFICIAL, CHANGCHUN, username="changchun2"),
        "admin": province_admin,
        "admin_colleague": make_user(Role.PROVINCE_ADMIN, username="admin2"),
        "nongan": make_user(Role.COUNTY_OFFICIAL, NONGAN, username="nongan"),
        "jiaohe": other_county_official,
        "jilin_city": make_user(Role.CITY_OFFICIAL, JILIN_CITY, username="jilin"),
        "viewer": make_user(Role.PROVINCE_VIEWER, username="viewer"),
        "auditor": make_user(Role.AUDITOR, username="auditor"),
    }


def told(kind):
    return {n.user.username for n in Notification.objects.filter(kind=kind).select_related("user")}


def only(kind):
    """The one message of that kind (every recipient holds the same title, body and link)."""
    rows = list(Notification.objects.filter(kind=kind))
    assert len({(n.title, n.body, n.link) for n in rows}) == 1
    return rows[0]


def test_submitted_tells_the_city_only(everyone, make_draft):
    draft = make_draft(tier="city")
    transition(everyone["county"], submission_id=draft.pk, action="submit", comment="请审核")
    assert told(NotificationKind.SUBMISSION_SUBMITTED) == {"changchun", "changchun2"}
    assert Notification.objects.count() == 2
    notification = only(NotificationKind.SUBMISSION_SUBMITTED)
    town = draft.town
    assert notification.title == f"待审核：双阳区{town.name}申报市级示范镇"
    assert f"双阳区已上报{town.name}参加“2026年示范镇评选”市级示范镇评选" in notification.body
    assert "意见：请审核。" in notification.body
    assert notification.link == f"/towns/submissions/{draft.pk}/"


def test_recommended_tells_the_province_admins(everyone, make_draft):
    draft = make_draft()
    transition(everyone["county"], submission_id=draft.pk, action="submit")
    transition(everyone["city"], submission_id=draft.pk, action="recommend", comment="产业基础扎实")
    assert told(NotificationKind.SUBMISSION_RECOMMENDED) == {"admin", "admin2"}
    notification = only(NotificationKind.SUBMISSION_RECOMMENDED)
    assert notification.title == f"待审定：长春市推荐双阳区{draft.town.name}为县级示范镇候选"
    assert "推荐意见：产业基础扎实。" in notification.body


def test_returned_tells_the_county_with_the_comment(everyone, make_draft, django_capture_on_commit_callbacks):
    everyone["county"].email = "shuangyang@example.cn"
    everyone["county"].save()
    draft = make_draft()
    transition(everyone["county"], submission_id=draft.pk, action="submit")
    with django_capture_on_commit_callbacks(execute=True):
        transition(
            everyone["city"], submission_id=draft.pk, action="return", comment="请补充实施方案的投资测算"
        )
    assert told(NotificationKind.SUBMISSION_RETURNED) == {"shuangyang", "shuangyang2"}
    notification = only(NotificationKind.SUBMISSION_RETURNED)
    assert notification.title == f"已退回：{draft.town.name}的候选镇申报"
    assert "退回意见：请补充实施方案的投资测算。" in notification.body
    assert "前重新上报" in notification.body and "长春市退回了" in notification.body
    # …and by e-mail to whoever has an address, after the step committed.
    assert [message.to for message in mail.outbox] == [["shuangyang@example.cn"]]
    assert "请补充实施方案的投资测算" in mail.outbox[0].body


def test_selected_and_rejected_tell_the_county_and_the_city(everyone, make_draft):
    selected, rejected = make_draft(tier="city"), make_draft(town=town_in(SHUANGYANG, 1))
    for draft in (selected, rejected):
        transition(everyone["county"], submission_id=draft.pk, action="submit")
        transition(everyone["city"], submission_id=draft.pk, action="recommend")
    Notification.objects.all().delete()
    transition(everyone["admin"], submission_id=selected.pk, action="select", doc_no="吉示范镇办〔2026〕5号")
    transition(everyone["admin"], submission_id=rejected.pk, action="reject", comment="产业支撑不足")
    expected = {"shuangyang", "shuangyang2", "changchun", "changchun2"}
    assert told(NotificationKind.SUBMISSION_DECIDED) == expected
    assert Notification.objects.count() == 2 * len(expected)
    yes = Notification.objects.filter(link=f"/towns/submissions/{selected.pk}/").first()
    assert yes.title == f"已入选：双阳区{selected.town.name}认定为市级示范镇"
    assert "吉示范镇办〔2026〕5号" in yes.body
    no = Notification.objects.filter(link=f"/towns/submissions/{rejected.pk}/").first()
    assert no.title == f"未入选：双阳区{rejected.town.name}的县级示范镇申报"
    assert "意见：产业支撑不足。" in no.body


def test_nobody_outside_the_towns_regions_and_never_the_actor_hears(everyone, make_draft):
    draft = make_draft()
    transition(everyone["county"], submission_id=draft.pk, action="submit")
    transition(everyone["city"], submission_id=draft.pk, action="return", comment="补充")
    transition(everyone["county"], submission_id=draft.pk, action="submit")
    transition(everyone["city"], submission_id=draft.pk, action="recommend")
    transition(everyone["admin"], submission_id=draft.pk, action="select", doc_no="吉示范镇办〔2026〕6号")
    heard = set(Notification.objects.values_list("user__username", flat=True))
    assert heard.isdisjoint({"nongan", "jiaohe", "jilin", "viewer", "auditor"})
    # The actor of each step: never told of it (the county hears of the return and the decision only).
    county_kinds = set(Notification.objects.filter(user=everyone["county"]).values_list("kind", flat=True))
    assert county_kinds == {NotificationKind.SUBMISSION_RETURNED, NotificationKind.SUBMISSION_DECIDED}
    city_kinds = set(Notification.objects.filter(user=everyone["city"]).values_list("kind", flat=True))
    assert city_kinds == {NotificationKind.SUBMISSION_SUBMITTED, NotificationKind.SUBMISSION_DECIDED}
    assert set(Notification.objects.filter(user=everyone["admin"]).values_list("kind", flat=True)) == {
        NotificationKind.SUBMISSION_RECOMMENDED
    }


def test_a_refused_step_tells_nobody(everyone, make_draft):
    draft = make_draft()
    transition(everyone["county"], submission_id=draft.pk, action="submit")
    Notification.objects.all().delete()
    with pytest.raises(DomainError):
        transition(everyone["city"], submission_id=draft.pk, action="return")  # no comment
    with pytest.raises(DomainError):
        transition(everyone["admin"], submission_id=draft.pk, action="select", doc_no="x")  # wrong state
    assert not Notification.objects.exists()


def test_a_step_that_rolls_back_tells_nobody(everyone, make_draft, django_capture_on_commit_callbacks):
    everyone["city"].email = "changchun@example.cn"
    everyone["city"].save()
    draft = make_draft()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        transition(everyone["county"], submission_id=draft.pk, action="submit")
        raise RuntimeError("the request failed after the step")
    assert callbacks == [] and mail.outbox == []
    assert not Notification.objects.exists()
    draft.refresh_from_db()
    assert draft.status == "draft"
