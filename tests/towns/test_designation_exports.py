"""The designation history (R2) as a list and as a town's history, and its export (issue 11, point 3): the
page's filters and sort, the user's scope, the note of what produced the sheet, constant queries."""

import pytest

from tests.conftest import JIAOHE, NONGAN, SHUANGYANG, town_in
from tests.pages import html, keyed_rows
from tests.xlsx import assert_constant_queries, exported
from towns.models import Designation, Town
from towns.services import designate

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def history():
    """鹿乡镇 (双阳区): county-level 2022–2023 ended by promotion, city-level since 2024; another 双阳区 town
    county-level since 2023; a 蛟河市 town provincial since 2022."""
    first, second, foreign = town_in(SHUANGYANG, 0), town_in(SHUANGYANG, 1), town_in(JIAOHE, 0)
    Designation.objects.create(
        town=first, tier="county", from_year=2022, to_year=2023, ended="promoted", doc_no="双政〔2022〕1号"
    )
    designate(first, "city", 2024, doc_no="长政〔2024〕2号", began="promoted")
    designate(second, "county", 2023, doc_no="双政〔2023〕3号")
    designate(foreign, "provincial", 2022, doc_no="吉示范镇办〔2022〕1号")
    return first, second, foreign


def test_the_list_shows_every_designation_with_its_export_button(client, province_admin, history):
    client.force_login(province_admin)
    page = client.get("/towns/designations/")
    assert page.status_code == 200 and 'id="designation-export-link"' in html(page)
    assert len(keyed_rows(page, "designation-table", "data-designation")) == 4
    sheet, rows = exported(client.get("/towns/designations/export.xlsx"))
    assert sheet["A1"].value == "示范镇认定历史"
    assert sheet["A2"].value.startswith("筛选条件：全部；排序：起止年度（降序）")
    assert [row[5] for row in rows] == [2024, 2023, 2022, 2022]  # newest first, as the page
    first, _second, _foreign = history
    ended = next(row for row in rows if row[0] == first.code and row[6] == 2023)
    assert ended[4:13] == [
        "县级",
        2022,
        2023,
        "评选认定",
        "晋升更高层级",
        "双政〔2022〕1号",
        None,
        None,
        "已终止",
    ]
    assert rows[0][0] == first.code and rows[0][0].isdigit() and rows[0][12] == "有效"


def test_the_export_honours_the_filters_and_the_sort(client, province_admin, history):
    client.force_login(province_admin)
    params = {"tier": "county", "city": "2201", "sort": "period"}
    page_rows = keyed_rows(
        client.get("/towns/designations/", params), "designation-table", "data-designation"
    )
    sheet, rows = exported(client.get("/towns/designations/export.xlsx", params))
    assert [(row[0], row[5]) for row in rows] == [(history[0].code, 2022), (history[1].code, 2023)]
    assert len(page_rows) == len(rows)
    assert sheet["A2"].value.startswith("筛选条件：市（州）：长春市；层级：县级；排序：起止年度（升序）")


def test_a_county_exports_only_its_towns_designations(client, county_official, history):
    client.force_login(county_official)
    _sheet, rows = exported(client.get("/towns/designations/export.xlsx"))
    assert rows and all(row[0].startswith(SHUANGYANG) for row in rows)
    assert history[2].code not in {row[0] for row in rows}
    # Naming another county's town answers as if it had no history.
    _sheet, rows = exported(client.get("/towns/designations/export.xlsx", {"town": history[2].code}))
    assert rows == []


def test_a_towns_page_exports_its_history_in_the_pages_order(client, city_official, history):
    first = history[0]
    client.force_login(city_official)
    page = client.get(f"/towns/{first.code}/", {"sort": "period"})
    assert f"/towns/designations/export.xlsx?town={first.code}&amp;sort=period" in html(page)
    sheet, rows = exported(
        client.get("/towns/designations/export.xlsx", {"town": first.code, "sort": "period"})
    )
    assert [(row[4], row[5]) for row in rows] == [("县级", 2022), ("市级", 2024)]
    assert sheet["A1"].value == f"{first.name}示范镇认定历史"
    assert sheet["A2"].value.startswith(f"筛选条件：镇：{first.name}；排序：起止年度（升序）")


def test_a_bad_filter_is_refused_and_shown(client, province_admin, history):
    client.force_login(province_admin)
    response = client.get("/towns/designations/export.xlsx", {"year": "abc"}, follow=True)
    assert "筛选条件有误，未导出。" in html(response) and "筛选条件有误，请修改后重试" in html(response)


def test_the_export_costs_constant_queries(client, province_admin, history, django_assert_num_queries):
    client.force_login(province_admin)

    def grow():
        for town in Town.objects.filter(county_id=JIAOHE, kind="town").order_by("code")[1:6]:
            designate(town, "county", 2025)

    assert_constant_queries(client, "/towns/designations/export.xlsx", grow, django_assert_num_queries)
    assert_constant_queries(
        client,
        "/towns/designations/export.xlsx",
        lambda: designate(town_in(NONGAN, 0), "county", 2025),
        django_assert_num_queries,
        params={"city": "2201", "sort": "-town"},
    )
