"""Funding through its services: quotas, allocations checked against R6, proposals."""

from decimal import Decimal

import pytest

from core.errors import DomainError
from funding.models import Allocation
from funding.selectors import proposal
from funding.services import accept_proposal, allocate
from towns.models import Region

from ..conftest import SHUANGYANG


def test_bond_allocation_fits_type_quota_and_unfunded(
    make_project, county_quota, province_admin, city_official
):
    general = make_project(investment="700.00")
    allocate(city_official, project=general, source="provincial_general_bond", amount="600.00", year=2026)
    with pytest.raises(DomainError, match=r"超过项目尚未落实的资金 100\.00 万元"):
        allocate(province_admin, project=general, source="county_budget", amount="100.01", year=2026)
    with pytest.raises(DomainError, match="推荐债券类型为“一般债券”，不能安排专项债券"):
        allocate(province_admin, project=general, source="provincial_special_bond", amount="50.00", year=2026)
    other = make_project(investment="900.00")
    with pytest.raises(DomainError, match=r"超过当年新增一般债券剩余限额 400\.00 万元"):
        allocate(province_admin, project=other, source="provincial_general_bond", amount="400.01", year=2026)
    allocate(province_admin, project=other, source="provincial_general_bond", amount="400.00", year=2026)
    with pytest.raises(DomainError, match="尚未下达"):
        allocate(province_admin, project=other, source="provincial_general_bond", amount="1.00", year=2025)
    assert Allocation.objects.count() == 2


def test_proposal_puts_provincial_public_welfare_first_and_accepting_allocates(
    make_project, county_quota, province_admin
):
    ready = make_project(name="在建道路", investment="300.00")
    big = make_project(name="大项目", investment="900.00")
    county = Region.objects.get(code=SHUANGYANG)
    _quota, lines = proposal(county, 2026)
    # R6: the key-support project (provincial town, public-welfare, over 500 万元) comes first.
    assert [(line.project_name, line.amount) for line in lines] == [
        ("大项目", Decimal("900.00")),
        ("在建道路", Decimal("100.00")),
    ]
    created = accept_proposal(province_admin, region=county, year=2026)
    assert sum(a.amount for a in created) == Decimal("1000.00")
    assert [(a.project_id, a.amount) for a in created] == [
        (big.pk, Decimal("900.00")),
        (ready.pk, Decimal("100.00")),
    ]
    with pytest.raises(DomainError, match="限额已全部安排"):
        accept_proposal(province_admin, region=county, year=2026)
