"""Issue 8 point 9 through API v1: a city's own new-debt quota (市本级) is drawn by bond allocations to the
projects of its city-level towns (市级示范镇) and by nothing else; every other project draws on its county's
quota. Allocations, the quotas' remaining figures and the proposals say and respect which quota is drawn;
quotas are adjusted with a version like projects."""

from decimal import Decimal

import pytest

from funding.models import Allocation, DebtQuota
from funding.services import allocate, set_quota
from towns.models import Region
from towns.services import designate

from ...conftest import CHANGCHUN, NONGAN, SHUANGYANG, town_in

pytestmark = pytest.mark.django_db

ALLOCATIONS = "/api/v1/allocations/"
QUOTAS = "/api/v1/debt-quotas/"
PROPOSALS = "/api/v1/allocation-proposals/"


@pytest.fixture
def city_town(jilin):
    """A city-level demonstration town of 双阳区 (长春市)."""
    town = town_in(SHUANGYANG, 1)
    designate(town, "city", 2023, doc_no="长示范镇〔2023〕2号")
    return town


@pytest.fixture
def city_quota(province_admin, jilin):
    """长春市's own 2026 quota: 500 万元 general, 300 万元 special."""
    return set_quota(
        province_admin,
        region=Region.objects.get(code=CHANGCHUN),
        year=2026,
        general_amount="500.00",
        special_amount="300.00",
    )


def bond(project, amount, year=2026, source="provincial_general_bond"):
    return {"project": project.pk, "source": source, "amount": amount, "year": year}


def remaining(client, quota):
    item = client.get(f"{QUOTAS}{quota.pk}/").json()
    return item["general_remaining"], item["special_remaining"]


def test_a_city_level_towns_project_draws_on_its_citys_quota(
    api_as, province_admin, city_official, make_project, city_town, county_quota, city_quota
):
    project = make_project(town=city_town, name="市级示范镇污水管网")
    response = api_as(city_official).post(ALLOCATIONS, bond(project, "400.00"), format="json")
    assert response.status_code == 201, response.content
    item = response.json()
    assert (item["quota"], item["quota_region"], item["quota_region_name"]) == (
        city_quota.pk,
        CHANGCHUN,
        "长春市",
    )
    client = api_as(province_admin)
    assert remaining(client, city_quota) == ("100.00", "300.00")
    assert remaining(client, county_quota) == ("1000.00", "800.00")  # the county's quota is untouched
    over = client.post(ALLOCATIONS, bond(project, "100.01"), format="json")
    assert (over.status_code, over.json()) == (
        400,
        {"detail": "安排金额 100.01 万元超过当年新增一般债券剩余限额 100.00 万元。"},
    )


def test_other_projects_draw_on_the_county_and_never_on_the_city_quota(
    api_as, province_admin, make_project, make_user, county_quota, city_quota
):
    provincial = make_project(name="省级示范镇道路")  # demo_town: provincial
    county_level = town_in(SHUANGYANG, 2)
    designate(county_level, "county", 2023, doc_no="双政〔2023〕1号")
    county_town_project = make_project(town=county_level, name="县级示范镇公厕")
    client = api_as(province_admin)
    for project in (provincial, county_town_project):
        item = client.post(ALLOCATIONS, bond(project, "300.00"), format="json").json()
        assert (item["quota"], item["quota_region"], item["quota_region_name"]) == (
            county_quota.pk,
            SHUANGYANG,
            "双阳区",
        )
    assert remaining(client, county_quota) == ("400.00", "800.00")
    assert remaining(client, city_quota) == ("500.00", "300.00")  # nothing else draws a city quota
    assert not Allocation.objects.filter(quota=city_quota).exists()


def test_without_a_city_quota_a_city_level_towns_bond_is_refused_whatever_the_county_has(
    api_as, province_admin, make_project, city_town, county_quota
):
    project = make_project(town=city_town)
    response = api_as(province_admin).post(ALLOCATIONS, bond(project, "10.00"), format="json")
    assert (response.status_code, response.json()) == (
        400,
        {
            "detail": "该市（州）当年尚未下达市本级新增一般债券限额（市级示范镇的项目占用所在市（州）本级的限额）。"
        },
    )
    budget = api_as(province_admin).post(
        ALLOCATIONS, bond(project, "10.00", source="city_budget"), format="json"
    )
    assert (budget.status_code, budget.json()["quota"], budget.json()["quota_region"]) == (201, None, None)


def test_the_allocation_list_says_and_filters_by_the_quota_drawn(
    api_as, province_admin, province_viewer, make_project, city_town, county_quota, city_quota
):
    city_bond = allocate(
        province_admin,
        project=make_project(town=city_town),
        source="provincial_general_bond",
        amount="50.00",
        year=2026,
    )
    county_bond = allocate(
        province_admin, project=make_project(), source="provincial_general_bond", amount="60.00", year=2026
    )
    client = api_as(province_viewer)
    listed = {item["id"]: item for item in client.get(ALLOCATIONS).json()["results"]}
    assert (listed[city_bond.pk]["quota_region"], listed[city_bond.pk]["quota_region_name"]) == (
        CHANGCHUN,
        "长春市",
    )
    assert listed[county_bond.pk]["quota_region_name"] == "双阳区"
    by_city = client.get(ALLOCATIONS, {"quota_region": CHANGCHUN}).json()["results"]
    assert [item["id"] for item in by_city] == [city_bond.pk]
    # 长春市's own allocations are also inside the city filter, which is by the project's city
    assert {item["id"] for item in client.get(ALLOCATIONS, {"city": CHANGCHUN}).json()["results"]} == {
        city_bond.pk,
        county_bond.pk,
    }


def test_a_city_quota_cannot_fall_below_its_city_level_allocations(
    api_as, province_admin, make_project, city_town, city_quota
):
    allocate(
        province_admin,
        project=make_project(town=city_town),
        source="provincial_general_bond",
        amount="450.00",
        year=2026,
    )
    response = api_as(province_admin).patch(
        f"{QUOTAS}{city_quota.pk}/", {"general_amount": "449.99"}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "已安排一般债券 450.00 万元，限额不能低于该数。"},
    )


def test_the_county_and_city_proposals_share_their_own_projects_only(
    api_as, province_admin, make_project, city_town, county_quota, city_quota
):
    provincial = make_project(name="省级示范镇污水处理厂", investment="900.00")
    city_level = make_project(town=city_town, name="市级示范镇供水管网", investment="700.00")
    client = api_as(province_admin)
    county_plan = client.get(PROPOSALS, {"county": SHUANGYANG, "year": 2026}).json()
    assert [(line["project"], line["amount"]) for line in county_plan["lines"]] == [(provincial.pk, "900.00")]
    city_plan = client.get(PROPOSALS, {"city": CHANGCHUN, "year": 2026})
    assert city_plan.status_code == 200, city_plan.content
    body = city_plan.json()
    assert (body["county"], body["city"], body["quota_region"], body["quota_region_name"]) == (
        None,
        CHANGCHUN,
        CHANGCHUN,
        "长春市",
    )
    assert body["remaining"] == {"general": "500.00", "special": "300.00"}
    assert [(line["project"], line["amount"]) for line in body["lines"]] == [(city_level.pk, "500.00")]

    accepted = client.post(f"{PROPOSALS}accept/", {"city": CHANGCHUN, "year": 2026}, format="json")
    assert accepted.status_code == 201, accepted.content
    assert [(item["project"], item["quota_region"], item["amount"]) for item in accepted.json()] == [
        (city_level.pk, CHANGCHUN, "500.00")
    ]
    assert remaining(client, city_quota) == ("0.00", "300.00")
    assert remaining(client, county_quota) == ("1000.00", "800.00")
    after = client.get(PROPOSALS, {"county": SHUANGYANG, "year": 2026}).json()
    assert after["lines"][0]["project"] == provincial.pk  # the county's own proposal is unchanged


def test_city_proposals_are_for_the_citys_allocators(api_as, make_user, city_official, city_quota):
    from accounts.models import Role

    from ...conftest import JILIN_CITY

    assert api_as(city_official).get(PROPOSALS, {"city": CHANGCHUN, "year": 2026}).status_code == 200
    other = api_as(make_user(Role.CITY_OFFICIAL, JILIN_CITY))
    hidden = other.get(PROPOSALS, {"city": CHANGCHUN, "year": 2026})
    unknown = other.get(PROPOSALS, {"city": "2299", "year": 2026})
    assert (
        (hidden.status_code, hidden.json())
        == (unknown.status_code, unknown.json())
        == (404, {"detail": "未找到。"})
    )
    county_as_city = api_as(city_official).get(PROPOSALS, {"city": NONGAN, "year": 2026})
    assert county_as_city.status_code == 400  # 6 digits: not a city code
    no_region = api_as(city_official).get(PROPOSALS, {"year": 2026})
    assert (no_region.status_code, set(no_region.json())) == (400, {"county"})


def test_a_quota_adjusted_from_a_stale_version_is_refused_with_409(api_as, province_admin, county_quota):
    client = api_as(province_admin)
    read = client.get(f"{QUOTAS}{county_quota.pk}/").json()
    assert read["version"] == 1
    first = client.patch(
        f"{QUOTAS}{county_quota.pk}/", {"general_amount": "1100", "version": 1}, format="json"
    )
    assert (first.status_code, first.json()["version"]) == (200, 2)
    stale = client.patch(f"{QUOTAS}{county_quota.pk}/", {"special_amount": "0", "version": 1}, format="json")
    assert (stale.status_code, stale.json()) == (
        409,
        {
            "detail": "该限额已被他人修改（您提交的是第 1 版，当前为第 2 版），未保存您的修改。"
            "请核对当前内容后重新提交。"
        },
    )
    again = client.post(
        QUOTAS,
        {"region": SHUANGYANG, "year": 2026, "general_amount": "1", "special_amount": "1", "version": 1},
        format="json",
    )
    assert again.status_code == 409
    county_quota.refresh_from_db()
    assert (county_quota.general_amount, county_quota.special_amount, county_quota.version) == (
        Decimal("1100.00"),
        Decimal("800.00"),
        2,
    )
    assert DebtQuota.objects.count() == 1
