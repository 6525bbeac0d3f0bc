"""core.bulk.insert_rows (issue 13, point 4): rows from plain tuples in one statement whatever their number,
every value arriving as it was given (quotes, backslashes, braces, commas, NULL, booleans, decimals)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk import insert_rows
from towns.models import Region

FIELDS = ("code", "name", "initials", "level", "parent")  # every column without a database default
AWKWARD_NAMES = ['引号"里', "反斜杠\\尾", "{花括号}", "逗号,分隔", "NULL", "  前后空格 ", "", "t"]


@pytest.mark.django_db
def test_rows_arrive_as_given_whatever_their_characters(jilin):
    rows = [(f"99{number:04d}", name, "", "county", "22") for number, name in enumerate(AWKWARD_NAMES)]
    assert insert_rows(Region, FIELDS, rows) == len(rows)
    stored = Region.objects.filter(code__startswith="99").order_by("code")
    assert list(stored.values_list("code", "name", "initials", "level", "parent_id")) == rows


@pytest.mark.django_db
def test_nulls_booleans_and_decimals_keep_their_types(jilin):
    from assessment.models import Elimination
    from assessment.services import ensure_round
    from towns.models import Town

    assessment_round = ensure_round(2024)
    towns = list(Town.objects.filter(kind="town").order_by("code").values_list("code", flat=True)[:2])
    rows = [
        (assessment_round.pk, towns[0], None, "", None, False, "proposed"),
        (assessment_round.pk, towns[1], towns[0], "city", Decimal("93.25"), True, "proposed"),
    ]
    fields = ("round", "town", "substitute", "substitute_tier", "substitute_score", "same_city", "status")
    insert_rows(Elimination, fields, rows)
    stored = Elimination.objects.filter(round=assessment_round).order_by("town_id")
    assert list(stored.values_list("round_id", "town_id", "substitute_id", *fields[3:])) == rows


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement is PostgreSQL's unnest")
def test_one_statement_for_any_number_of_rows(jilin):
    for count in (3, 3000):
        rows = [(f"9{count % 10}{number:04d}", f"区{number}", "", "county", "22") for number in range(count)]
        with CaptureQueriesContext(connection) as captured:
            insert_rows(Region, FIELDS, rows)
        assert len(captured) == 1
    assert Region.objects.filter(code__startswith="90").count() == 3000


@pytest.mark.django_db
def test_no_rows_issue_no_statement(jilin):
    with CaptureQueriesContext(connection) as captured:
        assert insert_rows(Region, FIELDS, []) == 0
    assert len(captured) == 0
