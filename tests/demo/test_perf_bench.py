"""perf_bench's harness (demo.perf.bench, demo.perf.figures): its maths, its report, and each floor held to
the rows of its portal path on a small seeded database. Nothing here times anything: the suite measures,
these tests check that what it measures is the same work on both sides."""

import io
import json
import math

import pytest
from django.core.management import CommandError, call_command

from demo.perf import bench
from demo.perf.bench import Figure, PairStats, Side, Target
from tests.conftest import ensure_jilin

# --- the maths ------------------------------------------------------------------------------------------------


def test_pairs_alternate_which_side_runs_first():
    assert [bench.pair_order(i) for i in range(4)] == [("A", "B"), ("B", "A"), ("A", "B"), ("B", "A")]


def test_pair_stats_are_the_medians_of_each_side_and_of_the_per_pair_ratios():
    stats = bench.pair_stats([10, 30, 20], [5, 10, 10])
    assert stats == PairStats(numerator=20, denominator=10, ratio_median=2, ratio_min=2, ratios=(2, 3, 2))


def test_the_median_ratio_is_of_the_pairs_not_the_ratio_of_the_medians():
    # A drift that hits one pair's both sides cancels out of its ratio.
    stats = bench.pair_stats([1, 100, 2], [1, 50, 4])
    assert stats.ratio_median == 1
    assert stats.ratio_min == 0.5
    assert stats.numerator / stats.denominator == 0.5


def test_a_zero_floor_gives_an_infinite_ratio_unless_both_are_zero():
    assert math.isinf(bench.ratio(3, 0))
    assert bench.ratio(0, 0) == 1.0


def test_pairs_need_both_sides_of_every_pair():
    with pytest.raises(ValueError, match="A 与 B"):
        bench.pair_stats([1, 2], [1])
    with pytest.raises(ValueError):
        bench.pair_stats([], [])


@pytest.mark.parametrize(
    ("target", "measured", "holds"),
    [
        (Target("<=", 1.5), 1.5, True),
        (Target("<=", 1.5), 1.51, False),
        (Target(">=", 0.1), 0.09, False),
        (Target(">=", 0.1), 0.1, True),
        (Target("==", 1), 1.0, True),
        (Target("==", 1), 13 / 12, False),
    ],
)
def test_a_target_holds_on_its_side_of_the_bound(target, measured, holds):
    assert target.holds(measured) is holds


def test_targets_read_as_the_issue_writes_them():
    assert [str(Target("<=", 1.5)), str(Target(">=", 0.1)), str(Target("==", 1))] == ["≤ 1.5", "≥ 0.1", "= 1"]


def test_run_pairs_warms_up_then_interleaves_and_records_only_the_pairs():
    calls = []

    def side(name, value):
        def run():
            calls.append(name)
            return {"ms": value, "rows": 3}

        return run

    a_values, b_values, last_a, _last_b = bench.run_pairs(side("A", 4.0), side("B", 2.0), reps=3, warmup=1)
    assert calls == ["A", "B", "A", "B", "B", "A", "A", "B"]
    assert a_values == [4.0, 4.0, 4.0]
    assert b_values == [2.0, 2.0, 2.0]
    assert last_a == {"ms": 4.0, "rows": 3}


# --- choosing figures ------------------------------------------------------------------------------------------


AT_MOST_1_5 = Target("<=", 1.5)


def figure(name, a_scale="national", b_scale="national", target=AT_MOST_1_5, **kwargs):
    return Figure(name, name, Side(a_scale, "api_page"), Side(b_scale, "api_floor"), target, **kwargs)


def test_the_smoke_skips_the_figures_that_need_both_databases():
    figures = [figure("F-towns-100"), figure("F-scale-towns", b_scale="g2k")]
    chosen, skipped = bench.select_figures(figures, smoke=True)
    assert [f.name for f in chosen] == ["F-towns-100"]
    assert [f.name for f in skipped] == ["F-scale-towns"]


def test_only_keeps_a_figure_by_its_name_or_the_family_it_opens():
    figures = [figure("F-towns-100"), figure("F-scale-towns"), figure("F-scale-scores"), figure("F-job")]
    chosen, _skipped = bench.select_figures(figures, ["F-scale", "F-job"])
    assert [f.name for f in chosen] == ["F-scale-towns", "F-scale-scores", "F-job"]
    chosen, _skipped = bench.select_figures(figures, ["F-towns"])
    assert [f.name for f in chosen] == ["F-towns-100"]


def test_heavy_figures_are_capped_in_reps_and_warmups():
    capped = figure("F-import", max_reps=3, max_warmup=0)
    assert (capped.reps_for(15), capped.warmup_for(2)) == (3, 0)
    assert (figure("F-towns-100").reps_for(15), figure("F-towns-100").warmup_for(2)) == (15, 2)


def test_every_figure_of_the_issue_is_in_the_suite_with_its_target():
    from demo.perf.figures import FIGURES, LISTS

    targets = {f.name: str(f.target) for f in FIGURES}
    assert targets["F-towns-1000"] == targets["F-towns-100"] == "≤ 1.5"
    assert {f"F-scale-{name}" for name in LISTS} <= set(targets)
    assert set(LISTS) == {
        "towns", "designations", "rankings", "scores", "projects", "progress-reports", "allocations",
    }  # fmt: skip
    assert targets["F-http"] == "≥ 0.1"
    assert targets["F-round-page"] == "≤ 2"
    assert (targets["F-job"], targets["F-job-scale"], targets["F-job-queries"]) == ("≤ 2", "≤ 12", "= 1")
    assert targets["F-import"] == "≤ 4"
    for name in ("county-ranking", "directory"):
        assert targets[f"F-export-{name}"] == "≤ 1.5"
        assert targets[f"F-export-{name}-memory"] == "≤ 50"


# --- the report -----------------------------------------------------------------------------------------------


def measured(name, a, b, target=AT_MOST_1_5, **kwargs):
    return bench.figure_result(
        figure(name, target=target, **kwargs),
        stats=bench.pair_stats(a, b),
        reps=len(a),
        warmup=2,
        rows={"a": {"rows": 100, "total": 21379}, "b": {"rows": 100, "total": 21379}},
    )


def test_a_figure_reports_numerator_denominator_ratios_rows_target_and_outcome():
    result = measured("F-towns-100", [12, 14, 13], [10, 10, 10])
    assert result["numerator"] == 13
    assert result["denominator"] == 10
    assert result["ratio_median"] == 1.3
    assert result["ratio_min"] == 1.2
    assert result["rows"]["a"] == {"rows": 100, "total": 21379}
    assert (result["target"], result["target_op"], result["target_value"]) == ("≤ 1.5", "<=", 1.5)
    assert result["passed"] is True
    assert measured("F-towns-100", [16], [10])["passed"] is False


def test_a_figure_that_could_not_be_measured_is_neither_passed_nor_failed():
    result = bench.figure_result(
        figure("F-import"), stats=None, reps=3, warmup=0, error="BenchError: 超过行数上限"
    )
    assert result["passed"] is None
    assert result["error"] == "BenchError: 超过行数上限"


def test_the_report_is_json_with_versions_options_figures_and_their_tally():
    results = [
        measured("F-towns-100", [12], [10]),
        measured("F-towns-1000", [20], [10]),
        bench.skipped_result(figure("F-scale-towns", b_scale="g2k"), "冒烟测试只用 g2k 库"),
    ]
    versions = {"python": "3.11", "django": "5.2", "postgresql": {"g2k": "15"}, "git_commit": "abc"}
    document = json.loads(json.dumps(bench.report(results, versions, {"reps": 1, "smoke": True})))
    assert set(document) == {"suite", "versions", "options", "figures", "passed", "failed", "not_measured"}
    assert (document["passed"], document["failed"], document["not_measured"]) == (1, 1, 1)
    assert document["versions"]["git_commit"] == "abc"
    assert document["figures"][2]["skipped"] == "冒烟测试只用 g2k 库"


def test_the_table_has_a_row_per_figure_with_its_outcome():
    results = [
        measured("F-towns-100", [12], [10]),
        measured("F-towns-1000", [20], [10]),
        bench.figure_result(
            figure("F-import"), stats=None, reps=1, warmup=0, error="RuntimeError: 文件|过大"
        ),
    ]
    lines = bench.markdown_table(results).splitlines()
    assert len(lines) == 2 + 3
    assert "| F-towns-100 |" in lines[2] and lines[2].endswith("| ≤ 1.5 | pass |")
    assert lines[3].endswith("| FAIL |")
    assert "error: RuntimeError: 文件/过大" in lines[4]  # a | in a message does not break the table
    assert "1.20" in lines[2] and "100/21379 · 100/21379" in lines[2]


def test_the_queries_of_the_job_are_compared_from_the_scaled_figure():
    from demo.perf.figures import FIGURES

    queries = next(f for f in FIGURES if f.name == "F-job-queries")
    scaled = next(f for f in FIGURES if f.name == "F-job-scale")

    def job_scale(national, g2k):
        return bench.figure_result(
            scaled,
            stats=bench.pair_stats([900.0], [80.0]),
            reps=1,
            warmup=0,
            rows={"a": {"rows": 21379, "queries": national}, "b": {"rows": 1998, "queries": g2k}},
        )

    same = bench.derived_queries(queries, [job_scale(41, 41)])
    assert (same["numerator"], same["denominator"], same["passed"]) == (41, 41, True)
    assert bench.derived_queries(queries, [job_scale(21420, 2040)])["passed"] is False
    assert bench.derived_queries(queries, [])["error"]


def test_a_bench_database_is_named_by_the_last_part_of_its_url():
    assert bench._server_and_name("postgres://postgres@127.0.0.1:5432/portal_bench_g2k?sslmode=disable") == (
        "postgres://postgres@127.0.0.1:5432",
        "portal_bench_g2k",
    )


def test_the_command_refuses_an_unknown_figure_and_zero_reps():
    with pytest.raises(CommandError, match="没有这些测量项：F-nope"):
        call_command("perf_bench", "--only", "F-nope")
    with pytest.raises(CommandError, match="--reps 至少为 1"):
        call_command("perf_bench", "--reps", "0")


# --- the worker ---------------------------------------------------------------------------------------------


class Echo:
    def __init__(self, rows):
        self.rows = rows

    def measure(self):
        from demo.perf.figures import Measurement

        return Measurement(ms=1.5, rows=self.rows, ids=[1, 2])


def test_the_worker_answers_each_request_on_one_line_and_reports_errors():
    prepared = []

    def echo(rows):
        prepared.append(rows)
        return Echo(rows)

    requests = "\n".join(
        json.dumps(request)
        for request in (
            {"action": "run", "op": "echo", "params": {"rows": 2}},
            {"action": "run", "op": "echo", "params": {"rows": 2}},
            {"action": "run", "op": "missing"},
            {"action": "facts"},
        )
    )
    answers = io.StringIO()
    bench.serve(io.StringIO(requests + "\n"), answers, {"echo": echo, "facts": lambda: {"postgresql": "15"}})
    lines = [json.loads(line) for line in answers.getvalue().splitlines()]
    assert lines[0] == lines[1] == {"ms": 1.5, "rows": 2, "ids": [1, 2]}
    assert prepared == [2]  # prepared once, measured twice
    assert "unknown operation 'missing'" in lines[2]["error"]
    assert lines[3] == {"postgresql": "15"}


# --- each floor does the work of its portal path: the same rows ----------------------------------------------

SEEDED_TOWNS = 40  # perf_seed takes whole counties until they hold at least this many 镇


def designated_towns():
    from towns.models import Designation

    return Designation.objects.values("town").distinct().count()


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    """A small perf_seed database (its data committed: a list's floor reads it through its own connection;
    flushed afterwards, as every transactional test is, the next test's `jilin` reloading the geography),
    with the earlier year computed as perf_bench prepares it."""
    from demo.perf import figures

    ensure_jilin()  # the task areas perf_seed keeps, if an earlier transactional test flushed them

    settings.IMPORT_DIR = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"
    figures._client = None
    call_command(
        "perf_seed", "--scale", "g2k", "--flush", "--limit-towns", str(SEEDED_TOWNS), stdout=io.StringIO()
    )
    assert figures.prepare()["computed"]
    yield figures
    figures._client = None


def test_each_list_floor_reads_the_same_rows_as_its_page(seeded):
    for name in seeded.LISTS:
        for page_size in (100, 1000):
            page = seeded.ApiPage(name, page_size).call()
            floor = seeded.ApiFloor(name, page_size).call()
            assert page.total and page.rows, (name, page)
            assert (floor.total, floor.rows, floor.ids) == (page.total, page.rows, page.ids), name


def test_a_list_floor_leaves_out_the_session_and_user_lookups(seeded):
    floor = seeded.ApiFloor("towns", 100)
    assert floor.statements
    assert not any("django_session" in sql or '"accounts_user"' in sql for sql in floor.statements)
    assert any("COUNT(" in sql.upper() for sql in floor.statements)


def test_the_job_floor_ranks_the_same_towns_and_neither_leaves_a_trace(seeded):
    from assessment.models import AssessmentRound, Result

    latest = seeded.latest_scored_round()
    before = (Result.objects.count(), AssessmentRound.objects.get(pk=latest.pk).state)
    job = seeded.YearlyJob().measure()
    floor = seeded.YearlyJobFloor().measure()
    assert job.rows == designated_towns() >= SEEDED_TOWNS
    assert (floor.rows, floor.ids) == (job.rows, job.ids)
    assert job.queries > floor.queries == 3
    assert (Result.objects.count(), AssessmentRound.objects.get(pk=latest.pk).state) == before


def test_the_import_and_its_copy_write_the_same_rows_and_leave_the_scores_as_they_were(seeded):
    from assessment.models import Score

    latest = seeded.latest_scored_round()
    scores = sorted(Score.objects.filter(round=latest).values_list("town_id", "indicator_id", "points"))
    imported = seeded.ScoreImport().measure()
    copied = seeded.ScoreCopy().measure()
    assert imported.rows == imported.total == len(scores) == designated_towns() * 15
    assert copied.rows == imported.rows
    assert (
        sorted(Score.objects.filter(round=latest).values_list("town_id", "indicator_id", "points")) == scores
    )


@pytest.mark.parametrize("name", ["county-ranking", "directory"])
def test_each_export_floor_writes_the_same_rows(seeded, name):
    exported = seeded.Export(name).call()
    floor = seeded.ExportFloor(name).call()
    assert exported.rows and exported.rows == exported.total
    assert (floor.rows, floor.total) == (exported.rows, exported.total)


def test_the_memory_of_an_export_is_measured_as_a_growth_of_the_peak(seeded):
    answer = seeded.Export("directory").measure_memory()
    assert answer["peak_growth_mb"] >= 0
    assert answer["rows"] == answer["total"]


def test_the_round_page_and_the_facts_of_the_database(seeded):
    assert seeded.RoundPage().call().rows > 0
    facts = seeded.facts()
    assert facts["counts"]["towns_designation"] == designated_towns()
    assert facts["postgresql"]
