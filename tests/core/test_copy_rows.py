"""core.upsert.copy_rows (issue 13, points 4 and 5): rows from plain tuples in the same statements whatever
their number, every value arriving as it was given (quotes, backslashes, braces, commas, the text NULL,
booleans, decimals, NULL)."""

from decimal import Decimal

import psycopg2
import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from core.upsert import copy_rows
from towns.models import Region

COLUMNS = ("code", "name", "initials", "level", "parent_id")  # every column without a database default
AWKWARD_NAMES = [
    '引号"里',
    "反斜杠\\尾",
    "{花括号}",
    "逗号,分隔",
    "NULL",
    "\\N",
    "  前后空格 ",
    "",
    "t",
    "制表\t符",
]


@pytest.mark.django_db
def test_rows_arrive_as_given_whatever_their_characters(jilin):
    rows = [(f"99{number:04d}", name, "", "county", "22") for number, name in enumerate(AWKWARD_NAMES)]
    assert copy_rows(Region, columns=COLUMNS, rows=rows) == len(rows)
    stored = Region.objects.filter(code__startswith="99").order_by("code")
    assert list(stored.values_list(*COLUMNS)) == rows


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
    columns = (
        "round_id",
        "town_id",
        "substitute_id",
        "substitute_tier",
        "substitute_score",
        "same_city",
        "status",
    )
    copy_rows(Elimination, columns=columns, rows=rows)
    stored = Elimination.objects.filter(round=assessment_round).order_by("town_id")
    assert list(stored.values_list(*columns)) == rows


@pytest.mark.django_db
def test_the_same_statements_for_any_number_of_rows(jilin):
    statements = []
    for count in (3, 3000):
        rows = [(f"9{count % 10}{number:04d}", f"区{number}", "", "county", "22") for number in range(count)]
        with CaptureQueriesContext(connection) as captured:
            copy_rows(Region, columns=COLUMNS, rows=rows)
        statements.append([query["sql"] for query in captured.captured_queries])
    assert Region.objects.filter(code__startswith="90").count() == 3000
    if connection.vendor == "postgresql":
        assert len(statements[0]) == len(statements[1])
        assert sum("COPY" in sql for sql in statements[1]) == 1


@pytest.mark.django_db
def test_a_row_the_table_refuses_writes_none_of_them(jilin):
    rows = [("990001", "甲", "", "county", "22"), ("990001", "乙", "", "county", "22")]  # the same code twice
    # COPY's error is psycopg2's own (Django wraps only execute()); bulk_create's is Django's.
    with pytest.raises((IntegrityError, psycopg2.IntegrityError)):
        copy_rows(Region, columns=COLUMNS, rows=rows)
    assert not Region.objects.filter(code="990001").exists()
