"""API v1 projects (R5): read within the scope; filed, edited and moved along by the owning county through
the services; the computed flags (key provincial support, recommended bond type) never taken from the client."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from projects.models import Project
from towns.services import designate

from ...conftest import CHANGCHUN, JIAOHE, JILIN_CITY, PROJECT_DATA, SHUANGYANG, town_in
from .scenarios import approve, bulk_projects, jiaohe_project

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"


def body(town, **overrides):
    return {"town": town.code, **PROJECT_DATA, **overrides}


def post(client, town, **overrides):
    return client.post(URL, body(town, **overrides), format="json")


# --- creation ------------------------------------------------------------------------------------------


def test_county_files_a_project_for_its_demonstration_town(api_as, county_official, demo_town):
    response = post(api_as(county_official), demo_town)
    assert response.status_code == 201, response.content
    project = Project.objects.get()
    item = response.json()
    assert item == {
        "id": project.pk,
        "town": demo_town.code,
        "town_name": demo_town.name,
        "county": SHUANGYANG,
        "county_name": "双阳区",
        "city": CHANGCHUN,
        "city_name": "长春市",
        "task_area": "T05",
        "task_area_name": "环境基础设施",
        "name": "镇区污水管网改造工程",
        "public_welfare": True,
        "special_bond_field": False,
        "investment": "1200.00",
        "annual_revenue": "0.00",
        "annual_debt_service": "0.00",
        "start_year": 2025,
        "end_year": 2027,
        "status": "planned",
        "status_label": "储备",
        "planning_approval_date": None,
        "planning_approval_doc_no": "",
        "design_approval_date": None,
        "design_approval_doc_no": "",
        "key_provincial_support": True,
        "recommended_bond_type": "general",
        "recommended_bond_type_label": "一般债券",
        "completed_investment": "0.00",
        "percent_complete": "0.00",
        "last_reported_period": "",
        "completion_note": "",
        "version": 1,
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }
    assert item["created_at"].endswith("+08:00")
    assert (project.created_by, project.town) == (county_official, demo_town)


def test_money_may_be_sent_as_numbers_and_is_rendered_with_two_decimals(api_as, county_official, demo_town):
    response = post(api_as(county_official), demo_town, investment=1200, annual_revenue=7.5)
    assert response.status_code == 201, response.content
    assert (response.json()["investment"], response.json()["annual_revenue"]) == ("1200.00", "7.50")


@pytest.mark.parametrize(
    ("investment", "key"),
    [("500.00", False), ("500.01", True), ("499.99", False), ("10000.00", True)],
)
def test_key_provincial_support_starts_above_500(api_as, county_official, demo_town, investment, key):
    item = post(api_as(county_official), demo_town, investment=investment).json()
    assert (item["investment"], item["key_provincial_support"]) == (investment, key)


def test_no_key_support_for_a_city_level_town_nor_without_public_welfare(api_as, county_official, demo_town):
    city_town = town_in(SHUANGYANG, 1)
    designate(city_town, "city", 2023, doc_no="长示范镇〔2023〕2号")
    client = api_as(county_official)
    assert post(client, city_town, investment="9000.00").json()["key_provincial_support"] is False
    assert post(client, demo_town, public_welfare=False).json()["key_provincial_support"] is False
    assert post(client, demo_town).json()["key_provincial_support"] is True


@pytest.mark.parametrize(
    ("welfare", "special_field", "revenue", "debt_service", "bond"),
    [
        (True, False, "0.00", "0.00", "general"),  # public welfare, no revenue
        (True, True, "0.00", "30.00", "general"),  # no revenue comes first, even in a special field
        (True, True, "80.00", "80.00", "special"),  # revenue covers principal and interest exactly
        (True, True, "120.00", "80.00", "special"),
        (True, True, "79.99", "80.00", "none"),  # revenue short by a cent
        (True, False, "120.00", "80.00", "none"),  # revenue but not a special-bond field
        (False, False, "0.00", "0.00", "none"),  # not public welfare
        (False, True, "120.00", "80.00", "none"),
    ],
)
def test_every_bond_type_branch(
    api_as, county_official, demo_town, welfare, special_field, revenue, debt_service, bond
):
    response = post(
        api_as(county_official),
        demo_town,
        public_welfare=welfare,
        special_bond_field=special_field,
        annual_revenue=revenue,
        annual_debt_service=debt_service,
    )
    assert response.status_code == 201, response.content
    labels = {"general": "一般债券", "special": "专项债券", "none": "不适用债券"}
    item = response.json()
    assert (item["recommended_bond_type"], item["recommended_bond_type_label"]) == (bond, labels[bond])
    listed = api_as(county_official).get(URL, {"bond_type": bond}).json()["results"]
    assert [row["id"] for row in listed] == [item["id"]]


@pytest.mark.parametrize(
    "computed",
    [
        {"key_provincial_support": False},
        {"recommended_bond_type": "special"},
        {"status": "under_construction"},
        {"completed_investment": "1200.00"},
        {"percent_complete": "100.00"},
        {"last_reported_period": "2026-05"},
    ],
)
def test_computed_fields_sent_by_the_client_are_refused_and_nothing_is_stored(
    api_as, county_official, demo_town, computed
):
    response = post(api_as(county_official), demo_town, **computed)
    assert response.status_code == 400
    (name,) = computed
    assert response.json()["detail"].startswith(f"不能填写的字段：{name}")
    assert not Project.objects.exists()


def test_computed_fields_cannot_be_patched_either(api_as, county_official, make_project):
    project = make_project(investment="500.00")
    client = api_as(county_official)
    for computed in (
        {"key_provincial_support": True},
        {"recommended_bond_type": "special"},
        {"status": "completed"},
        {"completed_investment": "500.00", "name": "改名"},
    ):
        response = client.patch(f"{URL}{project.pk}/", computed, format="json")
        assert response.status_code == 400, computed
    project.refresh_from_db()
    assert (project.status, project.completed_investment, project.name) == (
        "planned",
        Decimal("0.00"),
        PROJECT_DATA["name"],
    )
    assert client.get(f"{URL}{project.pk}/").json()["key_provincial_support"] is False


def test_a_town_outside_the_county_answers_exactly_as_an_unknown_code(
    api_as, county_official, other_county_official, demo_town
):
    """Issue 8 point 10: a county filing for another county's town learns nothing about that town."""
    jiaohe_town = town_in(JIAOHE)
    designate(jiaohe_town, "provincial", 2022)
    client = api_as(county_official)
    response = post(client, jiaohe_town)
    unknown = client.post(URL, {**body(demo_town), "town": "220112999"}, format="json")
    assert (response.status_code, response.json()) == (400, {"detail": f"乡镇“{jiaohe_town.code}”不存在。"})
    assert unknown.status_code == response.status_code
    assert unknown.json()["detail"].replace("220112999", jiaohe_town.code) == response.json()["detail"]
    assert not Project.objects.exists()
    # …and the other county's own official is not moved into 双阳区 either
    response = post(api_as(other_county_official), demo_town)
    assert (response.status_code, response.json()) == (400, {"detail": f"乡镇“{demo_town.code}”不存在。"})
    assert not Project.objects.exists()


def test_unknown_and_undesignated_towns_are_refused(api_as, county_official, demo_town):
    client = api_as(county_official)
    unknown = client.post(URL, {**body(demo_town), "town": "220112999"}, format="json")
    assert (unknown.status_code, unknown.json()) == (400, {"detail": "乡镇“220112999”不存在。"})
    plain_town = town_in(SHUANGYANG, 2)
    response = post(client, plain_town)
    assert (response.status_code, response.json()["detail"]) == (
        400,
        f"{plain_town.name}不是示范镇，不能填报示范镇建设项目。",
    )
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"investment": "1.005"}, "最多保留两位小数"),
        ({"investment": "-1"}, "不能为负数"),
        ({"investment": "10000000.01"}, "超过 10,000,000 万元"),
        ({"annual_revenue": "abc"}, "不是有效的金额"),
        ({"task_area": "T16"}, "T01–T15"),
        ({"start_year": 2027, "end_year": 2025}, "完工年度不能早于开工年度"),
    ],
)
def test_the_services_chinese_reason_is_the_answer(api_as, county_official, demo_town, overrides, reason):
    response = post(api_as(county_official), demo_town, **overrides)
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert not Project.objects.exists()


def test_missing_fields_are_named(api_as, county_official, demo_town):
    response = api_as(county_official).post(URL, {"town": demo_town.code}, format="json")
    assert response.status_code == 400
    assert {"task_area", "name", "investment", "start_year", "end_year"} <= set(response.json())


@pytest.mark.parametrize("role", ["province_admin", "province_viewer", "city_official", "auditor"])
def test_only_county_officials_file_projects(api_as, request, demo_town, role):
    response = post(api_as(request.getfixturevalue(role)), demo_town)
    assert response.status_code == 403
    assert response.json() == {"detail": "只有县（市、区）工作人员可以填报和修改项目及进度。"}
    assert not Project.objects.exists()


# --- edit and status ---------------------------------------------------------------------------------------


def test_patch_goes_through_the_service_and_the_flags_follow(api_as, county_official, make_project):
    project = make_project()
    client = api_as(county_official)
    response = client.patch(
        f"{URL}{project.pk}/", {"investment": "500.00", "task_area": "t03"}, format="json"
    )
    assert response.status_code == 200, response.content
    item = response.json()
    assert (item["investment"], item["task_area"], item["key_provincial_support"]) == ("500.00", "T03", False)
    assert item["name"] == PROJECT_DATA["name"]  # untouched
    same_town = client.patch(
        f"{URL}{project.pk}/", {"town": project.town_id, "name": "新名称"}, format="json"
    )
    assert (same_town.status_code, same_town.json()["name"]) == (200, "新名称")
    moved = client.patch(f"{URL}{project.pk}/", {"town": town_in(SHUANGYANG, 1).code}, format="json")
    assert moved.status_code == 400
    bad = client.patch(f"{URL}{project.pk}/", {"annual_debt_service": "1.001"}, format="json")
    assert (bad.status_code, "最多保留两位小数" in bad.json()["detail"]) == (400, True)
    project.refresh_from_db()
    assert (project.town_id, project.investment, project.annual_debt_service) == (
        town_in(SHUANGYANG).code,
        Decimal("500.00"),
        Decimal("0.00"),
    )


def test_patch_outside_the_scope_is_404_and_other_roles_403(
    api_as, county_official, other_county_official, city_official, make_project
):
    project = make_project()
    assert (
        api_as(other_county_official).patch(f"{URL}{project.pk}/", {"name": "x"}, format="json").status_code
        == 404
    )
    assert api_as(city_official).patch(f"{URL}{project.pk}/", {"name": "x"}, format="json").status_code == 403
    project.refresh_from_db()
    assert project.name == PROJECT_DATA["name"]


def test_no_put_and_no_delete(api_as, county_official, make_project):
    project = make_project()
    client = api_as(county_official)
    assert client.put(f"{URL}{project.pk}/", {**PROJECT_DATA}, format="json").status_code == 405
    assert client.delete(f"{URL}{project.pk}/").status_code == 405
    assert Project.objects.filter(pk=project.pk).exists()


def test_under_construction_needs_both_approvals_through_the_status_action(
    api_as, county_official, make_project
):
    project = make_project()
    client = api_as(county_official)
    status_url = f"{URL}{project.pk}/status/"
    response = client.post(status_url, {"status": "approved"}, format="json")
    assert (response.status_code, response.json()["status"], response.json()["status_label"]) == (
        200,
        "approved",
        "已批复",
    )
    refused = client.post(status_url, {"status": "under_construction"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "有项目必规划、无设计不动工：尚未登记规划批复和设计批复（日期和文号），不能转为在建。"
    )
    client.patch(
        f"{URL}{project.pk}/",
        {"planning_approval_date": "2025-03-01", "planning_approval_doc_no": "双规批〔2025〕3号"},
        format="json",
    )
    refused = client.post(status_url, {"status": "under_construction"}, format="json")
    assert "尚未登记设计批复（" in refused.json()["detail"]
    patched = client.patch(
        f"{URL}{project.pk}/",
        {"design_approval_date": "2025-04-01", "design_approval_doc_no": "双设批〔2025〕7号"},
        format="json",
    ).json()
    assert (patched["design_approval_date"], patched["design_approval_doc_no"]) == (
        "2025-04-01",
        "双设批〔2025〕7号",
    )
    done = client.post(status_url, {"status": "under_construction"}, format="json")
    assert (done.status_code, done.json()["status"]) == (200, "under_construction")
    project.refresh_from_db()
    assert project.status == "under_construction"


def test_status_refusals(api_as, county_official, other_county_official, city_official, make_project):
    project = make_project()
    status_url = f"{URL}{project.pk}/status/"
    # api_as() re-authenticates the one test client: each request names its user.
    hidden = api_as(other_county_official).post(status_url, {"status": "approved"}, format="json")
    assert hidden.status_code == 404
    forbidden = api_as(city_official).post(status_url, {"status": "approved"}, format="json")
    assert forbidden.status_code == 403
    client = api_as(county_official)
    skipped = client.post(status_url, {"status": "completed"}, format="json")
    assert (skipped.status_code, skipped.json()["detail"]) == (400, "项目状态不能从“储备”变为“已完工”。")
    unknown = client.post(status_url, {"status": "demolished"}, format="json")
    assert (unknown.status_code, list(unknown.json())) == (400, ["status"])
    assert client.post(status_url, {"status": "cancelled"}, format="json").status_code == 200
    frozen = client.patch(f"{URL}{project.pk}/", {"name": "改名"}, format="json")
    assert frozen.status_code == 400
    assert "不能再修改" in frozen.json()["detail"]
    again = client.post(status_url, {"status": "approved"}, format="json")
    assert again.status_code == 400
    project.refresh_from_db()
    assert (project.status, project.name) == ("cancelled", PROJECT_DATA["name"])


# --- reads: scope, filters, queries ------------------------------------------------------------------------


def test_every_reader_sees_only_the_projects_of_his_scope(
    api_as, make_user, county_official, other_county_official, city_official, province_viewer, make_project
):
    ours = make_project()
    theirs = jiaohe_project(other_county_official)

    def listed(user, **params):
        return {item["id"] for item in api_as(user).get(URL, params).json()["results"]}

    assert listed(county_official) == {ours.pk}
    assert listed(other_county_official) == {theirs.pk}
    assert listed(city_official) == {ours.pk}
    assert listed(province_viewer) == {ours.pk, theirs.pk}
    jilin_city_official = make_user(Role.CITY_OFFICIAL, JILIN_CITY)
    assert listed(jilin_city_official) == {theirs.pk}
    # a filter cannot widen the scope
    assert listed(county_official, county=JIAOHE) == set()
    for user, hidden in ((county_official, theirs), (city_official, theirs), (other_county_official, ours)):
        response = api_as(user).get(f"{URL}{hidden.pk}/")
        assert (response.status_code, response.json()) == (404, {"detail": "未找到。"})
    assert api_as(province_viewer).get(f"{URL}{theirs.pk}/").json()["county_name"] == "蛟河市"


def test_filters_match_the_pages(
    api_as, province_viewer, county_official, other_county_official, make_project
):
    small = make_project(name="文化广场", task_area="T03", investment="300.00")
    big = make_project(name="污水处理厂", investment="900.00", start_year=2026, end_year=2026)
    special = make_project(
        name="供热管网", special_bond_field=True, annual_revenue="80.00", annual_debt_service="60.00"
    )
    approve(county_official, big)
    other = jiaohe_project(other_county_official)
    client = api_as(province_viewer)

    def ids(**params):
        return [item["id"] for item in client.get(URL, params).json()["results"]]

    assert set(ids(county=SHUANGYANG)) == {small.pk, big.pk, special.pk}
    assert set(ids(city=CHANGCHUN)) == {small.pk, big.pk, special.pk}
    assert ids(town=small.town_id, task_area="T03") == [small.pk]
    assert ids(status="approved") == [big.pk]
    assert set(ids(key_support="true")) == {big.pk, special.pk, other.pk}
    assert ids(key_support="false") == [small.pk]
    assert ids(bond_type="special") == [special.pk]
    assert set(ids(tier="provincial")) == {small.pk, big.pk, special.pk, other.pk}
    assert ids(tier="city") == []
    assert set(ids(year=2025)) == {small.pk, special.pk, other.pk}
    assert ids(search="污水") == [big.pk]
    assert client.get(URL, {"status": "demolished"}).status_code == 400


def queries_for(client, params):
    with CaptureQueriesContext(connection) as context:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(context.captured_queries), response.json()


def test_list_queries_do_not_grow_with_rows(api_as, city_official, county_official, demo_town):
    client = api_as(city_official)
    bulk_projects(demo_town, county_official, 10)
    few, body = queries_for(client, {"page_size": 1000})
    assert body["count"] == 10
    Project.objects.all().delete()
    bulk_projects(demo_town, county_official, 100)
    many, body = queries_for(client, {"page_size": 1000, "key_support": "true"})
    assert body["count"] == len(body["results"]) > 0
    assert few == many == 2  # count + page (town, county, city, task area joined; flags as subquery/CASE)
    assert {
        item["recommended_bond_type"] for item in client.get(URL, {"page_size": 1000}).json()["results"]
    } == {
        "general",
        "special",
        "none",
    }
