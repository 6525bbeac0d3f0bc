"""A score import writes every score in one statement (issue 13, point 5) and keeps what the per-town writes
gave: the same rows, the same one audit entry (each changed score as auditlog records a saved Score), all
rows or none, and the same number of queries for 10 rows as for 200."""

from decimal import Decimal

import pytest
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment.models import Score
from assessment.services import ensure_round, import_scores, save_scores
from core.audit import ChangeSet
from core.import_batches import import_now
from towns.models import Town

from ..conftest import SHUANGYANG, town_in
from .page_helpers import designate_all

pytestmark = pytest.mark.usefixtures("jilin")


def csv_of(rows):
    lines = ["镇区划代码,指标代码,得分", *(f"{town.code},{code},{points}" for town, code, points in rows)]
    return ("\n".join(lines) + "\n").encode()


def last_change_set():
    return LogEntry.objects.filter(additional_data__has_key="change_set").latest("pk")


def as_recorded(diff):
    """auditlog's diff as the entry stores it (JSON: lists, not tuples)."""
    return {name: list(values) for name, values in (diff or {}).items()}


@pytest.fixture
def two_towns(jilin):
    first, second = town_in(SHUANGYANG, 0), town_in(SHUANGYANG, 1)
    designate_all([first, second], "county")
    ensure_round(2024)
    return first, second


def test_creates_updates_and_unchanged_rows_are_written_and_audited_as_the_per_town_writes_were(
    two_towns, province_admin, city_official
):
    first, second = two_towns
    save_scores(city_official, year=2024, town=first, points_by_code={"T01": "5", "T02": "7"})
    corrected = Score.objects.get(town=first, indicator__code="T01")
    kept = Score.objects.get(town=first, indicator__code="T02")
    kept_before = (kept.points, kept.entered_by_id, kept.updated_at)
    entries_before = LogEntry.objects.count()

    import_scores(
        "得分.csv",
        csv_of([(first, "T01", "8.5"), (first, "T02", "7"), (first, "T03", "1.5"), (second, "T01", "9")]),
        2024,
        actor=province_admin,
    )

    assert LogEntry.objects.count() == entries_before + 1  # one entry for the whole import
    scores = {
        (score.town_id, score.indicator.code): score
        for score in Score.objects.select_related("indicator", "town")
    }
    assert {key: score.points for key, score in scores.items()} == {
        (first.code, "T01"): Decimal("8.50"),
        (first.code, "T02"): Decimal("7.00"),
        (first.code, "T03"): Decimal("1.50"),
        (second.code, "T01"): Decimal("9.00"),
    }
    assert scores[first.code, "T01"].pk == corrected.pk  # corrected in place, not replaced
    assert scores[first.code, "T01"].entered_by == province_admin
    unchanged = scores[first.code, "T02"]
    assert (unchanged.points, unchanged.entered_by_id, unchanged.updated_at) == kept_before  # not written

    entry = last_change_set()
    assert entry.actor == province_admin and entry.additional_data["via"] == "import"
    rows = entry.additional_data["change_set"]["rows"]
    assert entry.additional_data["change_set"]["count"] == 3
    expected = [
        {
            "model": "assessment.score",
            "pk": str(corrected.pk),
            "repr": str(scores[first.code, "T01"]),
            "action": LogEntry.Action.UPDATE,
            "changes": {
                "points": ["5.00", "8.50"],
                "entered_by": [str(city_official.pk), str(province_admin.pk)],
            },
        },
        *(
            {
                "model": "assessment.score",
                "pk": str(scores[key].pk),
                "repr": str(scores[key]),
                "action": LogEntry.Action.CREATE,
                # exactly what auditlog records when a Score is created through the ORM
                "changes": as_recorded(model_instance_diff(None, Score.objects.get(pk=scores[key].pk))),
            }
            for key in ((first.code, "T03"), (second.code, "T01"))
        ),
    ]
    assert rows == expected


def test_a_command_import_records_no_person_on_the_scores_or_the_entry(two_towns):
    first, _second = two_towns
    import_scores("得分.csv", csv_of([(first, "T01", "3")]), 2024, actor=None, via="command")
    score = Score.objects.get()
    assert score.entered_by is None
    entry = last_change_set()
    assert entry.actor is None and entry.additional_data["via"] == "command"
    [row] = entry.additional_data["change_set"]["rows"]
    assert row["changes"] == as_recorded(model_instance_diff(None, score))


def test_a_failure_in_the_middle_of_the_write_leaves_no_score_and_no_entry(
    two_towns, province_admin, monkeypatch
):
    first, second = two_towns
    save_scores(province_admin, year=2024, town=first, points_by_code={"T01": "5"})
    before = (list(Score.objects.values_list("pk", "points")), LogEntry.objects.count())

    def broken(self, *args, **kwargs):
        raise RuntimeError("the audit write failed after the scores were written")

    monkeypatch.setattr(ChangeSet, "add_row", broken)
    with pytest.raises(RuntimeError):
        import_scores(
            "得分.csv", csv_of([(first, "T01", "9"), (second, "T02", "4")]), 2024, actor=province_admin
        )
    assert (list(Score.objects.values_list("pk", "points")), LogEntry.objects.count()) == before


def designated_towns(count):
    towns = list(Town.objects.filter(kind="town").order_by("code")[:count])
    designate_all(towns, "county")
    return towns


def test_the_import_issues_the_same_queries_for_10_rows_as_for_200(jilin):
    towns = designated_towns(14)
    ensure_round(2024)
    ensure_round(2023)
    codes = [f"T{number:02d}" for number in range(1, 16)]
    small = [(towns[0], code, "1") for code in codes[:10]]
    large = [(town, code, "2") for town in towns for code in codes][:200]

    def queries(year, rows):
        with CaptureQueriesContext(connection) as captured:
            import_now(
                None, kind="assessment.scores", file_name="得分.csv", data=csv_of(rows), params={"year": year}
            )
        return len(captured.captured_queries)

    assert queries(2023, small) == queries(2024, large)
    assert Score.objects.filter(round__year=2024).count() == 200
