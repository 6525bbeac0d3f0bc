"""Projects through their services: creation, computed flags in SQL, status guard, progress reports."""

from decimal import Decimal

import pytest

from core.errors import DomainError
from projects.models import Project
from projects.selectors import visible_projects
from projects.services import change_status, submit_report, update_project

from ..conftest import JIAOHE, town_in


def flags(project):
    row = visible_projects(None).get(pk=project.pk)
    return row.key_support, row.bond_type


def test_created_project_has_its_flags_computed(make_project):
    project = make_project()
    assert flags(project) == (True, "general")
    assert flags(make_project(investment="500.00")) == (False, "general")
    assert flags(make_project(investment="500.01")) == (True, "general")
    special = make_project(special_bond_field=True, annual_revenue="80.00", annual_debt_service="80.00")
    assert flags(special) == (True, "special")
    assert flags(make_project(public_welfare=False)) == (False, "none")


def test_other_county_and_non_demonstration_towns_are_refused(make_project, county_official, jilin):
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        make_project(town=town_in(JIAOHE))
    with pytest.raises(DomainError, match="不是示范镇"):
        make_project(town=town_in("220112", 1))
    assert Project.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("investment", "-1", "不能为负数"),
        ("investment", "abc", "不是有效的金额"),
        ("investment", "10000000.01", "超过 10,000,000 万元"),
        ("annual_revenue", "1.005", "最多保留两位小数"),
        ("task_area", "T16", "T01–T15"),
    ],
)
def test_bad_money_and_codes_are_refused(make_project, field, value, message):
    with pytest.raises(DomainError, match=message):
        make_project(**{field: value})
    assert Project.objects.count() == 0


def test_under_construction_needs_both_approvals(make_project, county_official):
    project = make_project()
    change_status(county_official, project=project, status="approved")
    with pytest.raises(DomainError, match="尚未登记规划批复和设计批复"):
        change_status(county_official, project=project, status="under_construction")
    update_project(
        county_official,
        project=project,
        data={"planning_approval_date": "2025-03-01", "planning_approval_doc_no": "双规批〔2025〕3号"},
    )
    with pytest.raises(DomainError, match="尚未登记设计批复"):
        change_status(county_official, project=project, status="under_construction")
    update_project(
        county_official,
        project=project,
        data={"design_approval_date": "2025-04-01", "design_approval_doc_no": "双设批〔2025〕7号"},
    )
    assert (
        change_status(county_official, project=project, status="under_construction").status
        == "under_construction"
    )


def test_progress_is_monotone_and_the_project_follows_its_latest_report(make_project, county_official):
    project = make_project()
    change_status(county_official, project=project, status="approved")
    submit_report(
        county_official,
        project=project,
        period_type="month",
        year=2026,
        number=3,
        cumulative_investment="100.00",
        percent_complete="10",
        narrative="开工准备",
    )
    submit_report(
        county_official,
        project=project,
        period_type="month",
        year=2026,
        number=5,
        cumulative_investment="300.00",
        percent_complete="25",
    )
    with pytest.raises(DomainError, match=r"不能少于上一期报送的 300\.00 万元"):
        submit_report(
            county_official,
            project=project,
            period_type="month",
            year=2026,
            number=6,
            cumulative_investment="299.99",
            percent_complete="30",
        )
    with pytest.raises(DomainError, match="超过项目总投资"):
        submit_report(
            county_official,
            project=project,
            period_type="month",
            year=2026,
            number=6,
            cumulative_investment="1200.01",
            percent_complete="30",
        )
    with pytest.raises(DomainError, match=r"不能多于之后一期已报送的 300\.00 万元"):
        submit_report(
            county_official,
            project=project,
            period_type="month",
            year=2026,
            number=4,
            cumulative_investment="300.01",
            percent_complete="20",
        )
    with pytest.raises(DomainError, match="已报送过进度"):
        submit_report(
            county_official,
            project=project,
            period_type="month",
            year=2026,
            number=5,
            cumulative_investment="300.00",
            percent_complete="25",
        )
    submit_report(
        county_official,
        project=project,
        period_type="month",
        year=2026,
        number=4,
        cumulative_investment="200.00",
        percent_complete="20",
    )
    project.refresh_from_db()
    assert (project.completed_investment, project.percent_complete, project.last_reported_period) == (
        Decimal("300.00"),
        Decimal("25.00"),
        "2026-05",
    )
