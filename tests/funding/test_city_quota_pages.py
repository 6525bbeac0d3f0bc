"""Issue 8 point 9 on the funding pages: which quota an allocation draws on is said on the allocation list,
its export and the allocation form; a city's own quota (市本级) has its proposal, drawn only by its city-level
towns' projects; the quota form refuses an adjustment made from a stale copy."""

from decimal import Decimal

import pytest

from funding.models import Allocation, DebtQuota
from funding.services import allocate, set_quota
from towns.models import Region
from towns.services import designate

from ..conftest import CHANGCHUN, SHUANGYANG, town_in
from .page_helpers import messages_of, open_export, sheet_rows, table

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def city_town(jilin):
    town = town_in(SHUANGYANG, 1)
    designate(town, "city", 2023, doc_no="长示范镇〔2023〕2号")
    return town


@pytest.fixture
def city_quota(province_admin, jilin):
    return set_quota(
        province_admin,
        region=Region.objects.get(code=CHANGCHUN),
        year=2026,
        general_amount="500.00",
        special_amount="0.00",
    )


def test_the_allocation_list_and_export_say_which_quota_is_drawn(
    client, city_official, province_admin, make_project, city_town, county_quota, city_quota
):
    city_bond = allocate(
        province_admin,
        project=make_project(town=city_town, name="市级示范镇供水"),
        source="provincial_general_bond",
        amount="200.00",
        year=2026,
    )
    county_bond = allocate(
        province_admin, project=make_project(), source="provincial_general_bond", amount="300.00", year=2026
    )
    budget = allocate(
        province_admin, project=make_project(name="镇区绿化"), source="city_budget", amount="10.00", year=2026
    )
    client.force_login(city_official)
    rows = table(client.get("/funding/allocations/"), "allocation-table")
    assert rows[str(city_bond.pk)][8] == "长春市 2026 年（市本级）"
    assert rows[str(county_bond.pk)][8] == "双阳区 2026 年"
    assert rows[str(budget.pk)][8] == "—"
    exported = {
        row[2]: row for row in sheet_rows(open_export(client.get("/funding/allocations/export.xlsx")))
    }
    assert exported["市级示范镇供水"][10] == "长春市 2026 年（市本级）"
    assert exported["镇区污水管网改造工程"][10] == "双阳区 2026 年"
    only_city = client.get("/funding/allocations/", {"quota_region": CHANGCHUN})
    assert set(table(only_city, "allocation-table")) == {str(city_bond.pk)}
    assert "占用限额：长春市本级（市级示范镇的项目）" in only_city.content.decode()


def test_the_allocation_form_shows_the_quota_the_project_draws_on(
    client, city_official, make_project, city_town, county_quota, city_quota
):
    client.force_login(city_official)
    city_project = make_project(town=city_town)
    form = client.get(
        "/funding/allocations/new/", {"project": city_project.pk, "year": 2026}
    ).content.decode()
    assert "长春市（市本级） 2026 年剩余新增债务限额" in form
    assert "该项目所在镇为市级示范镇，债券资金占用所在市（州）本级的限额。" in form
    assert 'data-field="general_remaining">500.00 万元' in form
    county_project = make_project()
    form = client.get(
        "/funding/allocations/new/", {"project": county_project.pk, "year": 2026}
    ).content.decode()
    assert "双阳区 2026 年剩余新增债务限额" in form and 'data-field="general_remaining">1,000.00 万元' in form
    no_quota = client.get(
        "/funding/allocations/new/", {"project": city_project.pk, "year": 2027}
    ).content.decode()
    assert "长春市（市本级） 2027 年尚未下达新增债务限额，不能安排债券资金。" in no_quota


def test_a_citys_own_quota_has_its_proposal_for_its_city_level_towns(
    client, city_official, make_project, city_town, county_quota, city_quota
):
    city_project = make_project(town=city_town, name="市级示范镇供水", investment="650.00")
    county_project = make_project(name="省级示范镇污水", investment="300.00")
    client.force_login(city_official)
    overview = client.get("/funding/proposals/", {"year": 2026})
    assert set(table(overview, "proposal-cities")) == {CHANGCHUN}
    assert f"/funding/proposals/?city={CHANGCHUN}&amp;year=2026" in overview.content.decode()
    page = client.get("/funding/proposals/", {"city": CHANGCHUN, "year": 2026})
    assert page.status_code == 200
    assert set(table(page, "proposal-lines")) == {str(city_project.pk)}
    assert "长春市本级限额，只安排给市级示范镇的项目" in page.content.decode()
    chooser = client.get("/funding/proposals/", {"region": CHANGCHUN, "year": 2026})
    assert set(table(chooser, "proposal-lines")) == {str(city_project.pk)}
    county_page = client.get("/funding/proposals/", {"region": SHUANGYANG, "year": 2026})
    assert set(table(county_page, "proposal-lines")) == {str(county_project.pk)}

    accepted = client.post(
        "/funding/proposals/accept/",
        {"city": CHANGCHUN, "year": 2026, "digest": page.context["digest"]},
        follow=True,
    )
    assert accepted.redirect_chain[-1][0] == f"/funding/allocations/?quota_region={CHANGCHUN}&year=2026"
    assert (
        "已按建议方案为长春市（市本级限额）安排 1 个项目的债券资金，共 500.00 万元（2026 年）。"
        in messages_of(accepted)
    )
    (allocation,) = Allocation.objects.all()
    assert (allocation.project_id, allocation.quota_id, allocation.amount) == (
        city_project.pk,
        city_quota.pk,
        Decimal("500.00"),
    )


def test_the_quota_form_refuses_an_adjustment_from_a_stale_copy(client, province_admin, county_quota):
    client.force_login(province_admin)
    form = client.get("/funding/quotas/set/", {"region": SHUANGYANG, "year": 2026})
    assert f'name="opened" value="{SHUANGYANG}:2026:1"' in form.content.decode()
    # someone else, meanwhile
    set_quota(
        province_admin,
        region=county_quota.region,
        year=2026,
        general_amount="1500.00",
        special_amount="800.00",
    )
    data = {"region": SHUANGYANG, "year": "2026", "general_amount": "900", "special_amount": "800"}
    stale = client.post("/funding/quotas/set/", {**data, "opened": f"{SHUANGYANG}:2026:1"})
    assert stale.status_code == 200
    assert "该限额已被他人修改（您提交的是第 1 版，当前为第 2 版）" in stale.content.decode()
    assert DebtQuota.objects.get().general_amount == Decimal("1500.00")
    # A version opened for another region or year does not apply to this one.
    other = client.post("/funding/quotas/set/", {**data, "opened": "220122:2026:1"})
    assert other.status_code == 302
    assert DebtQuota.objects.get().general_amount == Decimal("900.00")
