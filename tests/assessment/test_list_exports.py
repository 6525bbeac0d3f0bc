"""The assessment years and a year's exemptions (免评) export (issue 11, point 3): the page's sort, the user's
scope, the note of what produced the sheet, constant queries; every assessment list notes its year."""

import pytest

from assessment.choices import RoundState
from assessment.services import ensure_round, record_exemption
from tests.conftest import JIAOHE, NONGAN
from tests.xlsx import assert_constant_queries, exported

from .page_helpers import Scenario, designate_all, html, towns_in

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def scenario(province_admin):
    return Scenario(province_admin)


def test_the_years_export_in_the_pages_order(client, province_viewer, scenario):
    ensure_round(2023)
    ensure_round(2025)
    client.force_login(province_viewer)
    assert 'id="round-list-export-link"' in html(client.get("/assessment/"))
    sheet, rows = exported(client.get("/assessment/export.xlsx"))
    assert [row[0] for row in rows] == [2025, 2024, 2023]
    assert rows[0][2] == RoundState.OPEN.label and rows[0][1]  # its state and its indicator system
    assert sheet["A2"].value.startswith("筛选条件：全部；排序：年度（降序）")
    _sheet, rows = exported(client.get("/assessment/export.xlsx", {"sort": "year"}))
    assert [row[0] for row in rows] == [2023, 2024, 2025]


def test_the_years_export_costs_constant_queries(
    client, province_viewer, scenario, django_assert_num_queries
):
    client.force_login(province_viewer)

    def grow():
        for year in (2021, 2022, 2023):
            ensure_round(year)

    assert_constant_queries(client, "/assessment/export.xlsx", grow, django_assert_num_queries)


def test_the_exemptions_export_with_their_page(client, province_admin, city_official, scenario):
    client.force_login(province_admin)
    page = client.get("/assessment/2024/exemptions/")
    assert 'id="exemption-export-link"' in html(page)
    sheet, rows = exported(client.get("/assessment/2024/exemptions/export.xlsx"))
    assert [row[0] for row in rows] == [scenario.f.code]
    assert rows[0][4:7] == ["镇区整体搬迁，当年不参加评价", "吉示范镇办〔2024〕函2号", "admin"]
    assert sheet["A1"].value == "2024年度免评的示范镇"
    assert sheet["A2"].value.startswith("筛选条件：年度：2024年；排序：镇（升序）")
    # 长春市 sees none of 蛟河市's exemptions.
    client.force_login(city_official)
    assert exported(client.get("/assessment/2024/exemptions/export.xlsx"))[1] == []


def test_the_exemptions_export_costs_constant_queries(
    client, province_admin, scenario, django_assert_num_queries
):
    client.force_login(province_admin)
    extra = towns_in(JIAOHE, 3, start=3) + towns_in(NONGAN, 2, start=2)

    def grow():
        designate_all(extra, "provincial")
        for town in extra:
            record_exemption(province_admin, year=2024, town=town, reason="搬迁", doc_no="吉〔2024〕9号")

    assert_constant_queries(
        client,
        "/assessment/2024/exemptions/export.xlsx",
        grow,
        django_assert_num_queries,
        params={"sort": "-town"},
    )


def test_a_bad_year_has_no_export(client, province_admin):
    client.force_login(province_admin)
    assert client.get("/assessment/1800/exemptions/export.xlsx").status_code == 404


def test_every_years_list_notes_its_year(client, province_admin, scenario):
    client.force_login(province_admin)
    for url in ("scores", "vetoes", "talks", "rankings", "eliminations", "indicators", "exemptions"):
        sheet, _rows = exported(client.get(f"/assessment/2024/{url}/export.xlsx"))
        assert "年度：2024年" in sheet["A2"].value, url
    sheet, _rows = exported(client.get("/assessment/2024/rankings/export.xlsx", {"city": "2201"}))
    assert sheet["A2"].value.startswith(
        "筛选条件：年度：2024年；层级：省级示范镇；市（州）：长春市；排序：排名（升序）"
    )
