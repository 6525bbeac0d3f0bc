"""Each list's page is read off an index in its order: PostgreSQL's plan for a page has no Sort of the list's
rows (issue 13, point 2). Thousands of rows and fresh statistics, as at national scale; no timing."""

import json

import pytest
from django.db import connection
from django.http import QueryDict

from funding import exports as funding_exports
from funding import selectors as funding_selectors
from projects import exports as project_exports
from projects import selectors as project_selectors
from towns import exports as town_exports
from towns import selectors as town_selectors

pytestmark = pytest.mark.django_db

ROWS = """
INSERT INTO towns_designation (created_at, updated_at, tier, from_year, to_year, began, ended, doc_no, end_doc_no,
                               dev_type, town_id)
SELECT now(), now(), 'county', 2000 + g, 2000 + g, 'selected', 'withdrawn', '', '', '', t.code
FROM towns_town t, generate_series(1, 4) g WHERE t.kind = 'town';
INSERT INTO projects_project (created_at, updated_at, name, public_welfare, special_bond_field, investment,
    annual_revenue, annual_debt_service, start_year, end_year, status, planning_approval_doc_no,
    design_approval_doc_no, completed_investment, percent_complete, last_reported_period, town_id, task_area_id,
    completion_note, version)
SELECT now(), now(), '项目' || g, false, false, 100, 0, 0, 2023, 2025, 'planned', '', '', 0, 0, '', t.code,
       'T0' || (1 + g % 3), '', 1
FROM towns_town t, generate_series(1, 8) g WHERE t.kind = 'town';
INSERT INTO projects_progressreport (created_at, updated_at, period_type, year, number, period_end,
    cumulative_investment, percent_complete, narrative, project_id)
SELECT now(), now(), 'month', 2024, n, make_date(2024, n, 28), n, n, '', p.id
FROM projects_project p, generate_series(1, 4) n;
INSERT INTO funding_allocation (created_at, updated_at, source, amount, year, note, project_id)
SELECT now(), now(), 'county_budget', 10, 2020 + p.id % 5, '', p.id FROM projects_project p;
INSERT INTO funding_debtquota (created_at, updated_at, year, general_amount, special_amount, region_id, version)
SELECT now(), now(), y, 100, 100, r.code, 1
FROM towns_region r, generate_series(1990, 2029) y WHERE r.level = 'county';
ANALYZE towns_town;
ANALYZE towns_designation;
ANALYZE projects_project;
ANALYZE projects_progressreport;
ANALYZE funding_allocation;
ANALYZE funding_debtquota;
"""


@pytest.fixture
def national_shaped_tables(jilin):
    with connection.cursor() as cursor:
        cursor.execute(ROWS)


def plan_nodes(queryset):
    """The nodes of PostgreSQL's plan that read the list's rows, depth first: a column's subquery (a SubPlan,
    run for each row of the page only) is left out."""
    plan = json.loads(queryset.explain(format="json"))[0]["Plan"]
    nodes, pending = [], [plan]
    while pending:
        node = pending.pop()
        nodes.append(node)
        pending.extend(
            child for child in node.get("Plans", []) if child.get("Parent Relationship") != "SubPlan"
        )
    return nodes


def sorts_in(queryset):
    return [node["Node Type"] for node in plan_nodes(queryset) if "Sort" in node["Node Type"]]


def page_lists(user):
    """Each list's rows as its page reads them (default order) and as the API does (Meta.ordering)."""
    query = QueryDict()
    return {
        "towns page": town_exports.filtered_towns(user, query)[1],
        "designations page": town_exports.filtered_designations(user, query)[1],
        "projects page": project_exports.filtered_projects(user, query)[1],
        "reports page": project_exports.filtered_reports(user, query)[1],
        "quotas page": funding_exports.filtered_quotas(user, query)[1],
        "allocations page": funding_exports.filtered_allocations(user, query)[1],
        "towns API": town_selectors.directory_towns(user).filter(kind="town"),
        "designations API": town_selectors.visible_designations(user),
        "projects API": project_selectors.visible_projects(user),
        "reports API": project_selectors.visible_reports(user),
        "quotas API": funding_selectors.quotas_with_usage(user),
        "allocations API": funding_selectors.visible_allocations(user),
    }


def test_every_lists_first_page_is_read_in_index_order(national_shaped_tables, province_viewer):
    plans = {name: sorts_in(rows[:100]) for name, rows in page_lists(province_viewer).items()}
    assert plans == {name: [] for name in plans}


def test_a_sort_by_a_computed_column_is_not_index_served_and_still_right(
    national_shaped_tables, province_viewer
):
    """The tier sort orders by the active designation's tier in display order: documented as a sort of the
    filtered rows (README), which the plan shows; this keeps the test above honest."""
    towns = town_exports.filtered_towns(province_viewer, QueryDict("sort=tier"))[1]
    assert sorts_in(towns[:100])
