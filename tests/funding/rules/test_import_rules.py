"""R6 for spreadsheet rows, as pure functions (no database): the quota rows as set_quota checks them, the
allocation rows as allocate() and revise_allocation() check them, in the file's order with what the rows above
took."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funding.rules import (
    AllocatableProject,
    QuotaBalance,
    QuotaRegion,
    RecordedAllocation,
    RecordedQuota,
    check_allocation_rows,
    check_quota_rows,
    parse_source,
    revision_refusal,
)

D = Decimal
LABELS = {"general": "一般债券限额", "special": "专项债券限额"}
GENERAL = "provincial_general_bond"
SPECIAL = "provincial_special_bond"


@dataclass(frozen=True)
class Row:
    number: int
    values: dict


def rows(*values, first=4):
    return [Row(number, dict(row)) for number, row in enumerate(values, start=first)]


# --- quotas ---

REGIONS = {
    "220112": QuotaRegion("220112", "双阳区", "county"),
    "2201": QuotaRegion("2201", "长春市", "city"),
    "22": QuotaRegion("22", "吉林省", "province"),
}
RECORDED = {("220112", 2026): RecordedQuota(1, D("1000"), D("800"), D("600"), D("0"), 3)}


def quota_row(region, year, general="", special=""):
    return {"region": region, "year": str(year), "general_amount": general, "special_amount": special}


def test_quota_rows_are_new_changed_or_unchanged():
    decisions = check_quota_rows(
        rows(
            quota_row("220112", 2026, "1000", "800.00"),
            quota_row("220112", 2027, "300", "0"),
            quota_row("2201", 2026, "1,200.50", "100"),
        )
        + rows(quota_row("220112", 2026, "", "900"), first=10),
        REGIONS,
        RECORDED,
        LABELS,
    )
    assert [(d.number, d.status) for d in decisions] == [
        (4, "unchanged"),
        (5, "new"),
        (6, "new"),
        (10, "error"),
    ]
    assert decisions[2].subject == "长春市（市本级）（2201） 2026 年" and decisions[2].general == D("1200.50")
    assert "与第 4 行是同一地区、同一年度的限额" in decisions[3].message

    (changed,) = check_quota_rows(rows(quota_row("220112", 2026, "", "900")), REGIONS, RECORDED, LABELS)
    assert changed.status == "changed" and changed.subject == "双阳区（220112） 2026 年"
    assert (changed.general, changed.special, changed.before.version) == (
        D("1000"),
        D("900"),
        3,
    )  # blank keeps


def test_a_quota_row_lists_every_problem():
    (decision,) = check_quota_rows(rows(quota_row("220112", 2026, "599.99", "-1")), REGIONS, RECORDED, LABELS)
    assert decision.status == "error"
    assert decision.message == "已安排一般债券 600.00 万元，限额不能低于该数；专项债券限额不能为负数。"
    (decision,) = check_quota_rows(
        rows(quota_row("999999", "二〇二六", "1.001", "x")), REGIONS, RECORDED, LABELS
    )
    assert decision.message.split("；") == [
        "区划代码 999999 不存在",
        "年度“二〇二六”无效（年度应为 2000–2100 之间的四位年份）",
        "一般债券限额最多保留两位小数（单位：万元）",
        "专项债券限额“x”不是有效的金额。",
    ]
    (province, new_blank) = check_quota_rows(
        rows(quota_row("22", 2026, "1", "1"), quota_row("220112", 2030, "5", "")), REGIONS, RECORDED, LABELS
    )
    assert province.message == "新增债务限额按市（州）或县（市、区）下达，吉林省（22）不是。"
    assert new_blank.message == "请填写专项债券限额（新下达的限额两项都要填写）。"


# --- allocations ---


def project(pid=1, *, unfunded="1000", bond_type="general", status="approved", allowed=True, region="220112"):
    return AllocatableProject(
        id=pid,
        name=f"项目{pid}",
        town_name="鹿乡镇",
        status=status,
        bond_type=bond_type,
        unfunded=D(unfunded),
        quota_region=region,
        city_quota=False,
        allowed=allowed,
    )


QUOTAS = [QuotaBalance(7, "220112", 2026, D("500"), D("200"))]


def allocation_row(project_id=1, source="省级一般债券", amount="100", year=2026, note=None, id=""):
    values = {"project": str(project_id), "source": source, "amount": amount, "year": str(year), "id": id}
    if note is not None:
        values["note"] = note
    return values


def check(values, projects=None, recorded=(), quotas=QUOTAS, existing=()):
    projects = projects or {1: project()}
    return check_allocation_rows(
        rows(*values), projects, {a.id: a for a in recorded}, quotas, list(existing) or list(recorded)
    )


def test_allocation_rows_count_what_the_rows_above_took():
    decisions = check(
        [
            allocation_row(amount="300"),
            allocation_row(amount="300"),
            allocation_row(amount="200", note="第二批"),
        ]
    )
    assert [d.status for d in decisions] == ["new", "error", "new"]
    assert decisions[1].message == "安排金额 300.00 万元超过当年新增一般债券剩余限额 200.00 万元。"
    assert decisions[0].subject == "鹿乡镇“项目1”（项目编号 1） 省级一般债券 2026 年"
    unfunded = check(
        [
            allocation_row(source="county_budget", amount="900"),
            allocation_row(source="社会资本", amount="200"),
        ]
    )
    assert unfunded[1].message == "安排金额 200.00 万元超过项目尚未落实的资金 100.00 万元。"


def test_an_allocation_row_lists_every_problem_and_refuses_what_allocate_refuses():
    (decision,) = check(
        [allocation_row(project_id="x", source="国债", amount="0", year=1999, note="长" * 201)]
    )
    assert decision.message.split("；") == [
        "年度“1999”无效（年度应为 2000–2100 之间的四位年份）",
        "项目编号“x”无效",
        "未知的资金来源“国债”，应为：省级一般债券、省级专项债券、市级财政资金、县级财政资金、社会资本、"
        "政策性银行贷款（国开行、农发行）、商业银行贷款、其他",
        "安排金额应大于 0",
        "备注超过 200 个字符。",
    ]
    (hidden,) = check([allocation_row(project_id=2)])
    assert hidden.message == "项目编号 2 不存在。"
    (foreign,) = check([allocation_row()], projects={1: project(allowed=False)})
    assert foreign.message == "只有省级管理员或项目所在市（州）的工作人员可以安排资金。"
    (special,) = check([allocation_row(source=SPECIAL)])
    assert special.message == "该项目的推荐债券类型为“一般债券”，不能安排专项债券。"
    (cancelled,) = check([allocation_row()], projects={1: project(status="cancelled")})
    assert cancelled.message == "项目已终止，不能再安排资金。"
    (no_quota,) = check([allocation_row(year=2027)])
    assert no_quota.message == "该县（市、区）当年尚未下达新增一般债券限额。"


def recorded(aid=5, amount="300", source=GENERAL, note="首批", year=2026, project_id=1, quota_id=7):
    return RecordedAllocation(aid, project_id, source, year, D(amount), note, quota_id)


def test_a_row_naming_a_recorded_allocation_changes_its_amount_and_note_only():
    quotas = [QuotaBalance(7, "220112", 2026, D("200"), D("200"))]  # 300 of 500 taken by #5
    (same,) = check(
        [allocation_row(amount="300.00", note="首批", id="5")], recorded=[recorded()], quotas=quotas
    )
    assert same.status == "unchanged" and same.subject.startswith("安排编号 5 鹿乡镇")
    (no_note_column,) = check([allocation_row(amount="300", id="5")], recorded=[recorded()], quotas=quotas)
    assert no_note_column.status == "unchanged" and no_note_column.note == "首批"
    raised, freed = check(
        [allocation_row(amount="450", note="", id="5"), allocation_row(amount="50")],
        recorded=[recorded()],
        quotas=quotas,
    )
    assert raised.status == "changed" and (raised.amount, raised.note) == (D("450"), "")
    assert freed.status == "new"
    (too_much,) = check([allocation_row(amount="500.01", id="5")], recorded=[recorded()], quotas=quotas)
    assert too_much.message == (
        "金额由 300.00 万元调为 500.01 万元（调增 200.01 万元）："
        "安排金额 200.01 万元超过当年新增一般债券剩余限额 200.00 万元。"
    )
    lowered, then = check(
        [allocation_row(amount="100", id="5"), allocation_row(amount="400")],
        recorded=[recorded()],
        quotas=quotas,
    )
    assert (lowered.status, then.status) == ("changed", "new")  # a reduction gives back to the quota
    (moved,) = check(
        [allocation_row(source="县级财政资金", year=2025, id="5")], recorded=[recorded()], quotas=quotas
    )
    assert moved.message == (
        "安排编号 5 的资金来源（原为省级一般债券）、年度（原为 2026 年）不能修改：导入只能修改已有资金安排的金额和"
        "备注，另作安排请清空安排编号。"
    )
    unknown, twice_a, twice_b = check(
        [allocation_row(id="6"), allocation_row(id="5", amount="300"), allocation_row(id="5", amount="300")],
        recorded=[recorded()],
        quotas=quotas,
    )
    assert unknown.message == "安排编号 6 不存在。"
    assert twice_a.status == "unchanged" and twice_b.message == "与第 5 行是同一笔资金安排（安排编号 5）。"


def test_a_row_identical_to_a_recorded_allocation_is_not_allocated_twice():
    quotas = [QuotaBalance(7, "220112", 2026, D("200"), D("200"))]
    again, second = check(
        [allocation_row(amount="300", note="首批"), allocation_row(amount="300", note="首批")],
        recorded=[recorded()],
        quotas=quotas,
    )
    assert (
        again.status == "unchanged" and again.message == "与已记录的资金安排（安排编号 5）相同，不重复安排。"
    )
    assert second.status == "error"  # a second one would be new, and 300 is above the 200 left
    named, twin = check(
        [allocation_row(amount="300", note="首批", id="5"), allocation_row(amount="100", note="首批")],
        recorded=[recorded(amount="100")],
        quotas=[QuotaBalance(7, "220112", 2026, D("500"), D("0"))],
    )
    assert named.status == "changed" and twin.status == "new"  # #5 is named by id: the other row is another


@pytest.mark.parametrize(
    ("before", "after", "unfunded", "remaining", "status", "refused"),
    [
        ("300", "200", "0", "0", "cancelled", None),  # a reduction gives back, whatever the project's state
        ("300", "0", "0", "0", "approved", "安排金额应大于 0。"),
        ("300", "400", "100", "100", "approved", None),
        ("300", "400.01", "100", "500", "approved", "超过项目尚未落实的资金 100.00 万元"),
        ("300", "301", "100", "100", "cancelled", "项目已终止"),
    ],
)
def test_revision_refusal(before, after, unfunded, remaining, status, refused):
    message = revision_refusal(GENERAL, D(before), D(after), "general", D(unfunded), D(remaining), status)
    assert (message is None) if refused is None else (refused in message)


def test_sources_read_as_values_or_labels():
    assert parse_source("省级专项债券") == SPECIAL and parse_source(" PROVINCIAL_GENERAL_BOND ") == GENERAL
    assert parse_source("政策性银行贷款（国开行、农发行）") == "policy_bank"
    assert parse_source("国债") is None and parse_source("") is None


amounts = st.decimals(min_value=D("0.01"), max_value=D("400"), places=2)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(
        st.tuples(st.sampled_from([1, 2]), st.sampled_from([GENERAL, "county_budget"]), amounts), max_size=12
    ),
    unfunded=st.tuples(amounts, amounts),
    remaining=amounts,
)
def test_accepted_rows_never_exceed_the_quota_nor_the_projects_investment(lines, unfunded, remaining):
    projects = {1: project(1, unfunded=unfunded[0]), 2: project(2, unfunded=unfunded[1])}
    quotas = [QuotaBalance(7, "220112", 2026, remaining, D("0"))]
    values = [allocation_row(pid, source, str(amount)) for pid, source, amount in lines]
    decisions = check(values, projects=projects, quotas=quotas)
    taken = [d for d in decisions if d.status == "new"]
    for pid in (1, 2):
        assert sum((d.amount for d in taken if d.project_id == pid), D("0")) <= projects[pid].unfunded
    assert sum((d.amount for d in taken if d.source == GENERAL), D("0")) <= remaining
    # A row is refused only when it would not fit what the rows above it left.
    left = {1: projects[1].unfunded, 2: projects[2].unfunded, "quota": remaining}
    for decision, (pid, source, amount) in zip(decisions, lines, strict=True):
        fits = amount <= left[pid] and (source != GENERAL or amount <= left["quota"])
        assert (decision.status == "new") == fits
        if fits:
            left[pid] -= amount
            if source == GENERAL:
                left["quota"] -= amount
