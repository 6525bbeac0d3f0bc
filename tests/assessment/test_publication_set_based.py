"""Publication at national scale (issue 13): the same statements for 30 and 300 towns, eliminations and
substitutes included, and the year's results written and audited in bulk."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from assessment.models import AssessmentRound, Elimination, Result
from assessment.services import compute_round, ensure_round, publish, reopen
from towns.models import Designation

from .test_job_set_based import RolledBack, designate_towns, score_year, statement


def total_of(number):
    """The first 30 towns spread from 50 to 93.5, every other town between 60 and 75: whatever the number of
    towns, the same towns top and bottom their tiers, so the notices list (and tell) the same regions."""
    if number < 30:
        return str(Decimal(50) + number * Decimal("1.5"))
    return str((Decimal(60) + (number - 30) * Decimal(15) / 270).quantize(Decimal("0.01")))


def queries_of_a_publication(count):
    """The SQL of publishing a second year over `count` designated towns, the first year published (two
    provincial towns at the bottom both years: eliminated, their substitutes promoted), and what it wrote."""
    try:
        with transaction.atomic():
            towns = designate_towns(count)
            score_year(2024, towns, total_of)
            compute_round(ensure_round(2024).pk)
            publish(None, year=2024, doc_prefix="吉示范镇办")
            assessment_round = score_year(2025, towns, total_of)
            compute_round(assessment_round.pk)
            with CaptureQueriesContext(connection) as captured:
                publish(None, year=2025, doc_prefix="吉示范镇办")
            written = {
                "published": Result.objects.filter(round=assessment_round, status="published").count(),
                "eliminated": Designation.objects.filter(ended="eliminated", to_year=2025).count(),
                "promoted": Designation.objects.filter(began="substitute", from_year=2025).count(),
                "eliminations": Elimination.objects.filter(
                    round=assessment_round, status="published"
                ).count(),
                "audited": publication_entry(assessment_round)["count"],
            }
            raise RolledBack
    except RolledBack:
        pass
    return [query["sql"] for query in captured.captured_queries], written


def publication_entry(assessment_round):
    """The change set the publication wrote on its round (the last entry that is not the job's)."""
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(AssessmentRound),
            object_pk=str(assessment_round.pk),
            additional_data__has_key="change_set",
        )
        .exclude(additional_data__via="job")
        .latest("pk")
    )
    return entry.additional_data["change_set"]


@pytest.mark.django_db
def test_publication_issues_the_same_statements_for_30_and_300_towns(jilin, require_services):
    queries_of_a_publication(30)  # warm-up: the caches a worker keeps (content types, URLs) filled once
    (small, small_written), (large, large_written) = (
        queries_of_a_publication(30),
        queries_of_a_publication(300),
    )
    assert [statement(sql) for sql in small] == [statement(sql) for sql in large]
    assert len(small) == len(large)
    for written, count in ((small_written, 30), (large_written, 300)):
        assert written["published"] == count
        assert written["eliminated"] == written["promoted"] == written["eliminations"] == 2
        # Every draft result and elimination of the year is published: each is one row of the one entry.
        assert written["audited"] == count + 2


@pytest.mark.django_db
def test_a_correction_records_each_replaced_result_with_its_town_and_score(jilin, province_admin):
    towns = designate_towns(30)
    score_year(2024, towns, lambda number: str(50 + number))
    compute_round(ensure_round(2024).pk)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    reopen(province_admin, year=2024, reason="得分录入有误")
    compute_round(ensure_round(2024).pk)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")

    rows = publication_entry(AssessmentRound.objects.get(year=2024))["rows"]
    first = towns[0]
    removed = [r for r in rows if r["action"] == LogEntry.Action.DELETE and r["repr"].startswith(first.name)]
    assert [r["repr"] for r in removed] == [f"{first.name} 2024年度 50 分"]
    assert removed[0]["changes"]["town"] == [first.code, None]
    assert removed[0]["changes"]["status"] == ["published", None]
    published = [
        r for r in rows if r["action"] == LogEntry.Action.UPDATE and r["model"] == "assessment.result"
    ]
    assert len(published) == 30
    assert {tuple(r["changes"]["status"]) for r in published} == {("proposed", "published")}
    assert f"{first.name} 2024年度 50 分" in {r["repr"] for r in published}
