"""The project and progress imports' pure rules (issue 11, point 2), without a database: the cells a sheet
holds parse as the export writes them and as people type them; a project row is refused for what the forms
and services refuse (R5, R6); progress rows are checked in the file's order against each other, and whatever
the file, the reports accepted never go backwards nor exceed the investment (hypothesis)."""

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projects.choices import PeriodType
from projects.rules import (
    DECLARED_FIELDS,
    BondAllocation,
    ExistingProject,
    FiledReport,
    ImportTown,
    ReportProject,
    check_project_rows,
    check_report_rows,
    parse_date,
    parse_period,
    parse_yes_no,
    period,
)

D = Decimal
TODAY = datetime.date(2026, 6, 15)


@dataclass(frozen=True)
class Row:
    number: int
    values: dict = field(default_factory=dict)


# --- cells ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("是", True), ("否", False), ("", False), ("TRUE", True), ("0", False), ("1", True)],
)
def test_yes_no(text, expected):
    assert parse_yes_no(text, "公益性") == (expected, None)


def test_yes_no_names_a_value_it_does_not_know():
    assert parse_yes_no("大概", "公益性") == (None, "公益性“大概”应为“是”或“否”")


@pytest.mark.parametrize("text", ["2025-03-01", "2025/3/1", "2025.3.1", "2025年3月1日"])
def test_dates_in_the_forms_people_type(text):
    assert parse_date(text, "规划批复日期") == (datetime.date(2025, 3, 1), None)


def test_a_date_that_does_not_exist_is_refused():
    assert parse_date("2025-02-30", "规划批复日期") == (
        None,
        "规划批复日期“2025-02-30”不是有效的日期（如 2025-03-01）",
    )


@given(
    kind=st.sampled_from(PeriodType.values),
    year=st.integers(2000, 2100),
    number=st.integers(1, 12),
    spelled=st.sampled_from(["label", "key"]),
)
def test_a_period_reads_back_from_its_label_and_its_key(kind, year, number, spelled):
    if kind == PeriodType.QUARTER:
        number = (number - 1) // 3 + 1
    when = period(kind, year, number)
    text = when.label if spelled == "label" else when.key
    assert parse_period(text, None) == (when, None)
    assert parse_period(text, kind) == (when, None)


def test_a_date_cell_is_the_month_or_quarter_containing_it():
    # A spreadsheet program turns a typed 2025年3月 into the date 2025-03-01.
    assert parse_period("2025-03-01", None)[0] == period("month", 2025, 3)
    assert parse_period("2025-05-01", "quarter")[0] == period("quarter", 2025, 2)


def test_year_and_number_need_the_period_type():
    assert parse_period("", None, "2025", "3") == (
        None,
        "按年度和月份或季度填写时，请填写报送周期（月度或季度）",
    )
    assert parse_period("", "quarter", "2025", "2")[0] == period("quarter", 2025, 2)
    assert parse_period("", "quarter", "2025", "5") == (None, "季度应为 1–4，而不是 5")
    assert parse_period("2025年第2季度", "month") == (None, "报送周期“月度”与周期“2025年第2季度”不一致")


# --- project rows --------------------------------------------------------------------------------------------

DECLARED = {
    "name": "镇区污水管网改造工程",
    "task_area": "T05",
    "public_welfare": True,
    "special_bond_field": False,
    "investment": D("1200.00"),
    "annual_revenue": D("0.00"),
    "annual_debt_service": D("0.00"),
    "start_year": 2025,
    "end_year": 2027,
    "planning_approval_date": None,
    "planning_approval_doc_no": "",
    "design_approval_date": None,
    "design_approval_doc_no": "",
}
CELLS = {
    "id": "7",
    "name": "镇区污水管网改造工程",
    "town": "220112102",
    "task_area": "T05",
    "public_welfare": "是",
    "special_bond_field": "否",
    "investment": "1200",
    "annual_revenue": "0",
    "annual_debt_service": "0",
    "start_year": "2025",
    "end_year": "2027",
    "status": "",
    "planning_approval_date": "",
    "planning_approval_doc_no": "",
    "design_approval_date": "",
    "design_approval_doc_no": "",
    "completion_note": "",
}
TOWNS = {
    "220112102": ImportTown("220112102", "鹿乡镇", True),
    "220112104": ImportTown("220112104", "齐家镇", False),
}


def existing(**overrides):
    values = {
        "id": 7,
        "name": DECLARED["name"],
        "town_code": "220112102",
        "town_name": "鹿乡镇",
        "status": "planned",
        "declared": DECLARED,
    }
    values.update(overrides)
    return ExistingProject(**values)


def check(cells, project=None, names=None):
    rows = [Row(2, {**CELLS, **cells})]
    projects = {7: project} if project is not None else {}
    (result,) = check_project_rows(rows, CELLS, projects=projects, towns=TOWNS, names=names or {})
    return result


def test_the_row_of_an_exported_project_asks_for_nothing():
    result = check({}, existing())
    assert result.problems == () and not result.plan.writes


def test_a_changed_row_asks_for_its_changed_fields_only():
    result = check({"investment": "1300.5", "end_year": "2028"}, existing())
    assert result.plan.fields == {"investment": D("1300.50"), "end_year": 2028}
    assert result.plan.changes == (("investment", D("1200.00"), D("1300.50")), ("end_year", 2027, 2028))


def test_a_new_row_has_every_declared_field():
    result = check({"id": "", "name": "新项目", "annual_revenue": ""})
    assert result.plan.project_id is None and set(result.plan.fields) == set(DECLARED_FIELDS)
    assert result.plan.fields["annual_revenue"] == D("0.00")


def test_a_new_row_of_a_town_that_is_not_a_demonstration_town_or_repeats_a_project():
    assert check({"id": "", "town": "220112104"}).problems == ("齐家镇不是示范镇，不能填报示范镇建设项目",)
    repeated = check({"id": ""}, names={("220112102", DECLARED["name"]): 3})
    assert repeated.problems == ("鹿乡镇已有同名项目（项目编号 3）；修改该项目请填写其项目编号",)
    assert check({"id": "", "status": "在建"}).problems == (
        "新项目的状态只能为“储备”，导入后在项目页面办理状态变更",
    )


def test_r6_holds_under_an_imported_edit():
    bonds = (BondAllocation(2026, "省级一般债券", D("600.00")),)
    project = existing(status="approved", allocated=D("600.00"), bond_allocations=bonds)
    result = check({"investment": "500", "public_welfare": "否", "status": "已批复"}, project)
    assert result.problems == (
        "总投资不能低于已安排给该项目的资金 600.00 万元（拟改为 500.00 万元）",
        "该修改会使推荐债券类型由“一般债券”变为“不适用债券”，但项目已安排债券资金：2026年省级一般债券 600.00 万元。"
        "债券资金须与推荐债券类型一致，不能作此修改",
    )


def test_status_moves_one_step_and_builds_only_with_both_approvals():
    approved = existing(status="approved")
    assert check({"status": "在建"}, approved).problems == (
        "有项目必规划、无设计不动工：尚未登记规划批复和设计批复（日期和文号），不能转为在建",
    )
    with_approvals = {
        "status": "在建",
        "planning_approval_date": "2025-03-01",
        "planning_approval_doc_no": "规1",
        "design_approval_date": "2025-04-01",
        "design_approval_doc_no": "设1",
    }
    plan = check(with_approvals, approved).plan
    assert (
        plan.status == "under_construction" and len(plan.fields) == 4
    )  # the approvals first, then the status


def test_completion_needs_a_full_report_or_a_note_and_a_note_only_with_completion():
    building = existing(status="under_construction", latest_percent=D("80.00"), latest_label="2026年5月")
    assert check({"status": "已完工"}, building).problems == (
        "最近一期进度报送（2026年5月）的形象进度为 80.00%：转为已完工须为 100%，或填写未达 100% 即完工的说明",
    )
    plan = check({"status": "已完工", "completion_note": "剩余绿化并入二期"}, building).plan
    assert (plan.status, plan.completion_note) == ("completed", "剩余绿化并入二期")
    assert check({"completion_note": "说明"}, building).problems == ("完工说明只在转为已完工时填写",)


def test_a_final_project_is_not_edited():
    assert check({"name": "改名"}, existing(status="cancelled")).problems == (
        "项目状态为“已终止”，不能再修改",
    )
    assert (
        check({"status": "已终止"}, existing(status="cancelled")).problems == ()
    )  # its own status: unchanged


# --- progress rows -------------------------------------------------------------------------------------------


def project_with(*reports, status="under_construction", investment="1000.00"):
    return ReportProject(1, "项目", "鹿乡镇", status, D(investment), tuple(reports))


def rows_of(*cells):
    return [
        Row(number, {"project": "1", "period": label, "cumulative_investment": cum, "percent_complete": pct})
        for number, (label, cum, pct) in enumerate(cells, start=2)
    ]


PRESENT = ("project", "period", "cumulative_investment", "percent_complete")


def test_a_repeated_report_is_unchanged_and_a_different_one_refused():
    filed = FiledReport(period("month", 2026, 3), D("300.00"), D("30.00"), "", 5)
    checks = check_report_rows(
        rows_of(("2026年3月", "300", "30"), ("2026年3月", "310", "30")),
        PRESENT,
        projects={1: project_with(filed)},
        today=TODAY,
    )
    assert checks[0].unchanged and checks[0].problems == ()
    assert checks[1].problems == (
        "与第 2 行重复（同一项目同一周期）",
        "该项目2026年3月已报送过进度（累计完成投资 300.00 万元与表中不同），已报送的进度不能修改",
    )


def test_of_two_periods_ending_alike_the_one_filed_last_is_the_one_before():
    # March and the first quarter both end on 31 March, as the service's neighbour_reports breaks the tie.
    march = FiledReport(period("month", 2026, 3), D("300.00"), D("30.00"), "", 5)
    first_quarter = FiledReport(period("quarter", 2026, 1), D("200.00"), D("20.00"), "", 9)
    checks = check_report_rows(
        rows_of(("2026年4月", "250", "25")),
        PRESENT,
        projects={1: project_with(march, first_quarter)},
        today=TODAY,
    )
    assert checks[0].problems == ()


month = st.integers(1, 5)
row_strategy = st.tuples(month, st.integers(0, 120), st.integers(0, 100))


@settings(max_examples=200, deadline=None)
@given(
    filed=st.lists(row_strategy, max_size=3, unique_by=lambda r: r[0]),
    rows=st.lists(row_strategy, max_size=8),
)
def test_whatever_the_file_the_reports_accepted_never_go_backwards(filed, rows):
    """R5: over any existing monthly reports that hold the rule and any rows, the reports filed plus the rows
    accepted, in period order, never decrease and never exceed the investment."""
    filed = sorted(filed)
    # existing reports that hold the rule: non-decreasing, within the investment
    reports, cum, pct = [], 0, 0
    for sequence, (number, c, p) in enumerate(filed, start=1):
        cum, pct = min(max(cum, c), 100), max(pct, p)
        reports.append(FiledReport(period("month", 2026, number), D(cum), D(pct), "", sequence))
    project = project_with(*reports, investment="100.00")
    cells = [(f"2026年{number}月", str(c), str(p)) for number, c, p in rows]
    checks = check_report_rows(rows_of(*cells), PRESENT, projects={1: project}, today=TODAY)
    accepted = [(r.period.end, r.cumulative_investment, r.percent_complete) for r in reports]
    accepted += [
        (c.period.end, c.cumulative_investment, c.percent_complete)
        for c in checks
        if not c.problems and not c.unchanged
    ]
    accepted.sort()
    assert len({end for end, _c, _p in accepted}) == len(accepted)  # one report per period
    for (_e1, c1, p1), (_e2, c2, p2) in itertools.pairwise(accepted):
        assert c1 <= c2 and p1 <= p2
    assert all(c <= D("100.00") for _e, c, _p in accepted)
