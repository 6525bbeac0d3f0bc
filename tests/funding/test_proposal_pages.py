"""The proposed allocation of a county's remaining quota (R6 优先安排) and its one-step acceptance."""

from decimal import Decimal

import pytest

from accounts.models import Role
from funding.models import Allocation
from funding.services import allocate, set_quota
from projects.choices import ProjectStatus
from towns.models import Region
from towns.services import designate

from ..conftest import JIAOHE, JILIN_CITY, NONGAN, SHUANGYANG, town_in
from .page_helpers import messages_of, money, open_export, set_status, sheet_rows, table, table_order

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def county_town(jilin):
    """A county-level (not provincial) demonstration town of 双阳区."""
    town = town_in(SHUANGYANG, 1)
    designate(town, "county", 2022, doc_no="双政〔2022〕5号")
    return town


@pytest.fixture
def ranked(make_project, county_town, province_admin):
    """双阳区 2026 general quota 2,000: four general-bond projects whose priority differs, and one project
    that takes no bond."""
    set_quota(
        province_admin,
        region=Region.objects.get(code=SHUANGYANG),
        year=2026,
        general_amount="2000.00",
        special_amount="0",
    )
    projects = {
        # county-level town, 储备: readiness only, last
        "planned": set_status(
            make_project(town=county_town, name="村屯道路硬化", investment="150.00"), ProjectStatus.PLANNED
        ),
        # county-level town, 在建: readiness only, before 储备
        "building": set_status(
            make_project(town=county_town, name="镇区路灯改造", investment="100.00"),
            ProjectStatus.UNDER_CONSTRUCTION,
        ),
        # provincial town, public welfare, 300 万元: not key support
        "provincial": set_status(
            make_project(name="镇区公厕改造", investment="300.00"), ProjectStatus.UNDER_CONSTRUCTION
        ),
        # provincial town, public welfare, 600 万元 (> 500): key provincial support, first even though 储备
        "key": make_project(name="污水处理厂提标改造", investment="600.00"),
        # not public welfare: no bond
        "commercial": make_project(name="农贸市场", public_welfare=False, investment="400.00"),
    }
    return projects


def proposal_page(client, county=SHUANGYANG, year=2026):
    return client.get("/funding/proposals/", {"county": county, "year": year})


def accept(client, page, county=SHUANGYANG, year=2026):
    return client.post(
        "/funding/proposals/accept/",
        {"county": county, "year": year, "digest": page.context["digest"]},
        follow=True,
    )


def test_proposal_lists_the_lines_in_priority_order(client, province_admin, ranked):
    client.force_login(province_admin)
    response = proposal_page(client)
    assert response.status_code == 200
    order = table_order(response, "proposal-lines")
    assert order == [
        str(ranked[name].pk) for name in ("key", "provincial", "building", "planned")
    ]  # key support first; then the provincial town's public welfare; 在建 before 储备; 农贸市场 absent
    lines = table(response, "proposal-lines")
    key = lines[str(ranked["key"].pk)]
    assert key[1] == "污水处理厂提标改造" and key[2] == ranked["key"].town.name and key[3] == "储备"
    assert key[4] == "省级一般债券" and key[5] == "600.00" and key[6].startswith("省级重点支持项目")
    assert lines[str(ranked["provincial"].pk)][6] == "省级示范镇公益性项目优先安排"
    assert lines[str(ranked["building"].pk)][6] == "按项目成熟度安排（在建）"
    assert lines[str(ranked["planned"].pk)][6] == "按项目成熟度安排（储备）"
    html = response.content.decode()
    assert f'<a href="/projects/{ranked["key"].pk}/">污水处理厂提标改造</a>' in html
    assert "农贸市场" not in html
    assert 'data-field="total">1,150.00</td>' in html
    assert "一键确认安排" in html


def test_proposal_shows_the_remaining_quota_and_fills_it_up_to_what_is_left(
    client, province_admin, city_official, ranked
):
    # 1,050 allocated, then the quota lowered to 1,150: 100 left, all to the only project still short.
    allocate(
        province_admin, project=ranked["key"], source="provincial_general_bond", amount="500.00", year=2026
    )
    allocate(
        province_admin,
        project=ranked["provincial"],
        source="provincial_general_bond",
        amount="300.00",
        year=2026,
    )
    allocate(
        province_admin,
        project=ranked["building"],
        source="provincial_general_bond",
        amount="100.00",
        year=2026,
    )
    allocate(
        province_admin,
        project=ranked["planned"],
        source="provincial_general_bond",
        amount="150.00",
        year=2026,
    )
    set_quota(
        province_admin,
        region=Region.objects.get(code=SHUANGYANG),
        year=2026,
        general_amount="1150.00",
        special_amount="0",
    )
    client.force_login(city_official)
    response = proposal_page(client)
    assert 'data-field="remaining">100.00</td>' in response.content.decode()
    assert table_order(response, "proposal-lines") == [str(ranked["key"].pk)]
    assert table(response, "proposal-lines")[str(ranked["key"].pk)][5] == "100.00"


def test_accepting_creates_the_allocations_in_one_step(client, province_admin, ranked):
    client.force_login(province_admin)
    page = proposal_page(client)
    proposed = {
        int(key): money(cells[5]) for key, cells in table(page, "proposal-lines").items()
    }  # project id → amount
    response = accept(client, page)
    assert response.redirect_chain[-1][0] == f"/funding/allocations/?county={SHUANGYANG}&year=2026"
    assert "已按建议方案为双阳区安排 4 个项目的债券资金，共 1,150.00 万元（2026 年）。" in messages_of(
        response
    )
    created = {allocation.project_id: allocation.amount for allocation in Allocation.objects.all()}
    assert created == proposed
    assert sum(created.values()) == Decimal("1150.00")
    assert set(Allocation.objects.values_list("source", flat=True)) == {"provincial_general_bond"}
    assert set(Allocation.objects.values_list("created_by", flat=True)) == {province_admin.pk}
    # The allocation list the user lands on shows them, filtered by the county and year.
    assert len(table(response, "allocation-table")) == 4
    assert response.context["totals"]["total"] == Decimal("1150.00")

    # A second accept: the proposal is empty now, and the portal says why.
    again = accept(client, page)
    assert "没有可安排的项目，或限额已全部安排。" in messages_of(again)
    assert Allocation.objects.count() == 4
    assert "没有可安排的项目，或限额已全部安排。" in proposal_page(client).content.decode()


def test_a_proposal_that_changed_since_it_was_shown_is_not_accepted(client, province_admin, ranked):
    client.force_login(province_admin)
    page = proposal_page(client)
    allocate(
        province_admin, project=ranked["key"], source="provincial_general_bond", amount="100.00", year=2026
    )
    response = accept(client, page)
    assert any("资金安排建议方案已发生变化" in message for message in messages_of(response))
    assert Allocation.objects.count() == 1
    assert response.redirect_chain[-1][0] == f"/funding/proposals/?county={SHUANGYANG}&year=2026"


def test_city_official_accepts_for_a_county_of_his_city(client, city_official, ranked):
    client.force_login(city_official)
    page = proposal_page(client)
    assert page.status_code == 200
    response = accept(client, page)
    assert "已按建议方案为双阳区安排 4 个项目的债券资金，共 1,150.00 万元（2026 年）。" in messages_of(
        response
    )
    assert Allocation.objects.count() == 4
    assert set(Allocation.objects.values_list("created_by", flat=True)) == {city_official.pk}


def test_county_select_is_limited_to_the_users_scope(client, province_admin, city_official, ranked):
    client.force_login(city_official)
    html = proposal_page(client).content.decode()
    assert f'<option value="{NONGAN}">' in html
    assert f'<option value="{JIAOHE}">' not in html
    client.force_login(province_admin)
    html = proposal_page(client).content.decode()
    assert f'<option value="{JIAOHE}">' in html and '<optgroup label="吉林市">' in html


def test_a_county_outside_the_scope_is_not_found(client, make_user, ranked):
    client.force_login(make_user(Role.CITY_OFFICIAL, JILIN_CITY))
    assert proposal_page(client).status_code == 404
    response = client.post("/funding/proposals/accept/", {"county": SHUANGYANG, "year": 2026, "digest": "x"})
    assert response.status_code == 404
    assert not Allocation.objects.exists()
    assert proposal_page(client, county="999999").status_code == 404
    assert proposal_page(client, county=JIAOHE).status_code == 200


@pytest.mark.parametrize("fixture", ["county_official", "province_viewer", "auditor"])
def test_only_province_admin_and_city_officials_see_proposals(client, request, ranked, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert proposal_page(client).status_code == 403
    response = client.post("/funding/proposals/accept/", {"county": SHUANGYANG, "year": 2026, "digest": "x"})
    assert response.status_code == 403
    assert not Allocation.objects.exists()


def test_a_county_without_a_quota_is_told_so(client, province_admin, make_project):
    make_project()
    client.force_login(province_admin)
    response = proposal_page(client, year=2027)
    assert "双阳区 2027 年尚未下达新增债务限额" in response.content.decode()
    refused = client.post(
        "/funding/proposals/accept/", {"county": SHUANGYANG, "year": 2027, "digest": ""}, follow=True
    )
    assert "双阳区 2027 年尚未下达新增债务限额。" in messages_of(refused)
    assert not Allocation.objects.exists()


def test_without_a_county_the_page_lists_the_counties_with_a_quota(client, city_official, ranked):
    client.force_login(city_official)
    response = client.get("/funding/proposals/", {"year": 2026})
    rows = table(response, "proposal-counties")
    assert set(rows) == {SHUANGYANG}
    assert money(rows[SHUANGYANG][1]) == Decimal("2000.00")
    assert f"/funding/proposals/?county={SHUANGYANG}&amp;year=2026" in response.content.decode()


def test_accepted_allocations_reach_the_summary_and_its_export(client, province_admin, ranked):
    client.force_login(province_admin)
    accept(client, proposal_page(client))
    summary = client.get("/funding/", {"year": 2026})
    row = table(summary, "county-usage")[SHUANGYANG]
    assert [money(cell) for cell in row[3:6]] == [2000, 1150, 850]
    exported = {
        row[1]: row for row in sheet_rows(open_export(client.get("/funding/export.xlsx", {"year": 2026})))
    }
    assert [Decimal(str(value)) for value in exported[SHUANGYANG][4:7]] == [2000, 1150, 850]


# --- its export (issue 11, point 3) ------------------------------------------------------------------------


def test_the_proposal_exports_its_lines_in_priority_order(client, province_admin, ranked):
    client.force_login(province_admin)
    page = proposal_page(client)
    assert 'id="proposal-export-link"' in page.content.decode()
    sheet = open_export(client.get("/funding/proposals/export.xlsx", {"county": SHUANGYANG, "year": 2026}))
    rows = sheet_rows(sheet)
    assert [row[1] for row in rows] == [
        ranked[name].pk for name in ("key", "provincial", "building", "planned")
    ]
    assert [row[0] for row in rows] == [1, 2, 3, 4]
    assert [Decimal(str(row[7])) for row in rows] == [line.amount for line in page.context["lines"]]
    assert rows[0][3] == ranked["key"].town_id and sheet.cell(row=4, column=4).data_type == "s"
    assert sheet["A1"].value == "双阳区2026年债券资金安排建议方案"
    assert sheet["A2"].value.startswith("筛选条件：限额：双阳区；年度：2026年；排序：按优先安排顺序（R6）")
    assert "一般债券剩余 2,000.00 万元" in sheet["A2"].value


def test_the_proposal_export_needs_a_region_and_a_good_year(client, province_admin, ranked):
    client.force_login(province_admin)
    response = client.get("/funding/proposals/export.xlsx", follow=True)
    assert "请先选择县（市、区）或市（州），再导出资金安排建议方案。" in messages_of(response)
    response = client.get(
        "/funding/proposals/export.xlsx", {"county": SHUANGYANG, "year": "20x6"}, follow=True
    )
    assert "年度“20x6”无效，未导出。" in messages_of(response)


def test_a_region_outside_the_scope_has_no_proposal_export(client, make_user, ranked):
    client.force_login(make_user(Role.CITY_OFFICIAL, JILIN_CITY))
    assert (
        client.get("/funding/proposals/export.xlsx", {"county": SHUANGYANG, "year": 2026}).status_code == 404
    )
    client.force_login(make_user(Role.COUNTY_OFFICIAL, SHUANGYANG))
    assert (
        client.get("/funding/proposals/export.xlsx", {"county": SHUANGYANG, "year": 2026}).status_code == 403
    )


def test_a_region_without_a_quota_exports_an_empty_proposal_saying_so(client, province_admin, ranked):
    client.force_login(province_admin)
    sheet = open_export(client.get("/funding/proposals/export.xlsx", {"county": NONGAN, "year": 2026}))
    assert sheet_rows(sheet) == [] and "尚未下达新增债务限额" in sheet["A2"].value


def test_the_proposal_export_costs_constant_queries(
    client, province_admin, ranked, make_project, django_assert_num_queries
):
    from tests.xlsx import assert_constant_queries

    client.force_login(province_admin)

    def grow():
        for index in range(3):
            set_status(make_project(name=f"补充项目{index}", investment="50.00"), ProjectStatus.APPROVED)

    assert_constant_queries(
        client,
        "/funding/proposals/export.xlsx",
        grow,
        django_assert_num_queries,
        params={"county": SHUANGYANG, "year": 2026},
    )
