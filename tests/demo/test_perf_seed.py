"""perf_seed (issue 13 point 1): the benchmark's workload, written with COPY on PostgreSQL. PostgreSQL only:
skipped on a bare machine, failing under CI (PORTAL_REQUIRE_SERVICES=1); the SQLite refusal runs anywhere."""

import random
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F, Sum

from accounts.models import User
from assessment.models import AssessmentRound, Indicator, Result, Score, Veto
from assessment.services import compute_round
from core.audit_chain import verify
from demo.perf.seed import PERF_PASSWORD, PERF_USERS, SEEDED_MODELS
from funding.models import Allocation, DebtQuota
from funding.rules import quota_region_code
from projects.models import ProgressReport, Project
from projects.rules import approval_recorded
from selection.models import Submission, SubmissionDocument, SubmissionEvent
from selection.rules import tier_blocks
from tests.conftest import REQUIRE_SERVICES
from towns.choices import Tier
from towns.models import Designation, Region, Town

# A g2k cut short at this many 镇 (the hidden --limit-towns): the same shape, in a few seconds.
SMALL = 120


@pytest.fixture
def postgres(jilin):
    if connection.vendor != "postgresql":
        message = f"perf_seed needs PostgreSQL, the database is {connection.vendor}"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)


def perf_seed(*args):
    out = StringIO()
    call_command("perf_seed", *args, stdout=out)
    return out.getvalue()


def small_seed(seed=42, *extra):
    return perf_seed("--scale", "g2k", "--flush", "--limit-towns", str(SMALL), "--seed", str(seed), *extra)


def checksums():
    """An md5 of every row of a few seeded tables, in key order."""
    sums = {}
    with connection.cursor() as cursor:
        for model in (Town, Designation, Score, Project, ProgressReport, Allocation, Submission):
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(f'SELECT md5(string_agg(t::text, \'|\' ORDER BY t."{pk}")) FROM "{table}" t')
            sums[table] = cursor.fetchone()[0]
    return sums


def test_refuses_sqlite_in_chinese(jilin, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="perf_seed 需要 PostgreSQL"):
        perf_seed("--scale", "g2k")


def test_refuses_a_number_of_years_out_of_range(jilin):
    with pytest.raises(CommandError, match="--years 应在 1–26 之间"):
        perf_seed("--scale", "g2k", "--years", "0", "--flush")
    assert Town.objects.exists()  # nothing was flushed


def test_refuses_a_database_that_holds_towns_unless_flushed(postgres):
    towns = Town.objects.count()
    with pytest.raises(CommandError, match="--flush"):
        perf_seed("--scale", "g2k")
    assert Town.objects.count() == towns  # the Jilin geography is left as it was
    assert not Designation.objects.exists()


def foreign_keys():
    """The foreign-key constraints of the seeded tables: name and definition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'"
            " AND conrelid = ANY(%s::regclass[]) ORDER BY conname",
            [[model._meta.db_table for model in SEEDED_MODELS]],
        )
        return cursor.fetchall()


def test_g2k_end_to_end(postgres):
    constraints = foreign_keys()
    output = perf_seed("--scale", "g2k", "--flush")
    assert "完成：规模 g2k，种子 42，评价年度 2024、2025" in output
    assert "评价得分（assessment_score）" in output
    assert f"  assessment_score  {Score.objects.count():,}" in output

    towns = Town.objects.filter(kind="town")
    # One 10.7th of the country's 21,379 镇, taken as whole counties with all their township-level units.
    assert 1_990 <= towns.count() <= 2_100
    assert Town.objects.exclude(kind="town").exists()
    assert set(Town.objects.values_list("county_id", flat=True)) == set(
        Region.objects.filter(level="county").values_list("code", flat=True)
    )
    assert Region.objects.filter(level="province").count() > 1  # many provinces, not one

    # Every 镇 designated once, 5% provincial and 10% city-level.
    assert Designation.objects.count() == towns.count() == Designation.objects.active().count()
    tiers = Counter(Designation.objects.values_list("tier", flat=True))
    assert tiers[Tier.PROVINCIAL] == round(towns.count() * 0.05)
    assert tiers[Tier.CITY] == round(towns.count() * 0.10)
    assert not Designation.objects.exclude(town__kind="town").exists()

    # A score for every designated town × indicator × year, within 0 … the maximum.
    assert Score.objects.count() == towns.count() * 15 * 2
    assert Indicator.objects.count() == 30
    assert not Score.objects.filter(points__gt=F("indicator__max_points")).exists()
    assert not Score.objects.filter(points__lt=0).exists()
    assert list(AssessmentRound.objects.order_by("year").values_list("year", "state")) == [
        (2024, "open"),
        (2025, "open"),
    ]
    assert Veto.objects.filter(round__year=2025).exists()

    # Realistic proportions: ~3 projects a town, reports for about half of them, allocations, quotas.
    projects = Project.objects.count()
    assert 2.5 * towns.count() <= projects <= 3.5 * towns.count()
    assert set(Project.objects.values_list("status", flat=True)) == {
        "planned",
        "approved",
        "under_construction",
        "completed",
        "cancelled",
    }
    assert ProgressReport.objects.count() > projects
    assert Allocation.objects.filter(quota__isnull=False).exists()
    assert Allocation.objects.filter(quota__isnull=True).exists()
    assert DebtQuota.objects.count() > 0
    assert Submission.objects.count() > 0

    # The seed writes no audit entry and the chain still verifies; only the benchmark's logins exist.
    assert not LogEntry.objects.exists()
    assert verify().ok
    assert sorted(User.objects.values_list("username", flat=True)) == sorted(u for u, *_ in PERF_USERS)

    # The foreign keys, set aside for the load, are back as they were (deferrable, as Django declares them).
    assert foreign_keys() == constraints and len(constraints) > 20
    assert all("DEFERRABLE INITIALLY DEFERRED" in definition for _name, definition in constraints)

    # The sequences were moved past the copied ids: the portal inserts after the seed.
    project = Project.objects.order_by("pk").last()
    copy = Project.objects.create(
        town=project.town,
        task_area=project.task_area,
        name="新建项目",
        investment=Decimal("100.00"),
        start_year=2025,
        end_year=2025,
    )
    assert copy.pk == project.pk + 1


def test_every_row_is_valid_for_the_models_and_the_rules(postgres):
    small_seed()
    # The database's constraints held at COPY (and the deferred foreign keys will at commit); the models'
    # own validation (validators, clean) on a sample of every table.
    sample = random.Random(7)
    for model in SEEDED_MODELS:
        rows = list(model.objects.all())
        assert rows, model
        # A seeded workflow step records the role that took it, not a person (one login per role here).
        unchecked = ["actor"] if model is SubmissionEvent else []
        for instance in sample.sample(rows, min(len(rows), 40)):
            instance.full_clean(exclude=unchecked)
    # R5: a project under construction or completed has both approvals; reports never exceed the investment
    # and never go backwards; a completed project's last report is 100%, or it says why.
    for project in Project.objects.filter(status__in=["under_construction", "completed"]):
        assert approval_recorded(project.planning_approval_date, project.planning_approval_doc_no)
        assert approval_recorded(project.design_approval_date, project.design_approval_doc_no)
        reports = list(project.reports.order_by("period_end"))
        assert reports
        figures = [(r.cumulative_investment, r.percent_complete) for r in reports]
        assert figures == sorted(figures)
        assert reports[-1].cumulative_investment <= project.investment
        assert (project.completed_investment, project.percent_complete) == figures[-1]
        if project.status == "completed":
            assert reports[-1].percent_complete == 100 or project.completion_note
    # R6: never more than a project's investment; a bond within the quota it draws on, of the project's kind.
    for project in Project.objects.with_flags().annotate(allocated=Sum("allocations__amount")):
        assert (project.allocated or 0) <= project.investment
    drawn = defaultdict(Decimal)
    for allocation in Allocation.objects.filter(quota__isnull=False).select_related("quota", "project__town"):
        project = Project.objects.with_flags().get(pk=allocation.project_id)
        kind = "general" if allocation.source == "provincial_general_bond" else "special"
        assert project.bond_type == kind
        town = allocation.project.town
        assert allocation.quota.region_id == quota_region_code(
            project.town_tier, town.county_id, town.city_id
        )
        assert allocation.quota.year == allocation.year
        drawn[(allocation.quota_id, kind)] += allocation.amount
    for (quota_id, kind), amount in drawn.items():
        assert amount <= DebtQuota.objects.get(pk=quota_id).amount_for(kind)
    # R3: a candidate for a tier above its active one; a submitted one has both documents.
    for submission in Submission.objects.select_related("town"):
        active = submission.town.active_designation()
        assert not tier_blocks(active.tier if active else None, submission.tier)
        if submission.status != "draft":
            assert SubmissionDocument.objects.filter(submission=submission).count() == 2
            assert submission.events.count() >= 1


def test_same_seed_gives_the_same_rows_another_seed_others(postgres):
    small_seed(42)
    first = checksums()
    small_seed(42)
    assert checksums() == first
    small_seed(43)
    other = checksums()
    assert all(other[table] != first[table] for table in first), other


def test_flush_replaces_a_seeded_database_as_a_whole(postgres):
    small_seed(42, "--years", "3")
    assert AssessmentRound.objects.count() == 3
    small_seed(43)
    assert sorted(AssessmentRound.objects.values_list("year", flat=True)) == [2024, 2025]
    designated = Designation.objects.count()
    assert Score.objects.count() == designated * 15 * 2
    assert User.objects.filter(username="perf_viewer").count() == 1


def test_the_yearly_job_computes_a_seeded_round(postgres):
    small_seed()
    assessment_round = AssessmentRound.objects.get(year=2025)
    summary = compute_round(assessment_round.pk)
    designated = Designation.objects.count()
    assert summary is not None and summary.assessed == designated and summary.unassessed == 0
    results = Result.objects.filter(round=assessment_round)
    assert results.count() == designated
    assert len(set(results.values_list("grade", flat=True))) >= 3  # grades spread
    vetoed = set(Veto.objects.filter(round=assessment_round).values_list("town_id", flat=True))
    assert vetoed and set(results.filter(vetoed=True).values_list("town_id", flat=True)) == vetoed
    assert set(results.filter(vetoed=True).values_list("grade", flat=True)) == {"fail"}
    assessment_round.refresh_from_db()
    assert assessment_round.state == "computed"


def test_perf_viewer_logs_in_with_the_documented_password_and_reads_the_towns_api(postgres, client):
    small_seed()
    response = client.post("/login/", {"username": "perf_viewer", "password": PERF_PASSWORD})
    assert response.status_code == 302
    body = client.get("/api/v1/towns/", {"page_size": 100}).json()
    assert body["count"] == Town.objects.filter(kind="town").count()
    assert len(body["results"]) == 100
    assert {row["tier"] for row in body["results"]} <= set(Tier.values)
    assert client.get("/towns/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_seeds_tables_are_vacuumed_as_well_as_analysed():
    """The seed ends as pgbench's initialisation does: statistics and visibility maps, so that the lists'
    index-only counts read no table pages (inside a transaction, where VACUUM cannot run, ANALYZE alone)."""
    if connection.vendor != "postgresql":
        message = f"perf_seed needs PostgreSQL, the database is {connection.vendor}"
        if REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)
    from demo.perf.copy import analyze

    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        before = cursor.fetchone()[0]
    analyze([Score._meta.db_table, Town._meta.db_table])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname, last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = ANY(%s)",
            [[Score._meta.db_table, Town._meta.db_table]],
        )
        stats = {name: (vacuumed, analysed) for name, vacuumed, analysed in cursor.fetchall()}
    assert set(stats) == {Score._meta.db_table, Town._meta.db_table}
    assert all(vacuumed >= before and analysed >= before for vacuumed, analysed in stats.values())
