"""The yearly job's outcome, kept as it was before the job became set-based (issue 13, point 4): the demo's
two published years (and their correction), the three-year scenario and generated years with ties, vetoes,
exemptions, incomplete sheets, eliminations and substitutes; every result, notice, elimination and the
job's audit entry compared with the golden file written by the row-by-row job.

The file is rewritten (never compared) with PORTAL_UPDATE_GOLDEN=1, after a change of outcome has been
reviewed."""

import json
import os
import random
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from assessment.models import AssessmentRound, Elimination, Notice, Result, Score
from assessment.selectors import designated_in_year
from assessment.services import (
    compute_round,
    ensure_round,
    publish,
    record_exemption,
    record_veto,
    save_scores,
)
from core.audit import Via, audit_context
from core.models import Job
from towns.models import Town
from towns.services import designate

from .test_three_years import points_for, towns_of

GOLDEN = Path(__file__).parent / "golden" / "yearly_job.json"


@pytest.fixture(autouse=True)
def system_writes():
    """The scenarios write as the system (user None); auditlog leaves the last request's actor in its context
    variable after the request, so an earlier test's user (rolled back since) must not be taken for theirs."""
    with audit_context(None, via=Via.COMMAND):
        yield


def outcome_snapshot():
    """Everything the runs wrote, keyed by what a reader sees (years, town codes), never by row ids."""
    years = dict(AssessmentRound.objects.values_list("pk", "year"))
    results = sorted(
        [
            years[r.round_id],
            r.status,
            r.town_id,
            r.tier,
            r.assessed,
            str(r.score),
            r.grade,
            r.rank,
            r.vetoed,
            r.incomplete,
            r.exempt,
        ]
        for r in Result.objects.all()
    )
    notices = sorted(
        [
            years[n.round_id],
            n.kind,
            n.status,
            n.doc_no or "",
            sorted([r.town_id, r.status, r.rank] for r in n.results.all()),
        ]
        for n in Notice.objects.prefetch_related("results")
    )
    eliminations = sorted(
        [
            years[e.round_id],
            e.status,
            e.town_id,
            e.substitute_id or "",
            e.substitute_tier,
            str(e.substitute_score),
            e.same_city,
        ]
        for e in Elimination.objects.all()
    )
    runs = [
        {name: value for name, value in job.result.items() if name != "message"} | {"state": job.state}
        for job in Job.objects.filter(kind="assessment.run").order_by("pk")
    ]
    return {
        "results": results,
        "notices": notices,
        "eliminations": eliminations,
        "runs": runs,
        "audit": job_change_sets(),
    }


def _normalised_changes(changes):
    """A row's changes without the ids a run gives its rows (they differ between databases and runs)."""
    out = {}
    for name, values in sorted(changes.items()):
        if name in {"id", "round", "publication", "superseded_by"}:
            continue
        out[name] = values
    return out


def job_change_sets():
    """The change-set entries the runs wrote on their rounds, rows in a stable order."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(AssessmentRound),
        additional_data__via="job",
        additional_data__has_key="change_set",
    ).order_by("pk")
    snapshots = []
    for entry in entries:
        change_set = entry.additional_data["change_set"]
        rows = sorted(
            json.dumps(
                [row["model"], row["action"], row["repr"], _normalised_changes(row["changes"])],
                ensure_ascii=False,
                sort_keys=True,
            )
            for row in change_set["rows"]
        )
        head = {key: change_set[key] for key in ("label", "count", "summary")}
        snapshots.append({"head": head, "rows": rows})
    return snapshots


def compare_with_golden(name, snapshot):
    snapshot = json.loads(json.dumps(snapshot, ensure_ascii=False))
    golden = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    if os.environ.get("PORTAL_UPDATE_GOLDEN") == "1":
        golden[name] = snapshot
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(_one_item_a_line(golden))
        return
    assert name in golden, f"the golden file has no scenario {name}"
    expected = golden[name]
    for part in ("results", "notices", "eliminations", "runs"):
        assert snapshot[part] == expected[part], part
    assert len(snapshot["audit"]) == len(expected["audit"])
    for got, wanted in zip(snapshot["audit"], expected["audit"], strict=True):
        assert got["head"] == wanted["head"]
        assert got["rows"] == wanted["rows"]


def _one_item_a_line(golden, parts=("results", "notices", "eliminations", "runs")):
    """The golden file with one result, notice, elimination or audit row a line (reviewable diffs)."""

    def dumped(value):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def listed(items, indent):
        inner = ",\n".join(" " * indent + dumped(item) for item in items)
        return "[\n" + inner + "\n" + " " * (indent - 1) + "]" if items else "[]"

    scenarios = []
    for name, snapshot in sorted(golden.items()):
        listed_parts = [f'  "{part}": {listed(snapshot[part], 3)}' for part in parts]
        entries = []
        for entry in snapshot["audit"]:
            entries.append(f'   {{"head": {dumped(entry["head"])},\n    "rows": {listed(entry["rows"], 5)}}}')
        listed_parts.append('  "audit": [\n' + ",\n".join(entries) + "\n  ]")
        scenarios.append(f" {dumped(name)}: {{\n" + ",\n".join(listed_parts) + "\n }")
    return "{\n" + ",\n".join(scenarios) + "\n}\n"


def run(year):
    assessment_round = ensure_round(year)
    compute_round(assessment_round.pk)


@pytest.mark.django_db
def test_the_demos_two_years_and_correction_keep_their_outcome(jilin):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (closed with the process)
    compare_with_golden("demo", outcome_snapshot())


def three_tier_scenario():
    """Six provincial towns (two cities), two city-level and two county-level ones, designated in 2022, with
    the provincial towns' totals: the scenario of eliminations and substitutes both golden files replay."""
    provincial = towns_of("2201", 3) + towns_of("2202", 3)
    for town in provincial:
        designate(town, "provincial", 2022)
    city_level, county_level = towns_of("2201", 2, start=3), towns_of("2202", 2, start=3)
    for town in city_level:
        designate(town, "city", 2022)
    for town in county_level:
        designate(town, "county", 2022)
    scores = dict(zip(provincial, ["95", "91", "85", "70", "62", "55"], strict=True))
    return provincial, city_level, county_level, scores


@pytest.mark.django_db
def test_three_years_with_eliminations_and_substitutes_keep_their_outcome(jilin, province_admin):
    provincial, city_level, county_level, scores = three_tier_scenario()
    for year in (2024, 2025):
        AssessmentRound.objects.filter(pk=ensure_round(year).pk).update(bottom_count=2, top_count=2)
        for town, total in scores.items():
            save_scores(province_admin, year=year, town=town, points_by_code=points_for(total))
        for town, total in zip(city_level + county_level, ["93", "93", "93", "88"], strict=True):
            save_scores(province_admin, year=year, town=town, points_by_code=points_for(total))
        run(year)
        run(year)  # a second run replaces the draft
        publish(province_admin, year=year, doc_prefix="吉示范镇办")
    for town in [*provincial[:4], county_level[0], city_level[0]]:
        total = "50" if town in (county_level[0], city_level[0]) else "90"
        save_scores(province_admin, year=2026, town=town, points_by_code=points_for(total))
    AssessmentRound.objects.filter(pk=ensure_round(2026).pk).update(bottom_count=2)
    run(2026)
    compare_with_golden("three_years", outcome_snapshot())


LEVELS = [Decimal("1"), Decimal("0.95"), Decimal("0.9"), Decimal("0.8"), Decimal("0.6"), Decimal("0.5")]


def generate_year(rng, year, indicators, usual_level):
    """Scores for one year: coarse totals (many ties) around each town's usual level, so that some towns
    stay at the bottom two years running; a few vetoes, exemptions, unscored and incomplete towns; every
    unscored provincial town exempted so that the year can be published."""
    assessment_round = ensure_round(year)
    AssessmentRound.objects.filter(pk=assessment_round.pk).update(
        top_count=rng.randint(1, 4), bottom_count=rng.randint(1, 5)
    )
    by_code = {i.code: i for i in assessment_round.system.indicators.all()}
    held = designated_in_year(year)
    towns = Town.objects.in_bulk(list(held))
    designated = [(towns[code], tier) for code, (tier, _city) in sorted(held.items())]
    rows = []
    for town, tier in designated:
        fate = rng.random()
        if fate < 0.08:
            if tier == "provincial" or rng.random() < 0.5:
                record_exemption(None, year=year, town=town, reason="行政区划调整", doc_no=f"吉〔{year}〕1号")
            continue
        if fate < 0.12 and tier != "provincial":
            continue  # 未评
        codes = list(indicators)
        if fate < 0.18:
            codes = rng.sample(codes, rng.randint(1, len(codes) - 1))  # 评分不完整
        level = usual_level[town.code] if rng.random() < 0.7 else rng.choice(LEVELS)
        for code in codes:
            maximum = by_code[code].max_points
            points = (maximum * level).quantize(Decimal("1") if rng.random() < 0.7 else Decimal("0.01"))
            rows.append(Score(round=assessment_round, town=town, indicator=by_code[code], points=points))
        if rng.random() < 0.05:
            record_veto(
                None, year=year, town=town, reason="安全生产事故", doc_no=f"吉安〔{year}〕{town.code}号"
            )
    Score.objects.bulk_create(rows)
    return assessment_round


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_generated_years_keep_their_outcome(jilin, seed):
    rng = random.Random(seed)
    towns = list(Town.objects.filter(kind="town").order_by("code"))
    chosen = rng.sample(towns, 70)
    for town in chosen:
        tier = rng.choices(["provincial", "city", "county"], weights=[5, 3, 3])[0]
        designate(town, tier, rng.choice([2021, 2022, 2023]))
    indicators = [code for code, _points in points_for("100").items()]
    usual_level = {town.code: rng.choice(LEVELS) for town in towns}
    for year in (2024, 2025):
        generate_year(rng, year, indicators, usual_level)
        run(year)
        publish(None, year=year, doc_prefix="吉示范镇办")
    generate_year(rng, 2026, indicators, usual_level)
    run(2026)
    run(2026)
    compare_with_golden(f"generated_{seed}", outcome_snapshot())
