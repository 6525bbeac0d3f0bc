"""The funding pages (R6): the summary per region and task area, quotas, allocations, and their exports."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from funding.models import Allocation, DebtQuota
from funding.services import allocate, set_quota
from towns.models import Region
from towns.services import designate

from ..conftest import CHANGCHUN, JIAOHE, JILIN_CITY, NONGAN, PROJECT_DATA, SHUANGYANG, town_in
from .page_helpers import messages_of, money, open_export, sheet_rows, table

pytestmark = pytest.mark.usefixtures("jilin")

SPECIAL = {
    "name": "镇区停车场",
    "task_area": "T03",
    "special_bond_field": True,
    "annual_revenue": "100.00",
    "annual_debt_service": "80.00",
    "investment": "500.00",
}


def figures(cells):
    return [money(cell) for cell in cells]


@pytest.fixture
def jiaohe_project(other_county_official):
    """A general-bond project (T05, 1,200 万元) of a provincial town in 蛟河市 (吉林市)."""
    from projects.services import create_project

    town = town_in(JIAOHE)
    designate(town, "provincial", 2022, doc_no="吉示范镇办〔2022〕1号")
    return create_project(other_county_official, town=town, data={**PROJECT_DATA, "name": "蛟河污水处理站"})


@pytest.fixture
def funded(make_project, county_quota, province_admin, city_official, jiaohe_project):
    """2026: 双阳区 1,000/800 with 600 general + 300 special + 50 county budget allocated; 农安县 500/200
    untouched; 蛟河市 400/0 with 250 general allocated."""
    set_quota(
        province_admin,
        region=Region.objects.get(code=NONGAN),
        year=2026,
        general_amount="500.00",
        special_amount="200.00",
    )
    set_quota(
        province_admin,
        region=Region.objects.get(code=JIAOHE),
        year=2026,
        general_amount="400.00",
        special_amount="0",
    )
    general = make_project(investment="700.00")
    special = make_project(**SPECIAL)
    allocate(city_official, project=general, source="provincial_general_bond", amount="600.00", year=2026)
    allocate(
        city_official, project=general, source="county_budget", amount="50.00", year=2026, note="县级配套"
    )
    allocate(province_admin, project=special, source="provincial_special_bond", amount="300.00", year=2026)
    allocate(
        province_admin, project=jiaohe_project, source="provincial_general_bond", amount="250.00", year=2026
    )
    return {"general": general, "special": special, "jiaohe": jiaohe_project}


# --- the summary -----------------------------------------------------------------------------------------


def test_summary_shows_quota_allocated_and_remaining_per_kind(client, province_admin, funded):
    client.force_login(province_admin)
    response = client.get("/funding/", {"year": 2026})
    assert response.status_code == 200
    counties = table(response, "county-usage")
    assert figures(counties[SHUANGYANG][3:]) == [1000, 600, 400, 800, 300, 500]
    assert figures(counties[NONGAN][3:]) == [500, 0, 500, 200, 0, 200]
    assert figures(counties[JIAOHE][3:]) == [400, 250, 150, 0, 0, 0]
    assert counties[SHUANGYANG][2] == "长春市"
    cities = table(response, "city-usage")
    assert figures(cities[CHANGCHUN][2:]) == [1500, 600, 900, 1000, 300, 700]
    assert figures(cities[JILIN_CITY][2:]) == [400, 250, 150, 0, 0, 0]
    assert set(cities) == {CHANGCHUN, JILIN_CITY}
    province = table(response, "province-usage")
    assert figures(province["22"][1:]) == [1900, 850, 1050, 1000, 300, 700]
    # Figures have thousands separators and two decimals.
    assert counties[SHUANGYANG][3] == "1,000.00"

    areas = table(response, "task-area-summary")
    # code, name, group, projects, investment, general, special, other, total
    assert areas["T05"][:3] == ["T05", "环境基础设施", "市政设施"]
    assert areas["T05"][3] == "2"
    assert figures(areas["T05"][4:]) == [1900, 850, 0, 50, 900]
    assert figures(areas["T03"][4:]) == [500, 0, 300, 0, 300]
    assert figures(areas["T01"][4:]) == [0, 0, 0, 0, 0]
    assert areas["total"][:2] == ["合计", "3"]
    assert figures(areas["total"][2:]) == [2400, 850, 300, 50, 1200]


def test_summary_of_a_county_official_shows_his_county_only(client, county_official, funded):
    client.force_login(county_official)
    response = client.get("/funding/", {"year": 2026})
    html = response.content.decode()
    counties = table(response, "county-usage")
    assert set(counties) == {SHUANGYANG}
    assert figures(counties[SHUANGYANG][3:]) == [1000, 600, 400, 800, 300, 500]
    assert 'id="city-usage"' not in html and 'id="province-usage"' not in html
    assert "蛟河" not in html and "农安" not in html
    areas = table(response, "task-area-summary")
    assert areas["T05"][3] == "1"
    assert figures(areas["T05"][4:]) == [700, 600, 0, 50, 650]
    # No proposal link for a county official.
    assert "/funding/proposals/" not in html


def test_summary_of_a_city_official_has_his_city_without_province_totals(client, city_official, funded):
    client.force_login(city_official)
    response = client.get("/funding/", {"year": 2026})
    assert set(table(response, "city-usage")) == {CHANGCHUN}
    assert set(table(response, "county-usage")) == {SHUANGYANG, NONGAN}
    assert 'id="province-usage"' not in response.content.decode()


def test_summary_defaults_to_the_current_year_and_offers_the_years(client, province_admin, make_project):
    this_year = timezone.localdate().year
    set_quota(
        province_admin,
        region=Region.objects.get(code=SHUANGYANG),
        year=this_year,
        general_amount="321.00",
        special_amount="0",
    )
    set_quota(
        province_admin,
        region=Region.objects.get(code=SHUANGYANG),
        year=2023,
        general_amount="100.00",
        special_amount="0",
    )
    client.force_login(province_admin)
    response = client.get("/funding/")
    assert response.context["year"] == this_year
    assert money(table(response, "county-usage")[SHUANGYANG][3]) == Decimal("321.00")
    html = response.content.decode()
    assert f'<option value="{this_year}" selected>' in html
    assert '<option value="2023">2023 年</option>' in html
    earlier = client.get("/funding/", {"year": "2023"})
    assert money(table(earlier, "county-usage")[SHUANGYANG][3]) == Decimal("100.00")
    bad = client.get("/funding/", {"year": "abc"})
    assert bad.context["year"] == this_year
    assert f"年度“abc”无效，已显示 {this_year} 年。" in messages_of(bad)


def test_summary_exports_have_the_rows_of_the_page(client, province_admin, funded):
    client.force_login(province_admin)
    page = client.get("/funding/", {"year": 2026})
    sheet = open_export(client.get("/funding/export.xlsx", {"year": 2026}))
    assert sheet["A1"].value == "2026年新增债务限额使用情况"
    assert "万元" in sheet["A2"].value
    assert [cell.value for cell in sheet[3]][:4] == ["层级", "区划代码", "名称", "所属市（州）"]
    rows = sheet_rows(sheet)
    assert [row[1] for row in rows] == [
        "22",
        *table(page, "city-usage"),
        *table(page, "county-usage"),
    ]
    by_code = {row[1]: row for row in rows}
    assert by_code[SHUANGYANG][:4] == ["县（市、区）", SHUANGYANG, "双阳区", "长春市"]
    assert [Decimal(str(value)) for value in by_code[SHUANGYANG][4:]] == [1000, 600, 400, 800, 300, 500]
    assert [Decimal(str(value)) for value in by_code["22"][4:]] == [1900, 850, 1050, 1000, 300, 700]
    shuangyang_code = next(row for row in sheet.iter_rows(min_row=4) if row[1].value == SHUANGYANG)[1]
    assert shuangyang_code.data_type == "s"

    areas = open_export(client.get("/funding/task-areas/export.xlsx", {"year": 2026}))
    assert areas["A1"].value == "2026年资金安排情况（按任务领域）"
    assert "万元" in areas["A2"].value
    area_rows = sheet_rows(areas)
    assert [row[0] for row in area_rows] == [f"T{n:02d}" for n in range(1, 16)]
    t05 = area_rows[4]
    assert t05[:4] == ["T05", "环境基础设施", "市政设施", 2]
    assert [Decimal(str(value)) for value in t05[4:]] == [1900, 850, 0, 50, 900]
    total = [[cell.value for cell in row] for row in areas.iter_rows(min_row=4)][-1]
    assert total[1] == "合计" and [Decimal(str(value)) for value in total[4:]] == [2400, 850, 300, 50, 1200]


def test_summary_export_of_a_county_official_is_his_county_only(client, county_official, funded):
    client.force_login(county_official)
    rows = sheet_rows(open_export(client.get("/funding/export.xlsx", {"year": 2026})))
    assert [row[1] for row in rows] == [SHUANGYANG]
    areas = sheet_rows(open_export(client.get("/funding/task-areas/export.xlsx", {"year": 2026})))
    assert [Decimal(str(value)) for value in areas[4][4:]] == [700, 600, 0, 50, 650]


# --- quotas ----------------------------------------------------------------------------------------------


def test_province_admin_sets_a_quota_through_the_form(client, province_admin):
    client.force_login(province_admin)
    form = client.get("/funding/quotas/set/")
    assert form.status_code == 200
    html = form.content.decode()
    assert '<optgroup label="长春市">' in html and f'<option value="{SHUANGYANG}">双阳区</option>' in html
    response = client.post(
        "/funding/quotas/set/",
        {"region": SHUANGYANG, "year": "2026", "general_amount": "1,000.50", "special_amount": "800"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/funding/quotas/?year=2026"
    assert "已下达双阳区 2026 年新增债务限额：一般债券 1,000.50 万元，专项债券 800.00 万元。" in messages_of(
        response
    )
    quota = DebtQuota.objects.get(region_id=SHUANGYANG, year=2026)
    assert (quota.general_amount, quota.special_amount) == (Decimal("1000.50"), Decimal("800.00"))
    row = table(response, "quota-table")[SHUANGYANG]
    assert row[:4] == ["2026", SHUANGYANG, "双阳区", "长春市"]
    assert figures(row[4:10]) == [Decimal("1000.50"), 0, Decimal("1000.50"), 800, 0, 800]


@pytest.mark.parametrize(
    ("general", "message"),
    [
        ("-5", "新增一般债务限额不能为负数。"),
        ("abc", "新增一般债务限额“abc”不是有效的金额。"),
        ("20000000", "新增一般债务限额超过 10,000,000 万元，请核对单位（万元）。"),
        ("", "请填写新增一般债务限额。"),
    ],
)
def test_a_bad_quota_amount_is_refused_with_the_reason(client, province_admin, general, message):
    client.force_login(province_admin)
    response = client.post(
        "/funding/quotas/set/",
        {"region": SHUANGYANG, "year": "2026", "general_amount": general, "special_amount": "100"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DebtQuota.objects.exists()


def test_a_quota_cannot_fall_below_what_is_allocated(client, province_admin, make_project, county_quota):
    allocate(
        province_admin, project=make_project(), source="provincial_general_bond", amount="600.00", year=2026
    )
    client.force_login(province_admin)
    prefilled = client.get("/funding/quotas/set/", {"region": SHUANGYANG, "year": 2026}).content.decode()
    assert 'value="1000.00"' in prefilled and 'value="800.00"' in prefilled
    response = client.post(
        "/funding/quotas/set/",
        {"region": SHUANGYANG, "year": "2026", "general_amount": "500", "special_amount": "800"},
    )
    # (The service writes the sum as the database returns it: "600" on SQLite, "600.00" on PostgreSQL.)
    assert re.search(r"已安排一般债券 600(\.00)? 万元，限额不能低于该数。", response.content.decode())
    county_quota.refresh_from_db()
    assert county_quota.general_amount == Decimal("1000.00")


def test_a_quota_needs_a_region_of_the_list(client, province_admin):
    client.force_login(province_admin)
    response = client.post(
        "/funding/quotas/set/",
        {"region": "220112102", "year": "2026", "general_amount": "1", "special_amount": "1"},
    )
    assert "请选择市（州）或县（市、区）。" in response.content.decode()
    assert not DebtQuota.objects.exists()


@pytest.mark.parametrize("fixture", ["city_official", "county_official", "province_viewer", "auditor"])
def test_only_the_province_admin_sets_quotas(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get("/funding/quotas/set/").status_code == 403
    response = client.post(
        "/funding/quotas/set/",
        {"region": SHUANGYANG, "year": "2026", "general_amount": "1", "special_amount": "1"},
    )
    assert response.status_code == 403
    assert not DebtQuota.objects.exists()
    assert "/funding/quotas/set/" not in client.get("/funding/quotas/").content.decode()


def test_quota_list_and_export_are_scoped_and_filtered(client, province_admin, county_official, funded):
    client.force_login(county_official)
    page = client.get("/funding/quotas/")
    assert set(table(page, "quota-table")) == {SHUANGYANG}
    exported = sheet_rows(open_export(client.get("/funding/quotas/export.xlsx")))
    assert [row[1] for row in exported] == [SHUANGYANG]
    assert [Decimal(str(value)) for value in exported[0][5:]] == [1000, 600, 400, 800, 300, 500]

    client.force_login(province_admin)
    assert set(table(client.get("/funding/quotas/"), "quota-table")) == {SHUANGYANG, NONGAN, JIAOHE}
    changchun = client.get("/funding/quotas/", {"city": CHANGCHUN})
    assert set(table(changchun, "quota-table")) == {SHUANGYANG, NONGAN}
    exported = sheet_rows(open_export(client.get("/funding/quotas/export.xlsx", {"city": CHANGCHUN})))
    assert {row[1] for row in exported} == {SHUANGYANG, NONGAN}
    assert not table(client.get("/funding/quotas/", {"year": 2025}), "quota-table")


# --- allocations -----------------------------------------------------------------------------------------


def post_allocation(client, project, source, amount, year="2026", note=""):
    return client.post(
        f"/funding/allocations/new/?project={project.pk}",
        {"project": project.pk, "source": source, "amount": amount, "year": year, "note": note},
    )


def test_city_official_allocates_to_a_project_of_his_city(client, city_official, make_project, county_quota):
    project = make_project()
    client.force_login(city_official)
    form = client.get("/funding/allocations/new/", {"project": project.pk, "year": 2026})
    assert form.status_code == 200
    html = form.content.decode()
    assert 'data-field="unfunded">1,200.00 万元' in html
    assert 'data-field="general_remaining">1,000.00 万元' in html
    assert f'<option value="{project.pk}" selected>' in html

    response = post_allocation(client, project, "provincial_general_bond", "400.00", note="第一批")
    assert response.status_code == 302
    assert response["Location"] == f"/funding/allocations/?project={project.pk}"
    allocation = Allocation.objects.get()
    assert (allocation.amount, allocation.source, allocation.year, allocation.created_by) == (
        Decimal("400.00"),
        "provincial_general_bond",
        2026,
        city_official,
    )
    listing = client.get(response["Location"])
    assert "已为“镇区污水管网改造工程”安排省级一般债券 400.00 万元（2026 年）。" in messages_of(listing)
    row = table(listing, "allocation-table")[str(allocation.pk)]
    assert row[1] == "镇区污水管网改造工程" and row[6] == "省级一般债券" and row[7] == "400.00"
    assert f'href="/projects/{project.pk}/"' in listing.content.decode()


@pytest.mark.parametrize(
    ("source", "amount", "message"),
    [
        (
            "provincial_general_bond",
            "1000.01",
            "安排金额 1000.01 万元超过当年新增一般债券剩余限额 1000.00 万元。",
        ),
        ("provincial_special_bond", "10.00", "该项目的推荐债券类型为“一般债券”，不能安排专项债券。"),
        ("county_budget", "1200.01", "安排金额 1200.01 万元超过项目尚未落实的资金 1200.00 万元。"),
        ("provincial_general_bond", "abc", "安排金额“abc”不是有效的金额。"),
        ("provincial_general_bond", "-5", "安排金额不能为负数。"),
    ],
)
def test_a_refused_allocation_shows_why_and_saves_nothing(
    client, province_admin, make_project, county_quota, source, amount, message
):
    project = make_project()
    client.force_login(province_admin)
    response = post_allocation(client, project, source, amount)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Allocation.objects.exists()


def test_a_bond_allocation_without_a_quota_is_refused(client, province_admin, make_project, county_quota):
    client.force_login(province_admin)
    response = post_allocation(client, make_project(), "provincial_general_bond", "10", year="2025")
    assert "该县（市、区）当年尚未下达新增一般债券限额。" in response.content.decode()
    assert not Allocation.objects.exists()


def test_a_city_official_of_another_city_cannot_allocate(client, make_user, make_project, county_quota):
    project = make_project()
    client.force_login(make_user(Role.CITY_OFFICIAL, JILIN_CITY))
    assert client.get("/funding/allocations/new/", {"project": project.pk}).status_code == 404
    assert post_allocation(client, project, "provincial_general_bond", "10").status_code == 404
    # Without ?project= the form lists only his city's projects: none of 长春's.
    html = client.get("/funding/allocations/new/").content.decode()
    assert project.name not in html
    assert not Allocation.objects.exists()


@pytest.mark.parametrize("fixture", ["county_official", "province_viewer", "auditor"])
def test_county_officials_viewers_and_auditors_get_no_allocation_form(
    client, request, make_project, county_quota, fixture
):
    project = make_project()
    client.force_login(request.getfixturevalue(fixture))
    assert client.get("/funding/allocations/new/", {"project": project.pk}).status_code == 403
    assert post_allocation(client, project, "provincial_general_bond", "10").status_code == 403
    assert not Allocation.objects.exists()
    assert "/funding/allocations/new/" not in client.get("/funding/allocations/").content.decode()


def test_allocation_list_is_scoped_with_totals(client, county_official, province_admin, funded):
    client.force_login(county_official)
    page = client.get("/funding/allocations/")
    rows = table(page, "allocation-table")
    assert {row[3] for row in rows.values()} == {"双阳区"}
    assert len(rows) == 3
    assert "蛟河污水处理站" not in page.content.decode()
    assert page.context["totals"] == {
        "count": 3,
        "total": Decimal("950.00"),
        "general": Decimal("600.00"),
        "special": Decimal("300.00"),
        "other": Decimal("50.00"),
    }
    assert 'data-field="total">950.00</strong>' in page.content.decode()
    exported = sheet_rows(open_export(client.get("/funding/allocations/export.xlsx")))
    assert len(exported) == 3
    assert {row[5] for row in exported} == {"双阳区"}
    assert "蛟河污水处理站" not in {row[2] for row in exported}
    # Asking for another county shows nothing rather than that county's allocations.
    assert not table(client.get("/funding/allocations/", {"county": JIAOHE}), "allocation-table")
    assert not sheet_rows(open_export(client.get("/funding/allocations/export.xlsx", {"county": JIAOHE})))

    client.force_login(province_admin)
    everything = table(client.get("/funding/allocations/"), "allocation-table")
    assert len(everything) == 4
    jiaohe = table(client.get("/funding/allocations/", {"county": JIAOHE}), "allocation-table")
    assert [row[1] for row in jiaohe.values()] == ["蛟河污水处理站"]


def test_allocation_filters_and_export_agree(client, province_admin, funded):
    client.force_login(province_admin)
    for params, expected in [
        ({"bond_type": "general"}, {"镇区污水管网改造工程": 1, "蛟河污水处理站": 1}),
        ({"source": "county_budget"}, {"镇区污水管网改造工程": 1}),
        ({"task_area": "T03"}, {"镇区停车场": 1}),
        ({"city": JILIN_CITY}, {"蛟河污水处理站": 1}),
        ({"project": funded["general"].pk}, {"镇区污水管网改造工程": 2}),
        ({"town": funded["special"].town_id, "year": 2026}, {"镇区污水管网改造工程": 2, "镇区停车场": 1}),
        ({"year": 2025}, {}),
    ]:
        page = client.get("/funding/allocations/", params)
        names = [row[1] for row in table(page, "allocation-table").values()]
        assert {name: names.count(name) for name in names} == expected, params
        exported = sheet_rows(open_export(client.get("/funding/allocations/export.xlsx", params)))
        assert sorted(row[2] for row in exported) == sorted(names), params


def test_allocation_export_has_title_unit_and_typed_cells(client, province_admin, funded):
    client.force_login(province_admin)
    sheet = open_export(client.get("/funding/allocations/export.xlsx", {"source": "county_budget"}))
    assert sheet["A1"].value == "资金安排明细"
    assert "金额单位：万元" in sheet["A2"].value and "共 1 条，合计 50.00 万元" in sheet["A2"].value
    assert [cell.value for cell in sheet[3]][:4] == ["年度", "项目编号", "项目名称", "镇区划代码"]
    row = next(sheet.iter_rows(min_row=4))
    assert row[0].value == 2026
    assert row[3].value == funded["general"].town_id and row[3].data_type == "s"
    assert row[8].value == "县级财政资金" and Decimal(str(row[9].value)) == Decimal("50.00")
    assert row[9].number_format == "#,##0.00"
    assert [cell.value for cell in sheet[3]][10] == "占用限额"
    assert row[10].value in (None, "")  # a county budget draws on no quota
    assert row[11].value == "县级配套"


def test_a_bad_allocation_filter_is_shown_and_not_exported(client, province_admin, funded):
    client.force_login(province_admin)
    page = client.get("/funding/allocations/", {"year": "abc"})
    assert "筛选条件有误" in page.content.decode()
    assert not table(page, "allocation-table")
    response = client.get("/funding/allocations/export.xlsx", {"year": "abc"}, follow=True)
    assert "筛选条件有误，未导出。" in messages_of(response)


def bulk_allocations(project, count, user):
    Allocation.objects.bulk_create(
        Allocation(
            project=project, source="county_budget", amount=Decimal("1.00"), year=2026, created_by=user
        )
        for _ in range(count)
    )


@pytest.mark.parametrize("count", [10, 100])
def test_allocation_list_query_count_does_not_grow_with_rows(
    client, province_admin, make_project, django_assert_num_queries, count
):
    bulk_allocations(make_project(), count, province_admin)
    client.force_login(province_admin)
    # session, user, count, rows, totals, cities, counties, task areas, 2 × years, the navbar's unread notifications
    with django_assert_num_queries(11):
        response = client.get("/funding/allocations/", {"year": 2026})
    assert len(table(response, "allocation-table")) == min(count, 50)
    assert response.context["totals"]["count"] == count


@pytest.mark.parametrize(
    "fixture", ["province_admin", "province_viewer", "city_official", "county_official", "auditor"]
)
def test_every_role_reads_the_funding_pages_and_exports(client, request, funded, fixture):
    client.force_login(request.getfixturevalue(fixture))
    for url in ("/funding/", "/funding/quotas/", "/funding/allocations/"):
        response = client.get(url, {"year": 2026})
        assert response.status_code == 200, url
        assert "资金保障" in response.content.decode()
    for url in (
        "/funding/export.xlsx",
        "/funding/task-areas/export.xlsx",
        "/funding/quotas/export.xlsx",
        "/funding/allocations/export.xlsx",
    ):
        assert open_export(client.get(url, {"year": 2026}))["A1"].value, url
