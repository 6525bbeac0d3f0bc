"""API v1 allocations (R6): made by the province or the project's city through allocate(); a bond must
match the project's recommended type and fit the county's remaining quota and the project's unfunded sum."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from funding.api.serializers import AllocationSerializer
from funding.models import Allocation
from funding.selectors import visible_allocations
from funding.services import allocate

from ...conftest import CHANGCHUN, JIAOHE, JILIN_CITY, SHUANGYANG
from ...projects.api.scenarios import as_json, bulk_projects, jiaohe_project

pytestmark = pytest.mark.django_db

URL = "/api/v1/allocations/"


def body(project, source="provincial_general_bond", amount="100.00", year=2026, **extra):
    return {"project": project.pk, "source": source, "amount": amount, "year": year, **extra}


def test_province_allocates_a_general_bond(api_as, province_admin, make_project, county_quota):
    project = make_project()
    response = api_as(province_admin).post(URL, body(project, amount="600", note=" 第一批 "), format="json")
    assert response.status_code == 201, response.content
    allocation = Allocation.objects.get()
    item = response.json()
    assert item == {
        "id": allocation.pk,
        "project": project.pk,
        "project_name": project.name,
        "town": project.town_id,
        "county": SHUANGYANG,
        "city": CHANGCHUN,
        "source": "provincial_general_bond",
        "source_label": "省级一般债券",
        "amount": "600.00",
        "year": 2026,
        "quota": county_quota.pk,
        "quota_region": SHUANGYANG,
        "quota_region_name": "双阳区",
        "note": "第一批",
        "created_at": item["created_at"],
    }
    assert allocation.created_by == province_admin
    other_source = (
        api_as(province_admin).post(URL, body(project, "social_capital", "50.5"), format="json").json()
    )
    assert (
        other_source["quota"],
        other_source["quota_region"],
        other_source["quota_region_name"],
        other_source["source_label"],
        other_source["amount"],
    ) == (None, None, None, "社会资本", "50.50")


def test_the_quota_is_used_up_to_the_cent(api_as, province_admin, city_official, make_project, county_quota):
    first = make_project(name="污水管网", investment="700.00")
    second = make_project(name="垃圾转运站", investment="900.00")
    assert api_as(city_official).post(URL, body(first, amount="600.00"), format="json").status_code == 201
    client = api_as(province_admin)
    over = client.post(URL, body(second, amount="400.01"), format="json")
    assert (over.status_code, over.json()) == (
        400,
        {"detail": "安排金额 400.01 万元超过当年新增一般债券剩余限额 400.00 万元。"},
    )
    exact = client.post(URL, body(second, amount="400.00"), format="json")
    assert exact.status_code == 201, exact.content
    assert client.post(URL, body(first, amount="0.01"), format="json").status_code == 400
    quota = client.get(f"/api/v1/debt-quotas/{county_quota.pk}/").json()
    assert (quota["general_remaining"], quota["special_remaining"]) == ("0.00", "800.00")
    assert Allocation.objects.count() == 2


def test_bond_type_unfunded_sum_and_quota_are_checked(api_as, province_admin, make_project, county_quota):
    general = make_project(investment="300.00")
    special = make_project(special_bond_field=True, annual_revenue="90.00", annual_debt_service="80.00")
    plain = make_project(public_welfare=False, annual_revenue="10.00")
    client = api_as(province_admin)
    refusals = [
        (body(general, "provincial_special_bond"), "该项目的推荐债券类型为“一般债券”，不能安排专项债券。"),
        (body(special, "provincial_general_bond"), "该项目的推荐债券类型为“专项债券”，不能安排一般债券。"),
        (body(plain, "provincial_general_bond"), "该项目的推荐债券类型为“不适用债券”，不能安排一般债券。"),
        (
            body(general, "county_budget", "300.01"),
            "安排金额 300.01 万元超过项目尚未落实的资金 300.00 万元。",
        ),
        (body(general, year=2025), "该县（市、区）当年尚未下达新增一般债券限额。"),
        (body(general, amount="0"), "安排金额应大于 0。"),
        (body(general, amount="abc"), "安排金额“abc”不是有效的金额。"),
        (body(general, amount="1.001"), "安排金额最多保留两位小数（单位：万元）。"),
    ]
    for request_body, reason in refusals:
        response = client.post(URL, request_body, format="json")
        assert (response.status_code, response.json()) == (400, {"detail": reason}), request_body
    unknown_source = client.post(URL, body(general, "lottery"), format="json")
    assert (unknown_source.status_code, list(unknown_source.json())) == (400, ["source"])
    assert (
        client.post(URL, body(special, "provincial_special_bond", "800.00"), format="json").status_code == 201
    )
    assert client.post(URL, body(plain, "policy_bank", "1200.00"), format="json").status_code == 201
    assert Allocation.objects.count() == 2


def test_who_may_allocate(
    api_as,
    make_user,
    province_viewer,
    county_official,
    auditor,
    other_county_official,
    make_project,
    county_quota,
):
    project = make_project()
    for user in (county_official, province_viewer, auditor):
        response = api_as(user).post(URL, body(project), format="json")
        assert response.status_code == 403, user.role
    jilin_city_official = make_user(Role.CITY_OFFICIAL, JILIN_CITY)
    outside = api_as(jilin_city_official).post(URL, body(project), format="json")
    assert (outside.status_code, outside.json()) == (404, {"detail": "未找到。"})
    missing = api_as(make_user(Role.PROVINCE_ADMIN)).post(
        URL, {**body(project), "project": 999999}, format="json"
    )
    assert missing.status_code == 404
    theirs = jiaohe_project(other_county_official)
    changchun = make_user(Role.CITY_OFFICIAL, CHANGCHUN)
    assert api_as(changchun).post(URL, body(theirs, "county_budget"), format="json").status_code == 404
    assert not Allocation.objects.exists()


def test_reads_are_scoped_and_filtered(
    api_as,
    make_user,
    province_admin,
    province_viewer,
    county_official,
    other_county_official,
    city_official,
    make_project,
    county_quota,
):
    ours = make_project(task_area="T03")
    bond = allocate(
        province_admin, project=ours, source="provincial_general_bond", amount="100.00", year=2026
    )
    budget = allocate(province_admin, project=ours, source="county_budget", amount="50.00", year=2025)
    theirs_project = jiaohe_project(other_county_official)
    theirs = allocate(
        province_admin, project=theirs_project, source="social_capital", amount="10.00", year=2026
    )

    def listed(user, **params):
        return {item["id"] for item in api_as(user).get(URL, params).json()["results"]}

    assert listed(county_official) == {bond.pk, budget.pk}
    assert listed(city_official) == {bond.pk, budget.pk}
    assert listed(other_county_official) == {theirs.pk}
    assert listed(make_user(Role.CITY_OFFICIAL, JILIN_CITY)) == {theirs.pk}
    assert listed(province_viewer) == {bond.pk, budget.pk, theirs.pk}
    assert listed(county_official, county=JIAOHE) == set()
    assert listed(province_viewer, bond_type="general") == {bond.pk}
    assert listed(province_viewer, bond_type="special") == set()
    assert listed(province_viewer, source="county_budget") == {budget.pk}
    assert listed(province_viewer, year=2026) == {bond.pk, theirs.pk}
    assert listed(province_viewer, project=ours.pk) == {bond.pk, budget.pk}
    assert listed(province_viewer, town=theirs_project.town_id) == {theirs.pk}
    assert listed(province_viewer, city=CHANGCHUN, task_area="T03") == {bond.pk, budget.pk}
    for user, hidden in ((county_official, theirs), (city_official, theirs), (other_county_official, bond)):
        response = api_as(user).get(f"{URL}{hidden.pk}/")
        assert (response.status_code, response.json()) == (404, {"detail": "未找到。"})


def test_list_items_equal_the_serializer(api_as, province_viewer, province_admin, make_project, county_quota):
    project = make_project()
    allocate(
        province_admin,
        project=project,
        source="provincial_general_bond",
        amount="100.00",
        year=2026,
        note="按计划",
    )
    allocate(province_admin, project=project, source="county_budget", amount="0.01", year=2025)
    body = api_as(province_viewer).get(URL).json()
    allocations = visible_allocations(province_viewer).in_bulk()
    assert body["count"] == 2
    for item in body["results"]:
        assert list(item) == list(AllocationSerializer().fields)
        assert item == as_json(AllocationSerializer(allocations[item["id"]]).data)
        assert item["created_at"].endswith("+08:00")


def bulk_allocations(projects, created_by, quota):
    return Allocation.objects.bulk_create(
        Allocation(
            project=project,
            source="provincial_general_bond" if index % 2 else "city_budget",
            quota=quota if index % 2 else None,
            amount="1.00",
            year=2026,
            created_by=created_by,
        )
        for index, project in enumerate(projects)
    )


def test_list_queries_do_not_grow_with_rows(api_as, city_official, county_official, demo_town, county_quota):
    client = api_as(city_official)
    counts = []
    for count in (10, 100):
        Allocation.objects.all().delete()
        bulk_allocations(bulk_projects(demo_town, county_official, count), city_official, county_quota)
        with CaptureQueriesContext(connection) as context:
            response = client.get(URL, {"page_size": 1000, "city": CHANGCHUN})
        assert response.json()["count"] == count
        counts.append(len(context.captured_queries))
    assert counts == [2, 2]  # count + page (project and town joined)
