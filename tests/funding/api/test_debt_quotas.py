"""API v1 new-debt quotas (R6): set by the province through set_quota(), read within the scope with what
is left of each after the bond allocations drawing on it."""

import pytest

from accounts.models import Role
from funding.models import DebtQuota
from funding.services import allocate, set_quota
from towns.models import Region

from ...conftest import CHANGCHUN, JIAOHE, JILIN_CITY, NONGAN, SHUANGYANG

pytestmark = pytest.mark.django_db

URL = "/api/v1/debt-quotas/"


def test_province_sets_a_quota_and_may_set_it_again(api_as, province_admin, jilin):
    client = api_as(province_admin)
    body = {"region": SHUANGYANG, "year": 2026, "general_amount": "1000", "special_amount": 800.5}
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    quota = DebtQuota.objects.get()
    assert response.json() == {
        "id": quota.pk,
        "region": SHUANGYANG,
        "region_name": "双阳区",
        "year": 2026,
        "general_amount": "1000.00",
        "special_amount": "800.50",
        "general_remaining": "1000.00",
        "special_remaining": "800.50",
        "version": 1,
    }
    again = client.post(URL, {**body, "general_amount": "1200.00"}, format="json")
    assert (again.status_code, again.json()["id"], again.json()["general_amount"]) == (
        200,
        quota.pk,
        "1200.00",
    )
    patched = client.patch(f"{URL}{quota.pk}/", {"special_amount": "0"}, format="json")
    assert patched.status_code == 200
    assert (patched.json()["general_amount"], patched.json()["special_amount"]) == ("1200.00", "0.00")
    city = client.post(URL, {**body, "region": CHANGCHUN}, format="json")
    assert (city.status_code, city.json()["region_name"]) == (201, "长春市")
    assert DebtQuota.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "status", "reason"),
    [
        ({"region": "22"}, 400, "新增债务限额按市（州）或县（市、区）下达。"),
        ({"region": "229999"}, 400, "地区“229999”不存在。"),
        ({"general_amount": "-1"}, 400, "新增一般债务限额不能为负数。"),
        ({"special_amount": "1.234"}, 400, "新增专项债务限额最多保留两位小数（单位：万元）。"),
        ({"year": 1999}, 400, "年度 1999 无效。"),
    ],
)
def test_refusals_carry_the_services_reason(api_as, province_admin, jilin, changes, status, reason):
    body = {"region": SHUANGYANG, "year": 2026, "general_amount": "1000", "special_amount": "800", **changes}
    response = api_as(province_admin).post(URL, body, format="json")
    assert (response.status_code, response.json()) == (status, {"detail": reason})
    assert not DebtQuota.objects.exists()


@pytest.mark.parametrize("role", ["province_viewer", "city_official", "county_official", "auditor"])
def test_only_the_province_sets_quotas(api_as, request, county_quota, role):
    client = api_as(request.getfixturevalue(role))
    body = {"region": SHUANGYANG, "year": 2027, "general_amount": "1", "special_amount": "1"}
    response = client.post(URL, body, format="json")
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "只有省级管理员可以下达新增债务限额。"},
    )
    assert client.patch(f"{URL}{county_quota.pk}/", {"general_amount": "1"}, format="json").status_code == 403
    assert DebtQuota.objects.count() == 1
    county_quota.refresh_from_db()
    assert str(county_quota.general_amount) == "1000.00"


def test_remaining_follows_the_bond_allocations(
    api_as, province_admin, county_official, make_project, county_quota, django_assert_num_queries
):
    general = make_project(investment="700.00")
    special = make_project(special_bond_field=True, annual_revenue="90.00", annual_debt_service="80.00")
    allocate(province_admin, project=general, source="provincial_general_bond", amount="600.10", year=2026)
    # no quota drawn
    allocate(province_admin, project=general, source="county_budget", amount="99.90", year=2026)
    allocate(province_admin, project=special, source="provincial_special_bond", amount="799.99", year=2026)
    client = api_as(county_official)
    with django_assert_num_queries(2):  # count + page with both sums
        (item,) = client.get(URL).json()["results"]
    assert (item["general_remaining"], item["special_remaining"]) == ("399.90", "0.01")
    assert client.get(f"{URL}{county_quota.pk}/").json() == item
    lowered = api_as(province_admin).patch(
        f"{URL}{county_quota.pk}/", {"general_amount": "600.09"}, format="json"
    )
    assert (lowered.status_code, lowered.json()) == (
        400,
        {"detail": "已安排一般债券 600.10 万元，限额不能低于该数。"},
    )
    exact = api_as(province_admin).patch(
        f"{URL}{county_quota.pk}/", {"general_amount": "600.10"}, format="json"
    )
    assert (exact.status_code, exact.json()["general_remaining"]) == (200, "0.00")


def test_reads_are_scoped_and_filtered(
    api_as, make_user, province_admin, province_viewer, county_official, other_county_official, city_official
):
    for code, year in (
        (SHUANGYANG, 2026),
        (SHUANGYANG, 2025),
        (NONGAN, 2026),
        (CHANGCHUN, 2026),
        (JIAOHE, 2026),
    ):
        set_quota(
            province_admin,
            region=Region.objects.get(code=code),
            year=year,
            general_amount="100",
            special_amount="100",
        )
    quotas = {(q.region_id, q.year): q.pk for q in DebtQuota.objects.all()}

    def listed(user, **params):
        return {(item["region"], item["year"]) for item in api_as(user).get(URL, params).json()["results"]}

    assert listed(county_official) == {(SHUANGYANG, 2026), (SHUANGYANG, 2025)}
    assert listed(other_county_official) == {(JIAOHE, 2026)}
    assert listed(city_official) == {
        (SHUANGYANG, 2026),
        (SHUANGYANG, 2025),
        (NONGAN, 2026),
        (CHANGCHUN, 2026),
    }
    assert listed(make_user(Role.CITY_OFFICIAL, JILIN_CITY)) == {(JIAOHE, 2026)}
    assert len(listed(province_viewer)) == 5
    assert listed(province_viewer, year=2025) == {(SHUANGYANG, 2025)}
    assert listed(province_viewer, city=JILIN_CITY) == {(JIAOHE, 2026)}
    assert listed(province_viewer, region=NONGAN) == {(NONGAN, 2026)}
    assert listed(county_official, region=JIAOHE) == set()
    for user, hidden in (
        (county_official, (JIAOHE, 2026)),
        (county_official, (NONGAN, 2026)),
        (city_official, (JIAOHE, 2026)),
        (other_county_official, (SHUANGYANG, 2026)),
    ):
        response = api_as(user).get(f"{URL}{quotas[hidden]}/")
        assert (response.status_code, response.json()) == (404, {"detail": "未找到。"})
