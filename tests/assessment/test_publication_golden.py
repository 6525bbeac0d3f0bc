"""Publication's outcome, kept as it was before it became set-based (issue 13): the demo's two published years
and their correction, the three-year scenario and generated years with eliminations and substitutes; every
result, notice, elimination, designation, publication change and 约谈, and the audit entries a publication
writes (its change set on the round, the designations' own entries), compared with the golden file written
by the row-by-row publication.

The file is rewritten (never compared) with PORTAL_UPDATE_GOLDEN=1, after a change of outcome has been
reviewed."""

import json
import os
import random
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from assessment.models import AssessmentRound, Notice, Publication, PublicationChange, TalkFollowUp
from assessment.selectors import designated_in_year
from assessment.services import ensure_round, publish, save_scores
from towns.models import Designation, Town
from towns.services import designate

from .test_job_golden import (
    LEVELS,
    _one_item_a_line,
    generate_year,
    outcome_snapshot,
    run,
    system_writes,  # noqa: F401 (an autouse fixture of this module too)
    three_tier_scenario,
)
from .test_three_years import points_for

GOLDEN = Path(__file__).parent / "golden" / "publication.json"

# Fields whose values are ids a run gives its rows, or the time it runs at: they differ between runs.
UNSTABLE = {
    "id",
    "round",
    "publication",
    "superseded_by",
    "designation",
    "published_by",
    "created_at",
    "updated_at",
    "published_at",
    "job",
    "date",
    "signed_on",
    "printed_on",
    "due_on",
}


def _stable(changes):
    return {name: values for name, values in sorted(changes.items()) if name not in UNSTABLE}


def publication_change_sets():
    """The change-set entries publications wrote on their rounds (not the job's), rows in a stable order."""
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(AssessmentRound),
            additional_data__has_key="change_set",
        )
        .exclude(additional_data__via="job")
        .order_by("pk")
    )
    snapshots = []
    for entry in entries:
        change_set = entry.additional_data["change_set"]
        rows = sorted(
            json.dumps(
                [row["model"], row["action"], row["repr"], _stable(row["changes"])],
                ensure_ascii=False,
                sort_keys=True,
            )
            for row in change_set["rows"]
        )
        head = {key: change_set[key] for key in ("label", "count", "summary")}
        snapshots.append({"head": head, "rows": rows})
    return snapshots


def own_entries():
    """The audit entries of the rows a publication writes one by one (designations, notices, publications
    and their changes, 约谈), in order."""
    models = (Designation, Notice, Publication, PublicationChange, TalkFollowUp)
    entries = LogEntry.objects.filter(
        content_type__in=ContentType.objects.get_for_models(*models).values()
    ).order_by("pk")
    return [
        {
            "head": {"model": entry.content_type.model, "action": entry.action, "repr": entry.object_repr},
            "rows": [json.dumps(_stable(entry.changes or {}), ensure_ascii=False, sort_keys=True)],
        }
        for entry in entries
    ]


def publication_snapshot():
    snapshot = outcome_snapshot()
    snapshot.pop("runs")
    snapshot["designations"] = sorted(
        [d.town_id, d.tier, d.from_year, d.to_year, d.began, d.ended, d.doc_no, d.end_doc_no]
        for d in Designation.objects.all()
    )
    snapshot["changes"] = sorted(
        [c.publication.number, c.town_id, c.effect, c.cause, c.doc_no, c.designation.tier]
        for c in PublicationChange.objects.select_related("publication", "designation")
    )
    snapshot["talks"] = sorted(
        [t.round.year, t.town_id, t.status, t.note] for t in TalkFollowUp.objects.select_related("round")
    )
    snapshot["audit"] = publication_change_sets() + own_entries()
    return snapshot


PARTS = ("results", "notices", "eliminations", "designations", "changes", "talks")


def compare_with_golden(name, snapshot):
    snapshot = json.loads(json.dumps(snapshot, ensure_ascii=False, default=str))
    golden = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    if os.environ.get("PORTAL_UPDATE_GOLDEN") == "1":
        golden[name] = snapshot
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(_one_item_a_line(golden, parts=PARTS))
        return
    assert name in golden, f"the golden file has no scenario {name}"
    expected = golden[name]
    for part in PARTS:
        assert snapshot[part] == expected[part], part
    assert len(snapshot["audit"]) == len(expected["audit"])
    for got, wanted in zip(snapshot["audit"], expected["audit"], strict=True):
        assert got["head"] == wanted["head"]
        assert got["rows"] == wanted["rows"]


@pytest.mark.django_db
def test_the_demos_publications_and_correction_keep_their_outcome(jilin):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (closed with the process)
    compare_with_golden("demo", publication_snapshot())


@pytest.mark.django_db
def test_three_published_years_with_eliminations_and_substitutes_keep_their_outcome(jilin, province_admin):
    _, city_level, county_level, scores = three_tier_scenario()
    for year in (2024, 2025, 2026):
        AssessmentRound.objects.filter(pk=ensure_round(year).pk).update(bottom_count=2, top_count=2)
        held = designated_in_year(year)  # an eliminated town is no longer scored, its substitute is
        totals = [*scores.items(), *zip(city_level + county_level, ["93", "93", "93", "88"], strict=True)]
        for town, total in totals:
            if town.code in held:
                save_scores(province_admin, year=year, town=town, points_by_code=points_for(total))
        run(year)
        publish(province_admin, year=year, doc_prefix="吉示范镇办")
    compare_with_golden("three_years", publication_snapshot())


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_published_years_keep_their_outcome(jilin, seed):
    rng = random.Random(seed)
    towns = list(Town.objects.filter(kind="town").order_by("code"))
    chosen = rng.sample(towns, 70)
    for town in chosen:
        tier = rng.choices(["provincial", "city", "county"], weights=[5, 3, 3])[0]
        designate(town, tier, rng.choice([2021, 2022, 2023]))
    indicators = [code for code, _points in points_for("100").items()]
    usual_level = {town.code: rng.choice(LEVELS) for town in towns}
    for year in (2024, 2025, 2026):
        generate_year(rng, year, indicators, usual_level)
        run(year)
        publish(None, year=year, doc_prefix="吉示范镇办")
    compare_with_golden(f"generated_{seed}", publication_snapshot())
