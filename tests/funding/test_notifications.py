"""Funding made tells the county of the project's town (issue 10, point 4), in the allocation's transaction:
one allocation names its project, an accepted proposal names every project in one message; nobody is told
of a refused allocation, and the actor is never told of their own."""

import pytest
from django.db import transaction

from accounts.models import Role
from core.choices import NotificationKind
from core.errors import DomainError
from core.models import Notification
from funding.services import accept_proposal, allocate
from towns.models import Region

from ..conftest import CHANGCHUN, SHUANGYANG


@pytest.fixture
def listeners(make_user, county_official, city_official, other_county_official, province_admin):
    return {
        "county": county_official,
        "county2": make_user(Role.COUNTY_OFFICIAL, SHUANGYANG, username="shuangyang2"),
        "city": city_official,
        "city2": make_user(Role.CITY_OFFICIAL, CHANGCHUN, username="changchun2"),
        "jiaohe": other_county_official,
        "admin": province_admin,
        "viewer": make_user(Role.PROVINCE_VIEWER, username="viewer"),
    }


def told():
    return sorted(Notification.objects.values_list("user__username", flat=True))


def test_an_allocation_tells_the_projects_county(listeners, make_project, county_quota):
    project = make_project(name="镇区污水管网", investment="700.00")
    allocate(
        listeners["city"],
        project=project,
        source="provincial_general_bond",
        amount="600.00",
        year=2026,
        note="第一批",
    )
    assert told() == ["shuangyang", "shuangyang2"]  # not the city that allocated, nor its colleague
    notification = Notification.objects.first()
    assert notification.kind == NotificationKind.ALLOCATION_MADE
    assert notification.title == f"资金已安排：{project.town.name}“镇区污水管网”"
    assert notification.body == (
        f"{project.town.name}的项目“镇区污水管网”安排2026年省级一般债券 600.00 万元。备注：第一批"
    )
    assert notification.link == f"/projects/{project.pk}/#funding"


def test_an_accepted_proposal_tells_the_county_once_naming_every_project(
    listeners, make_project, county_quota
):
    make_project(name="在建道路", investment="300.00")
    make_project(name="大项目", investment="900.00")
    accept_proposal(listeners["admin"], region=Region.objects.get(code=SHUANGYANG), year=2026)
    assert told() == ["shuangyang", "shuangyang2"]
    notification = Notification.objects.first()
    assert notification.title == "资金已安排：2 个项目"
    assert "2026年为本县（市、区）2 个项目安排资金共 1,000.00 万元" in notification.body
    assert "“大项目” 省级一般债券 900.00 万元" in notification.body and "“在建道路”" in notification.body
    assert notification.link == f"/funding/allocations/?county={SHUANGYANG}&year=2026"


def test_a_refused_or_rolled_back_allocation_tells_nobody(
    listeners, make_project, county_quota, django_capture_on_commit_callbacks
):
    project = make_project(investment="700.00")
    with pytest.raises(DomainError):
        allocate(listeners["admin"], project=project, source="county_budget", amount="700.01", year=2026)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        allocate(listeners["admin"], project=project, source="county_budget", amount="100.00", year=2026)
        raise RuntimeError("the request failed after the allocation")
    assert callbacks == []
    assert not Notification.objects.exists()
