"""API v1 allocation proposals (R6 优先安排): a county's remaining quota shared out over its projects,
provincial towns' public-welfare projects first; accepting creates those allocations at once."""

import pytest

from accounts.models import Role
from funding.models import Allocation
from funding.services import allocate

from ...conftest import JIAOHE, JILIN_CITY, SHUANGYANG
from ...projects.api.scenarios import jiaohe_project

pytestmark = pytest.mark.django_db

URL = "/api/v1/allocation-proposals/"
ACCEPT = f"{URL}accept/"


@pytest.fixture
def projects(make_project):
    """In the provincial town: a small and a large general-bond project and an exactly-500 special one."""
    small = make_project(name="文化广场", investment="300.00")
    large = make_project(name="污水处理厂", investment="900.00")  # key provincial support
    special = make_project(
        name="供热管网",
        investment="500.00",
        special_bond_field=True,
        annual_revenue="80.00",
        annual_debt_service="80.00",
    )
    make_project(name="商业街", public_welfare=False, annual_revenue="10.00")  # not bond-funded
    return small, large, special


def test_the_proposal_puts_key_support_first_and_fits_the_quota(
    api_as, province_admin, projects, county_quota
):
    small, large, special = projects
    response = api_as(province_admin).get(URL, {"county": SHUANGYANG, "year": 2026})
    assert response.status_code == 200, response.content
    body = response.json()
    reasons = [line.pop("reason") for line in body["lines"]]
    assert "省级重点支持" in reasons[0]
    assert reasons[1:] == ["省级示范镇公益性项目优先安排"] * 2
    assert body == {
        "county": SHUANGYANG,
        "city": None,
        "quota_region": SHUANGYANG,
        "quota_region_name": "双阳区",
        "year": 2026,
        "remaining": {"general": "1000.00", "special": "800.00"},
        "lines": [
            {
                "project": large.pk,
                "project_name": "污水处理厂",
                "source": "provincial_general_bond",
                "amount": "900.00",
            },
            {
                "project": small.pk,
                "project_name": "文化广场",
                "source": "provincial_general_bond",
                "amount": "100.00",
            },
            {
                "project": special.pk,
                "project_name": "供热管网",
                "source": "provincial_special_bond",
                "amount": "500.00",
            },
        ],
    }
    assert not Allocation.objects.exists()  # a proposal allocates nothing


def test_the_proposal_counts_what_is_already_allocated(api_as, province_admin, projects, county_quota):
    small, large, _special = projects
    allocate(province_admin, project=large, source="provincial_general_bond", amount="850.00", year=2026)
    body = api_as(province_admin).get(URL, {"county": SHUANGYANG, "year": 2026}).json()
    assert body["remaining"] == {"general": "150.00", "special": "800.00"}
    assert [(line["project"], line["amount"]) for line in body["lines"][:2]] == [
        (large.pk, "50.00"),
        (small.pk, "100.00"),
    ]


def test_accepting_creates_the_allocations_at_once(
    api_as, city_official, province_admin, projects, county_quota
):
    small, large, special = projects
    proposed = api_as(city_official).get(URL, {"county": SHUANGYANG, "year": 2026}).json()["lines"]
    response = api_as(city_official).post(ACCEPT, {"county": SHUANGYANG, "year": 2026}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert [(item["project"], item["source"], item["amount"], item["quota"]) for item in created] == [
        (large.pk, "provincial_general_bond", "900.00", county_quota.pk),
        (small.pk, "provincial_general_bond", "100.00", county_quota.pk),
        (special.pk, "provincial_special_bond", "500.00", county_quota.pk),
    ]
    assert [item["note"] for item in created] == [f"按优先顺序安排：{line['reason']}" for line in proposed]
    assert Allocation.objects.filter(created_by=city_official).count() == 3
    after = api_as(province_admin).get(URL, {"county": SHUANGYANG, "year": 2026}).json()
    assert after["remaining"] == {"general": "0.00", "special": "300.00"}
    assert after["lines"] == []
    again = api_as(province_admin).post(ACCEPT, {"county": SHUANGYANG, "year": 2026}, format="json")
    assert (again.status_code, again.json()) == (400, {"detail": "没有可安排的项目，或限额已全部安排。"})
    assert Allocation.objects.count() == 3


def test_without_a_quota_there_is_nothing_to_propose(api_as, province_admin, projects, county_quota):
    client = api_as(province_admin)
    response = client.get(URL, {"county": SHUANGYANG, "year": 2025})
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "双阳区 2025 年尚未下达新增债务限额。"},
    )
    accepted = client.post(ACCEPT, {"county": SHUANGYANG, "year": 2025}, format="json")
    assert (accepted.status_code, accepted.json()) == (
        400,
        {"detail": "双阳区 2025 年尚未下达新增债务限额。"},
    )
    missing = client.get(URL)
    assert (missing.status_code, set(missing.json())) == (400, {"county", "year"})
    assert client.get(URL, {"county": SHUANGYANG, "year": "next"}).status_code == 400
    assert client.get(URL, {"county": "229999", "year": 2026}).status_code == 404
    assert client.get(URL, {"county": "2201", "year": 2026}).status_code == 404  # a city is not a county
    assert not Allocation.objects.exists()


def test_who_may_see_and_accept(
    api_as,
    make_user,
    province_viewer,
    county_official,
    other_county_official,
    auditor,
    projects,
    county_quota,
):
    query = {"county": SHUANGYANG, "year": 2026}
    for user in (county_official, province_viewer, auditor):
        assert api_as(user).get(URL, query).status_code == 403, user.role
        assert api_as(user).post(ACCEPT, query, format="json").status_code == 403, user.role
    jilin_city_official = make_user(Role.CITY_OFFICIAL, JILIN_CITY)
    hidden = api_as(jilin_city_official).get(URL, query)
    assert (hidden.status_code, hidden.json()) == (404, {"detail": "未找到。"})
    assert api_as(jilin_city_official).post(ACCEPT, query, format="json").status_code == 404
    jiaohe_project(other_county_official)
    own = api_as(jilin_city_official).get(URL, {"county": JIAOHE, "year": 2026})
    assert (own.status_code, own.json()["detail"]) == (400, "蛟河市 2026 年尚未下达新增债务限额。")
    assert not Allocation.objects.exists()
