"""Issue 8, R5/R6 under edits, as pure functions (no database): the investment never goes below what is
allocated, the recommended bond type does not change under bond allocations, the approvals of a project being
built are not erased, 已完工 needs a 100% report or a reason, and a stale version is refused. Hypothesis
checks the invariants over any sequence of edits and allocations the rules accept."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funding.choices import BOND_KIND_OF_SOURCE, FundingSource
from funding.rules import allocation_refusal
from projects.rules import (
    BondAllocation,
    ProjectTerms,
    approval_erasure_refusal,
    bond_type_change_refusal,
    completion_refusal,
    edit_refusals,
    investment_refusal,
)

D = Decimal
GENERAL = ProjectTerms("approved", D("1200.00"), True, False, D("0"), D("0"))
BUILT = replace(
    GENERAL,
    status="under_construction",
    planning_approval_date=datetime.date(2025, 3, 1),
    planning_approval_doc_no="双规批〔2025〕3号",
    design_approval_date=datetime.date(2025, 4, 1),
    design_approval_doc_no="双设批〔2025〕7号",
)
BONDS = (BondAllocation(2026, "省级一般债券", D("600.00")), BondAllocation(2027, "省级一般债券", D("100.50")))


def test_the_investment_cannot_go_below_what_is_allocated():
    assert investment_refusal(D("700.50"), D("700.50")) is None  # exactly the allocated sum is fine
    assert investment_refusal(D("1200.00"), D("0")) is None
    assert investment_refusal(D("700.49"), D("700.50")) == (
        "总投资不能低于已安排给该项目的资金 700.50 万元（拟改为 700.49 万元）。"
    )


def test_a_bond_type_change_under_bond_allocations_is_refused_naming_them():
    assert bond_type_change_refusal("general", "general", BONDS) is None
    assert bond_type_change_refusal("general", "none", ()) is None  # no bond money: free to change
    assert bond_type_change_refusal("general", "special", BONDS) == (
        "该修改会使推荐债券类型由“一般债券”变为“专项债券”，但项目已安排债券资金：2026年省级一般债券 600.00 万元；"
        "2027年省级一般债券 100.50 万元。债券资金须与推荐债券类型一致，不能作此修改。"
    )


@pytest.mark.parametrize(
    "change",
    [
        {"public_welfare": False},  # → none
        {"annual_revenue": D("10")},  # public welfare with revenue, not a special field → none
        {"special_bond_field": True, "annual_revenue": D("90"), "annual_debt_service": D("80")},  # → special
    ],
)
def test_every_field_that_moves_the_bond_type_is_watched(change):
    (refusal,) = edit_refusals(GENERAL, replace(GENERAL, **change), D("700.50"), BONDS)
    assert refusal.startswith("该修改会使推荐债券类型由“一般债券”变为")
    assert "2026年省级一般债券 600.00 万元" in refusal


def test_a_change_that_keeps_the_bond_type_is_accepted():
    # without revenue a public-welfare project stays "general" whether or not it is in a special-bond field
    assert edit_refusals(GENERAL, replace(GENERAL, special_bond_field=True), D("700.50"), BONDS) == []
    special = replace(GENERAL, special_bond_field=True, annual_revenue=D("90"), annual_debt_service=D("80"))
    raised = replace(special, annual_revenue=D("95"), annual_debt_service=D("95"))
    assert edit_refusals(special, raised, D("0"), (BondAllocation(2026, "省级专项债券", D("1")),)) == []


def test_the_approvals_of_a_project_being_built_cannot_be_erased():
    for erased in (
        {"planning_approval_date": None},
        {"planning_approval_doc_no": "  "},
    ):
        assert approval_erasure_refusal("under_construction", BUILT, replace(BUILT, **erased)) == (
            "项目在建，规划批复（日期和文号）不能删除：有项目必规划、无设计不动工。"
        )
    both = replace(BUILT, planning_approval_doc_no="", design_approval_date=None)
    assert "规划批复和设计批复" in approval_erasure_refusal("completed", BUILT, both)
    assert approval_erasure_refusal("completed", BUILT, both).startswith("项目已完工")
    corrected = replace(
        BUILT, design_approval_doc_no="双设批〔2025〕8号", design_approval_date=datetime.date(2025, 4, 2)
    )
    assert approval_erasure_refusal("under_construction", BUILT, corrected) is None  # corrections are fine
    approved = replace(BUILT, status="approved")
    assert (
        approval_erasure_refusal("approved", approved, replace(approved, planning_approval_date=None)) is None
    )


def test_every_reason_is_given_at_once():
    lowered = replace(BUILT, investment=D("100.00"), public_welfare=False, design_approval_doc_no="")
    refusals = edit_refusals(BUILT, lowered, D("700.50"), BONDS)
    assert [refusal[:6] for refusal in refusals] == ["总投资不能低", "该修改会使推", "项目在建，设"]


def test_completion_needs_a_full_report_or_a_reason():
    assert completion_refusal(D("100.00"), "") is None
    assert completion_refusal(D("99.99"), "") == (
        "最近一期进度报送（）的形象进度为 99.99%：转为已完工须为 100%，或填写未达 100% 即完工的说明。"
    )
    assert "2026年5月" in completion_refusal(D("80.00"), "  ", "2026年5月")
    assert completion_refusal(D("80.00"), "剩余为绿化工程，已于 2026 年 6 月验收") is None
    assert completion_refusal(None, "") == (
        "项目尚未报送进度：转为已完工须最近一期进度报送的形象进度为 100%，或填写未达 100% 即完工的说明。"
    )
    assert completion_refusal(None, "竣工验收报告见附件") is None


# --- invariants over any accepted sequence (hypothesis) ----------------------------------------------------

money = st.decimals(min_value=0, max_value=3000, places=2, allow_nan=False, allow_infinity=False)
revenue = st.sampled_from([D("0"), D("50"), D("80"), D("120")])
edits = st.builds(
    lambda investment, welfare, special, rev, debt: (
        "edit",
        {
            "investment": investment,
            "public_welfare": welfare,
            "special_bond_field": special,
            "annual_revenue": rev,
            "annual_debt_service": debt,
        },
    ),
    money,
    st.booleans(),
    st.booleans(),
    revenue,
    revenue,
)
allocations = st.tuples(
    st.just("allocate"),
    st.tuples(st.sampled_from(FundingSource.values), money.map(lambda m: (m / 2).quantize(D("0.01")))),
)


@settings(max_examples=300, deadline=None)
@given(
    start=edits,
    quota=st.tuples(money, money),
    steps=st.lists(st.one_of(edits, allocations), max_size=25),
)
def test_allocated_never_exceeds_investment_and_bonds_always_match_the_bond_type(start, quota, steps):
    """Whatever a county edits and the province allocates, in any order, what the rules accept leaves every
    project with allocations ≤ investment, bond money only of its current recommended type, and each quota
    used no more than its amount (R5, R6)."""
    terms = replace(GENERAL, **start[1])
    quota_amount = {"general": quota[0], "special": quota[1]}
    made = []  # (source, amount) accepted so far

    def used(kind):
        return sum((amount for source, amount in made if BOND_KIND_OF_SOURCE.get(source) == kind), D("0"))

    for kind_of_step, value in steps:
        allocated = sum((amount for _source, amount in made), D("0"))
        if kind_of_step == "edit":
            after = replace(terms, **value)
            bonds = tuple(
                BondAllocation(2026, FundingSource(source).label, amount)
                for source, amount in made
                if source in BOND_KIND_OF_SOURCE
            )
            if not edit_refusals(terms, after, allocated, bonds):
                terms = after
        else:
            source, amount = value
            kind = BOND_KIND_OF_SOURCE.get(FundingSource(source))
            remaining = quota_amount[kind] - used(kind) if kind else None
            if (
                allocation_refusal(
                    source, amount, terms.bond_type, terms.investment - allocated, remaining, "approved"
                )
                is None
            ):
                made.append((source, amount))
        allocated = sum((amount for _source, amount in made), D("0"))
        assert allocated <= terms.investment
        assert all(
            BOND_KIND_OF_SOURCE[source] == terms.bond_type
            for source, _ in made
            if source in BOND_KIND_OF_SOURCE
        )
        assert used("general") <= quota_amount["general"] and used("special") <= quota_amount["special"]


@given(
    percent=st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=2)), note=st.text(max_size=5)
)
def test_completion_is_refused_exactly_when_neither_full_nor_explained(percent, note):
    refused = completion_refusal(percent, note) is not None
    assert refused == (percent != D("100") and not note.strip())
