"""The sheet every list exports (core.exports): string cells only (no formula anywhere, the title, note and
header rows included), safe sheet names, a note naming the filters and sort that produced it, and a memory
that stays flat however many rows are streamed."""

import gc
import importlib
import io
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from django.apps import apps
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.exports import (
    SHEET_TITLE_FORBIDDEN,
    SHEET_TITLE_MAX,
    Column,
    build_workbook,
    filter_note,
    registered_exports,
    safe_sheet_title,
    xlsx_response,
)
from core.sorting import Sorts
from tests.xlsx import content_of
from towns.exports import place_values
from towns.filtersets import TOWN_SORTS, TownFilterSet
from towns.models import Town

COLUMNS = (
    Column("名称", 20),
    Column("=SUM(A1:A9)", 12),
    Column("金额", 12, kind="money"),
    Column("数", 8, kind="int"),
)
TRICKY = ["=1+1", "+1", "-1", "@SUM(A1)", '=HYPERLINK("http://x")', "#N/A", "  =lead space"]


def read(content):
    return load_workbook(io.BytesIO(content))


def test_no_cell_is_a_formula_title_note_header_and_data_alike():
    content = build_workbook(
        "=1+1",
        COLUMNS,
        [(text, text, Decimal("1.5"), 3) for text in TRICKY],
        unit_note="=2+2",
        sheet_title="a/b:c?*[x]",
        filters="-筛选",
    )
    sheet = read(content).active
    assert sheet.title == "abcx"
    assert sheet["A1"].value == "=1+1" and sheet["A1"].data_type == "s"
    assert sheet["A2"].value.startswith("-筛选　=2+2　导出时间：") and sheet["A2"].data_type == "s"
    assert sheet["B3"].value == "=SUM(A1:A9)" and sheet["B3"].data_type == "s"
    texts = [row[:2] for row in sheet.iter_rows(min_row=4)]
    assert [[cell.value for cell in row] for row in texts] == [[text, text] for text in TRICKY]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert cell.data_type == "s", cell.coordinate
    assert sheet["C4"].value == 1.5
    assert sheet["C4"].number_format == "#,##0.00" and sheet["D4"].value == 3
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml  # not even a formula element Excel would evaluate


def test_codes_stay_text_and_control_characters_are_dropped():
    sheet = read(build_workbook("t", (Column("代码"),), [("0220112",), ("a\x00b\x07c",), (None,)])).active
    assert sheet["A4"].value == "0220112" and sheet["A4"].data_type == "s"
    assert sheet["A4"].number_format == "@"
    assert sheet["A5"].value == "abc"
    assert sheet["A6"].value is None


def test_the_sheet_keeps_its_layout():
    sheet = read(build_workbook("标题", COLUMNS, [("x", "y", 1, 2)])).active
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:D4"
    assert {str(merged) for merged in sheet.merged_cells.ranges} == {"A1:D1", "A2:D2"}
    assert sheet["A1"].font.bold and sheet["A3"].fill.fgColor.rgb.endswith("DDE7F3")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("a/b:c?*[x]", "abcx"),
        ("=1+1", "=1+1"),
        ("'引号'", "引号"),
        ("", "导出"),
        ("[]:*?/\\", "导出"),
        ("History", "History（1）"),
        ("长" * 40, "长" * 31),
        ("x" * 30 + "'y", "x" * 30),  # cut at 31, the apostrophe it ends with dropped
    ],
)
def test_sheet_names_are_made_safe(title, expected):
    assert safe_sheet_title(title) == expected


@given(st.text(max_size=80))
def test_any_title_gives_a_name_excel_accepts(title):
    name = safe_sheet_title(title)
    assert 0 < len(name) <= SHEET_TITLE_MAX
    assert not set(name) & SHEET_TITLE_FORBIDDEN
    assert not name.startswith("'") and not name.endswith("'")
    assert name.lower() != "history"


def test_a_sheet_named_anything_opens():
    for title in ("a/b:c?*[x]", "'", "=1+1", "History", "\x00"):
        read(build_workbook(title, COLUMNS, []))  # openpyxl refuses a name Excel would refuse


MEASURED = (Column("名称", 20), Column("金额", 12, kind="money"))


def _peak(rows):
    """The peak of Python memory while a list of `rows` rows (every one different) is exported and its
    download read."""

    def generate():
        for index in range(rows):
            yield (f"镇{index:06d}建设项目名称较长的一段文字", Decimal(index) / 100)

    gc.collect()
    tracemalloc.start()
    try:
        response = xlsx_response("x.xlsx", "标题", MEASURED, generate())
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.file_to_stream.close()  # (response.close() would signal the end of a request)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_rows_grow():
    small, small_size = _peak(2_000)
    large, large_size = _peak(20_000)
    assert large_size > 5 * small_size  # ten times the rows: the file itself grows
    assert large < 2 * small, (small, large)


def test_a_download_streams_from_a_file():
    response = xlsx_response("名录.xlsx", "标题", COLUMNS, [("a", "b", 1, 2)])
    assert response.streaming
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert int(response["Content-Length"]) == len(content_of(response))


# --- the note: which filters and sort produced the sheet ---------------------------------------------------


@pytest.mark.django_db
def test_the_note_names_each_filter_by_its_label_and_the_value_by_its_display(jilin):
    query = QueryDict("city=2201&tier=provincial&sort=-since")
    filterset = TownFilterSet(query, queryset=Town.objects.with_active_designation())
    note = filter_note(filterset, TOWN_SORTS.sorting(query=query), values=place_values(filterset))
    assert note == "筛选条件：市（州）：长春市；示范镇层级：省级；排序：认定起始年度（降序）"


@pytest.mark.django_db
def test_the_note_says_all_when_nothing_is_filtered(jilin):
    query = QueryDict("")
    filterset = TownFilterSet(query, queryset=Town.objects.all())
    assert filter_note(filterset, TOWN_SORTS.sorting(query=query)) == "筛选条件：全部；排序：区划代码（升序）"
    assert filter_note() == "筛选条件：全部"
    assert (
        filter_note(extra=[("年度", "2024年")], order="逾期的在前")
        == "筛选条件：年度：2024年；排序：逾期的在前"
    )


@pytest.mark.django_db
def test_a_town_and_a_county_are_named_too(jilin):
    town = Town.objects.filter(county_id="220112", kind="town").order_by("code").first()
    filterset = TownFilterSet(QueryDict(f"county=220112&search={town.code}"), queryset=Town.objects.all())
    values = place_values(filterset)
    assert values == {"county": "双阳区"}
    assert filter_note(filterset, values=values) == f"筛选条件：县（市、区）：双阳区；关键词：{town.code}"


# --- the registry ------------------------------------------------------------------------------------------

LIST_EXPORTS = {
    "towns.towns",
    "towns.quotas",
    "towns.designations",
    "selection.rounds",
    "selection.round",
    "selection.review",
    "projects.projects",
    "projects.reports",
    "projects.unreported",
    "projects.task_areas",
    "funding.summary",
    "funding.task_areas",
    "funding.quotas",
    "funding.allocations",
    "funding.proposal",
    "assessment.rounds",
    "assessment.indicators",
    "assessment.unassessed",
    "assessment.scores",
    "assessment.vetoes",
    "assessment.exemptions",
    "assessment.rankings",
    "assessment.eliminations",
    "assessment.under_minimum",
    "assessment.talks",
    "dashboard.todo",
    "core.audit",
    "core.notifications",
    "core.security_events",
    "core.jobs",
}


def test_every_list_registers_its_export():
    assert set(registered_exports()) == LIST_EXPORTS


def _declared_sorts():
    for config in apps.get_app_configs():
        if not config.name.startswith(("core", "towns", "selection", "projects", "funding", "assessment")):
            continue
        try:
            module = importlib.import_module(f"{config.name}.filtersets")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if isinstance(value, Sorts):
                yield f"{config.name}.{name}", value
    yield "assessment.ranking_sorts", importlib.import_module("assessment.filtersets").ranking_sorts([2023])


def test_every_sort_key_has_the_label_an_export_names_it_by():
    declared = dict(_declared_sorts())
    assert len(declared) >= 15
    for name, sorts in declared.items():
        assert set(sorts.labels) == set(sorts.keys), name
