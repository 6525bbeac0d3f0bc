"""The SQL annotations (lists, filters) and the pure rules (R5) give the same answers on every branch."""

from decimal import Decimal

from projects.models import Project
from projects.rules import is_key_provincial_support, recommended_bond_type
from towns.services import designate

from ..conftest import SHUANGYANG, town_in

CASES = [
    # public_welfare, special_bond_field, investment, revenue, debt service
    (True, False, "500.00", "0", "0"),
    (True, False, "500.01", "0", "0"),
    (True, True, "800.00", "0", "10"),
    (True, True, "800.00", "80", "80"),
    (True, True, "800.00", "79.99", "80"),
    (True, False, "800.00", "80", "10"),
    (False, True, "800.00", "0", "0"),
    (False, False, "9000.00", "100", "10"),
]


def test_sql_flags_equal_the_rules_for_provincial_and_other_towns(make_project, county_official):
    city_town = town_in(SHUANGYANG, 1)
    designate(city_town, "city", 2023)
    created = []
    for town in (None, city_town):
        for welfare, special, investment, revenue, debt in CASES:
            created.append(
                make_project(
                    town=town,
                    public_welfare=welfare,
                    special_bond_field=special,
                    investment=investment,
                    annual_revenue=revenue,
                    annual_debt_service=debt,
                )
            )
    rows = Project.objects.with_flags().in_bulk([p.pk for p in created])
    seen = set()
    for project in created:
        row = rows[project.pk]
        expected_key = is_key_provincial_support(
            row.town_tier == "provincial", project.public_welfare, project.investment
        )
        expected_bond = recommended_bond_type(
            project.public_welfare,
            project.special_bond_field,
            project.annual_revenue,
            project.annual_debt_service,
        )
        assert (row.key_support, row.bond_type) == (expected_key, expected_bond), project.__dict__
        seen.add((row.key_support, row.bond_type))
    assert seen == {
        (False, "general"),
        (True, "general"),
        (True, "special"),
        (False, "special"),
        (True, "none"),
        (False, "none"),
    }
    assert (
        Decimal(rows[created[0].pk].investment) == Decimal("500.00") and not rows[created[0].pk].key_support
    )
