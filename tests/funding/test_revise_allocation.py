"""revise_allocation (R6), the service behind an allocation import's changed rows: who may, a raise checked
as an allocation of the difference under the quota's and the project's locks, a reduction giving back."""

import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from core.errors import DomainError
from core.models import Notification
from funding.services import allocate, revise_allocation

from .page_helpers import set_status

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def allocation(city_official, make_project, county_quota):
    """600 of 双阳区's 1,000 general quota to a 1,000 万元 project."""
    project = make_project(investment="1000.00")
    return allocate(city_official, project=project, source="provincial_general_bond", amount="600", year=2026)


def test_a_raise_is_held_to_the_quota_and_the_project(
    city_official, county_official, allocation, make_project
):
    other = make_project(name="镇区道路", investment="1000.00")
    allocate(city_official, project=other, source="provincial_general_bond", amount="300", year=2026)
    with pytest.raises(
        DomainError,
        match=re.escape("（调增 100.01 万元）：安排金额 100.01 万元超过当年新增一般债券剩余限额 100.00"),
    ):
        revise_allocation(city_official, allocation=allocation, amount="700.01")
    told = Notification.objects.filter(user=county_official).count()
    revised = revise_allocation(city_official, allocation=allocation, amount="700", note="追加")
    assert (revised.amount, revised.note) == (Decimal("700.00"), "追加")
    entry = LogEntry.objects.get_for_object(revised).latest("pk")
    assert entry.changes["amount"] == ["600.00", "700.00"]
    last = Notification.objects.filter(user=county_official).latest("pk")
    assert Notification.objects.filter(user=county_official).count() == told + 1
    assert last.title.startswith("资金安排已调整：") and "由 600.00 万元调整为 700.00 万元" in last.body


def test_a_reduction_gives_back_even_on_a_cancelled_project(city_official, allocation):
    set_status(allocation.project, "cancelled")
    with pytest.raises(DomainError, match="项目已终止"):
        revise_allocation(city_official, allocation=allocation, amount="600.01")
    assert revise_allocation(city_official, allocation=allocation, amount="100").amount == Decimal("100.00")
    with pytest.raises(DomainError, match="安排金额应大于 0"):
        revise_allocation(city_official, allocation=allocation, amount="0")
    with pytest.raises(DomainError, match="备注超过 200 个字符"):
        revise_allocation(city_official, allocation=allocation, amount="100", note="长" * 201)


def test_only_the_province_or_the_projects_city_revises(
    county_official, other_county_official, make_user, allocation
):
    jilin_city = make_user("city_official", "2202")
    for user in (county_official, jilin_city):
        with pytest.raises(DomainError, match="只有省级管理员或项目所在市（州）的工作人员可以安排资金"):
            revise_allocation(user, allocation=allocation, amount="500")
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("600.00")
