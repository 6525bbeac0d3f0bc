"""R6 as pure functions: allocation checks and the priority order of proposals (no database)."""

from decimal import Decimal

import pytest

from funding.rules import ProjectFacts, allocation_refusal, priority_key, propose_allocation

D = Decimal


@pytest.mark.parametrize(
    ("source", "amount", "bond_type", "unfunded", "remaining", "status", "message"),
    [
        (
            "provincial_general_bond",
            D("100"),
            "general",
            D("100"),
            D("100"),
            "approved",
            None,
        ),  # exactly the last
        ("provincial_general_bond", D("100.01"), "general", D("500"), D("100"), "approved", "剩余限额 100"),
        (
            "provincial_general_bond",
            D("100.01"),
            "general",
            D("100"),
            D("500"),
            "approved",
            "尚未落实的资金 100",
        ),
        ("provincial_special_bond", D("10"), "general", D("100"), D("100"), "approved", "不能安排专项债券"),
        ("provincial_general_bond", D("10"), "none", D("100"), D("100"), "approved", "不能安排一般债券"),
        ("provincial_general_bond", D("10"), "general", D("100"), None, "approved", "尚未下达"),
        ("county_budget", D("10"), "none", D("100"), None, "planned", None),  # not a bond: no quota, any type
        ("county_budget", D("0"), "none", D("100"), None, "planned", "应大于 0"),
        ("county_budget", D("10"), "none", D("100"), None, "cancelled", "已终止"),
        ("lottery", D("10"), "none", D("100"), None, "planned", "未知的资金来源"),
    ],
)
def test_allocation_refusals(source, amount, bond_type, unfunded, remaining, status, message):
    refusal = allocation_refusal(source, amount, bond_type, unfunded, remaining, status)
    assert refusal is None if message is None else message in refusal


def project(
    id,
    provincial=False,
    welfare=True,
    key=False,
    status="approved",
    approvals=False,
    bond="general",
    unfunded="100",
    start=2026,
):
    return ProjectFacts(
        id, f"项目{id}", provincial, welfare, key, status, approvals, bond, D(unfunded), start
    )


def test_priority_provincial_public_welfare_then_key_support_then_readiness():
    ordered = sorted(
        [
            project(1, status="under_construction", approvals=True),
            project(2, provincial=True, status="planned"),
            project(3, provincial=True, key=True, status="planned"),
            project(4, status="planned"),
            project(5, status="approved", approvals=True),
            project(6, provincial=True, welfare=False, bond="none"),
        ],
        key=priority_key,
    )
    # 6 (approved, not public-welfare) is readier than 4 (planned): readiness decides after the first two.
    assert [p.id for p in ordered] == [3, 2, 1, 5, 6, 4]


def test_proposal_shares_out_each_kind_in_order_and_skips_what_cannot_take_bonds():
    lines = propose_allocation(
        [
            project(1, provincial=True, unfunded="700"),
            project(2, unfunded="500"),
            project(3, bond="special", unfunded="300"),
            project(4, bond="none", unfunded="900"),
            project(5, status="cancelled", unfunded="900"),
            project(6, unfunded="0"),
        ],
        {"general": D("1000"), "special": D("200")},
    )
    assert [(line.project_id, line.source, line.amount) for line in lines] == [
        (1, "provincial_general_bond", D("700")),
        (2, "provincial_general_bond", D("300")),
        (3, "provincial_special_bond", D("200")),
    ]
    assert lines[0].reason == "省级示范镇公益性项目优先安排"


def test_no_quota_no_lines():
    assert propose_allocation([project(1)], {"general": D("0"), "special": D("0")}) == []
