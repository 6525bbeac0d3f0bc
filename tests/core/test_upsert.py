"""core.upsert writes plain tuples in one statement per table (issue 13, point 5): inserted or updated by a
unique key, the values exactly as given (COPY's escaping), all rows or none."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from assessment.models import Score
from assessment.services import ensure_round
from core.models import ImportBatch, ImportRow
from core.upsert import copy_rows, copy_text, upsert_rows
from towns.models import Town

from ..conftest import SHUANGYANG, town_in

pytestmark = pytest.mark.usefixtures("jilin")

SCORE_WRITE = {
    "columns": ("town_id", "indicator_id", "points"),
    "conflict": ("round_id", "town_id", "indicator_id"),
    "update": ("points", "updated_at"),
    "returning": ("town_id", "indicator_id", "id"),
}


def constants(assessment_round):
    from django.utils import timezone

    now = timezone.now()
    return {"round_id": assessment_round.pk, "created_at": now, "updated_at": now}


def test_rows_are_inserted_or_update_the_row_of_their_key_and_their_ids_come_back():
    assessment_round = ensure_round(2024)
    t01, t02 = assessment_round.system.indicators.order_by("code")[:2]
    town = town_in(SHUANGYANG, 0)
    existing = Score.objects.create(round=assessment_round, town=town, indicator=t01, points=Decimal("3"))
    written = upsert_rows(
        Score,
        rows=[(town.code, t01.pk, Decimal("4.50")), (town.code, t02.pk, Decimal("6"))],
        constants=constants(assessment_round),
        **SCORE_WRITE,
    )
    ids = {(town_code, indicator): pk for town_code, indicator, pk in written}
    assert ids[town.code, t01.pk] == existing.pk
    assert dict(Score.objects.values_list("indicator_id", "points")) == {
        t01.pk: Decimal("4.50"),
        t02.pk: Decimal("6"),
    }
    assert Score.objects.get(pk=ids[town.code, t02.pk]).round == assessment_round


def test_a_row_the_table_refuses_rolls_back_every_row_of_the_statement():
    assessment_round = ensure_round(2024)
    t01, t02 = assessment_round.system.indicators.order_by("code")[:2]
    town = town_in(SHUANGYANG, 0)
    with pytest.raises(IntegrityError), transaction.atomic():
        upsert_rows(
            Score,
            rows=[(town.code, t01.pk, Decimal("4")), (town.code, t02.pk, Decimal("-1"))],  # a negative score
            constants=constants(assessment_round),
            **SCORE_WRITE,
        )
    assert not Score.objects.exists()


def test_text_with_tabs_line_breaks_and_backslashes_arrives_as_written():
    town = town_in(SHUANGYANG, 0)
    name = "鹿乡\t镇\\n（新）\r\n第二行"
    columns = [field.attname for field in Town._meta.concrete_fields]
    row = tuple(name if column == "name" else getattr(town, column) for column in columns)
    upsert_rows(Town, columns=columns, rows=[row], conflict=("code",), update=("name",), returning=("code",))
    town.refresh_from_db()
    assert town.name == name
    assert copy_text(None) == "\\N" and copy_text("a\tb") == "a\\tb"


def test_copied_rows_keep_their_json_and_text(province_admin):
    batch = ImportBatch.objects.create(kind="assessment.scores", uploaded_by=province_admin, params={})
    changes = [{"field": "T01", "label": "T01 园区基础设施", "before": "", "after": "8.5"}]
    written = copy_rows(
        ImportRow,
        columns=("batch_id", "number", "status", "subject", "changes", "message"),
        rows=[
            (batch.pk, 2, "new", "鹿乡镇（220112102）", changes, ""),
            (batch.pk, 3, "error", "", [], "原因\t一"),
        ],
    )
    assert written == 2
    rows = list(ImportRow.objects.filter(batch=batch).order_by("number").values_list("changes", "message"))
    assert rows == [(changes, ""), ([], "原因\t一")]
