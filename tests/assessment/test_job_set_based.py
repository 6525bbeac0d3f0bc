"""The yearly job at scale (issue 13, point 4): the same statements whatever the number of towns, and exactly
what the pure rules decide (R7–R9) written for random years: ties, vetoes, exemptions, incomplete sheets,
eliminations and substitutes."""

import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment import rules, selectors
from assessment.models import AssessmentRound, Elimination, Exemption, Notice, Result, Score, Veto
from assessment.services import compute_round, ensure_round, publish
from towns.models import Designation, Town

from .test_three_years import points_for


class RolledBack(Exception):
    """Leaves a generated year's rows behind in no test but its own."""


def designate_towns(count):
    """`count` Jilin towns designated since 2022: every fifth provincial, then city and county level."""
    towns = list(Town.objects.filter(kind="town").order_by("code")[:count])
    tiers = ["provincial", "city", "county", "county", "city"]
    Designation.objects.bulk_create(
        Designation(town=town, tier=tiers[number % 5], from_year=2022) for number, town in enumerate(towns)
    )
    return towns


def score_year(year, towns, total_of):
    assessment_round = ensure_round(year)
    AssessmentRound.objects.filter(pk=assessment_round.pk).update(top_count=2, bottom_count=2)
    indicators = {i.code: i for i in assessment_round.system.indicators.all()}
    Score.objects.bulk_create(
        Score(round=assessment_round, town=town, indicator=indicators[code], points=Decimal(points))
        for number, town in enumerate(towns)
        for code, points in points_for(total_of(number)).items()
    )
    return assessment_round


def queries_of_a_run(count):
    """The SQL of a second year's run over `count` designated towns, the first year published (two
    provincial towns at the bottom both years: eliminated, with substitutes)."""
    try:
        with transaction.atomic():
            towns = designate_towns(count)
            # Distinct totals from 50 to 95, in the same order both years.
            step = Decimal("45") / count
            total_of = lambda number: str((50 + number * step).quantize(Decimal("0.01")))  # noqa: E731
            score_year(2024, towns, total_of)
            compute_round(ensure_round(2024).pk)
            publish(None, year=2024, doc_prefix="吉示范镇办")
            assessment_round = score_year(2025, towns, total_of)
            with CaptureQueriesContext(connection) as captured:
                compute_round(assessment_round.pk)
            assert Elimination.objects.filter(round=assessment_round).exclude(substitute=None).count() == 2
            raise RolledBack
    except RolledBack:
        pass
    return [query["sql"] for query in captured.captured_queries]


def statement(sql):
    """A statement without its values (as the database log shows it): literals, savepoint names, arrays and
    IN lists of any length as placeholders."""
    sql = re.sub(r'"s\d+_x\d+"', "?", sql)
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b(\d+(\.\d+)?|true|false|NULL)\b", "?", sql)
    sql = re.sub(r"ARRAY\[[?, ]*\]", "ARRAY[…]", sql)
    return re.sub(r"\(\?(, \?)*\)", "(…)", sql)


@pytest.mark.django_db
def test_the_job_issues_the_same_statements_for_30_and_300_towns(jilin, require_services):
    queries_of_a_run(30)  # warm-up: the caches a worker keeps (content types, URLs) filled once
    small, large = queries_of_a_run(30), queries_of_a_run(300)
    assert len(small) == len(large)
    assert [statement(sql) for sql in small] == [statement(sql) for sql in large]


def written_outcome(assessment_round):
    """What the run wrote, in the shape of rules.YearOutcome: ranked towns per tier, lists, substitutions."""
    results = Result.objects.filter(round=assessment_round, status="proposed")
    ranked = sorted(
        (r.tier, r.town_id, r.score, r.rank, r.grade, r.vetoed, r.incomplete)
        for r in results.filter(assessed=True)
    )
    notices = {
        n.kind: sorted(r.town_id for r in n.results.all())
        for n in Notice.objects.filter(round=assessment_round)
    }
    return {
        "ranked": ranked,
        "unassessed": sorted(results.filter(assessed=False, exempt=False).values_list("town_id", flat=True)),
        "exempt": sorted(results.filter(exempt=True).values_list("town_id", flat=True)),
        "praised": notices["praise"],
        "criticised": notices["criticism"],
        "substitutions": sorted(
            Elimination.objects.filter(round=assessment_round).values_list(
                "town_id", "substitute_id", "substitute_tier", "substitute_score", "same_city"
            )
        ),
    }


def decided_outcome(outcome):
    incomplete = set(outcome.incomplete)
    return {
        "ranked": sorted(
            (r.tier, r.town_code, r.score, r.rank, r.grade, r.vetoed, r.town_code in incomplete)
            for towns in outcome.ranked.values()
            for r in towns
        ),
        "unassessed": sorted(outcome.unassessed),
        "exempt": sorted(outcome.exempt),
        "praised": sorted(r.town_code for r in outcome.praised),
        "criticised": sorted(r.town_code for r in outcome.criticised),
        "substitutions": sorted(
            (s.eliminated_code, s.substitute_code, s.substitute_tier or "", s.substitute_score, s.same_city)
            for s in outcome.substitutions
        ),
    }


TOWN = st.fixed_dictionaries(
    {
        "tier": st.sampled_from(["provincial", "provincial", "city", "county"]),
        # Few distinct levels: many ties; None: no score (未评, or 免评 when exempt).
        "levels": st.lists(st.sampled_from([None, "1", "0.9", "0.75", "0.5"]), min_size=2, max_size=2),
        "vetoed": st.booleans(),
        "exempt": st.booleans(),
        "partial": st.booleans(),
    }
)


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(towns=st.lists(TOWN, min_size=4, max_size=14), bottom=st.integers(1, 4), top=st.integers(1, 4))
def test_the_job_writes_what_the_pure_rules_decide(jilin, towns, bottom, top):
    """Two years of random towns, the first published: the second year's draft is, row for row, the outcome
    of rules.assess_year over the year's inputs."""
    try:
        with transaction.atomic():
            chosen = list(Town.objects.filter(kind="town").order_by("code")[: len(towns)])
            for town, spec in zip(chosen, towns, strict=True):
                Designation.objects.create(town=town, tier=spec["tier"], from_year=2022)
            for number, year in enumerate((2024, 2025)):
                assessment_round = ensure_round(year)
                AssessmentRound.objects.filter(pk=assessment_round.pk).update(
                    top_count=top, bottom_count=bottom
                )
                indicators = list(assessment_round.system.indicators.all())
                for town, spec in zip(chosen, towns, strict=True):
                    level = spec["levels"][number]
                    if level is None:
                        if spec["exempt"] or spec["tier"] == "provincial":
                            Exemption.objects.create(
                                round=assessment_round, town=town, reason="调整", doc_no="1号"
                            )
                        continue
                    scored = indicators[: len(indicators) // 2] if spec["partial"] and number else indicators
                    Score.objects.bulk_create(
                        Score(
                            round=assessment_round,
                            town=town,
                            indicator=i,
                            points=(i.max_points * Decimal(level)).quantize(Decimal("0.01")),
                        )
                        for i in scored
                    )
                    if spec["vetoed"] and number:
                        Veto.objects.create(round=assessment_round, town=town, reason="事故")
                if number == 0:
                    compute_round(assessment_round.pk)
                    publish(None, year=year, doc_prefix="吉示范镇办")
            assessment_round = AssessmentRound.objects.select_related("system").get(year=2025)
            expected = decided_outcome(rules.assess_year(selectors.year_inputs(assessment_round)))
            compute_round(assessment_round.pk)
            assert written_outcome(assessment_round) == expected
            raise RolledBack
    except RolledBack:
        pass
