"""R5 as pure functions: key support, bond type, money, status guard, periods, progress (no database)."""

import datetime
from decimal import Decimal

import pytest

from core.money import parse_money
from projects.rules import (
    ReportFigures,
    is_key_provincial_support,
    period,
    period_of,
    progress_refusal,
    recommended_bond_type,
    status_change_refusal,
)

D = Decimal


@pytest.mark.parametrize(
    ("provincial", "public_welfare", "investment", "expected"),
    [
        (True, True, D("500.00"), False),  # exactly 500.00 is not over 500
        (True, True, D("500.01"), True),
        (True, False, D("9000.00"), False),
        (False, True, D("9000.00"), False),
        (True, True, None, False),
    ],
)
def test_key_provincial_support_boundary(provincial, public_welfare, investment, expected):
    assert is_key_provincial_support(provincial, public_welfare, investment) is expected


@pytest.mark.parametrize(
    ("public_welfare", "special_field", "revenue", "debt_service", "expected"),
    [
        (True, False, D("0"), D("0"), "general"),  # public-welfare without revenue
        (True, True, D("0"), D("10"), "general"),  # no revenue wins over the special field
        (True, True, D("80"), D("80"), "special"),  # revenue covers principal and interest exactly
        (True, True, D("120"), D("80"), "special"),
        (True, True, D("79.99"), D("80"), "none"),  # revenue short of debt service
        (True, False, D("80"), D("10"), "none"),  # revenue, but not a special-bond field
        (False, True, D("0"), D("0"), "none"),  # not public-welfare
        (False, True, D("100"), D("10"), "none"),
    ],
)
def test_every_bond_type_branch(public_welfare, special_field, revenue, debt_service, expected):
    assert recommended_bond_type(public_welfare, special_field, revenue, debt_service) == expected


@pytest.mark.parametrize(
    ("value", "amount", "message"),
    [
        ("1200", D("1200.00"), None),
        ("1,200.5", D("1200.50"), None),
        (D("0.01"), D("0.01"), None),
        ("10000000.00", D("10000000.00"), None),
        ("10000000.01", None, "超过 10,000,000 万元"),
        ("-0.01", None, "不能为负数"),
        ("abc", None, "不是有效的金额"),
        ("NaN", None, "不是有效的金额"),
        ("1.005", None, "最多保留两位小数"),
        ("", None, "请填写"),
        (None, None, "请填写"),
    ],
)
def test_money_in_wan_yuan(value, amount, message):
    parsed, problem = parse_money(value, "总投资")
    assert parsed == amount
    assert (problem is None) if message is None else (message in problem)


def test_status_flow_and_the_approval_guard():
    assert status_change_refusal("planned", "approved", False, False) is None
    assert "不能从“储备”变为“在建”" in status_change_refusal("planned", "under_construction", True, True)
    assert "尚未登记规划批复和设计批复" in status_change_refusal(
        "approved", "under_construction", False, False
    )
    assert "尚未登记设计批复" in status_change_refusal("approved", "under_construction", True, False)
    assert "尚未登记规划批复（" in status_change_refusal("approved", "under_construction", False, True)
    assert status_change_refusal("approved", "under_construction", True, True) is None
    assert status_change_refusal("under_construction", "completed", True, True) is None
    assert status_change_refusal("under_construction", "cancelled", True, True) is None
    assert "不能从“已完工”" in status_change_refusal("completed", "cancelled", True, True)
    assert "已是" in status_change_refusal("planned", "planned", False, False)
    assert "未知" in status_change_refusal("planned", "paused", False, False)


def test_periods():
    assert period("month", 2026, 2).end == datetime.date(2026, 2, 28)
    assert period("quarter", 2026, 4).end == datetime.date(2026, 12, 31)
    assert period("quarter", 2026, 1).label == "2026年第1季度"
    assert period_of(datetime.date(2026, 11, 29), "month").key == "2026-11"
    assert period_of(datetime.date(2026, 11, 29), "quarter").key == "2026-Q4"
    for bad in (("week", 2026, 1), ("month", 2026, 13), ("quarter", 2026, 5), ("month", 1999, 1)):
        with pytest.raises(ValueError):
            period(*bad)


def figures(cumulative, percent):
    return ReportFigures(datetime.date(2026, 1, 31), D(cumulative), D(percent))


def test_progress_never_goes_backwards_nor_beyond_the_investment():
    assert progress_refusal(D("1000"), D("1000"), D("100")) is None
    assert "超过项目总投资" in progress_refusal(D("1000"), D("1000.01"), D("100"))
    assert "0–100%" in progress_refusal(D("1000"), D("10"), D("100.01"))
    assert "不能少于上一期" in progress_refusal(D("1000"), D("99.99"), D("50"), earlier=figures("100", "10"))
    assert "形象进度不能低于上一期" in progress_refusal(
        D("1000"), D("100"), D("9"), earlier=figures("100", "10")
    )
    assert (
        progress_refusal(D("1000"), D("100"), D("10"), earlier=figures("100", "10")) is None
    )  # unchanged is fine
    assert "不能多于之后一期" in progress_refusal(D("1000"), D("300.01"), D("20"), later=figures("300", "30"))
    assert "尚未开始" in progress_refusal(
        D("1000"), D("1"), D("1"), today=datetime.date(2026, 11, 29), period_end=datetime.date(2026, 12, 31)
    )


@pytest.mark.parametrize(
    ("value", "expected", "message"),
    [
        ("35", D("35.00"), None),
        ("100%", D("100.00"), None),
        ("100.01", None, "0–100%"),
        ("-1", None, "0–100%"),
        ("x", None, "不是有效的百分比"),
        ("1.005", None, "两位小数"),
    ],
)
def test_percent_complete(value, expected, message):
    from projects.rules import parse_percent

    parsed, problem = parse_percent(value)
    assert parsed == expected
    assert (problem is None) if message is None else (message in problem)
