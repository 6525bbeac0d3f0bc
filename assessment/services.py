"""Writes of the annual assessment (R7–R9), one transaction per operation; the run is `run_round`, the work
of a tracked job (core.jobs, kind assessment.run) that `start_assessment` queues.

The round's state machine is kept in the database transaction that changes it: every write locks the
round row first (SELECT … FOR UPDATE), so a score cannot slip in after a run was queued, a run cannot start
twice, and a publication cannot overlap a run. The round points at its current run's job; the job is
claimed by one worker with a token and a heartbeat (its lease, core.lease); a worker that dies leaves
nothing half-written (its rows are written in one transaction at the end, after the job's lease is checked
under the round's lock) and is recorded failed once its lease expires.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, NamedTuple

from auditlog.models import LogEntry
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core import jobs
from core.audit import ChangeSet, Via, change_set, current_change_set, current_via, log_bulk_created
from core.bulk import analyze_tables, few_collections
from core.choices import JobState as TrackedJobState
from core.choices import NotificationKind
from core.concurrency import content_version, stale_content_refusal, stale_version_refusal
from core.errors import Conflict, DomainError, checked_year
from core.files import check_uploaded_document, display_name, stored_name
from core.formats import chinese_date, chinese_datetime
from core.formats import points as shown_points
from core.models import Job
from core.notifications import audience, notify
from core.numbering import take_number
from core.upsert import copy_rows, upsert_rows
from projects.models import TaskArea
from towns.choices import Began, Ended, Tier
from towns.models import Designation, Town
from towns.services.designations import replace_designation

from . import rules, selectors
from .models import (
    AssessmentRound,
    ChangeCause,
    ChangeEffect,
    Elimination,
    Exemption,
    Indicator,
    IndicatorSystem,
    JobState,
    Notice,
    NoticeKind,
    Publication,
    PublicationChange,
    Result,
    ResultStatus,
    RoundState,
    Score,
    TalkFollowUp,
    TalkStatus,
    Veto,
)
from .selectors import designated_in_year

if TYPE_CHECKING:
    from django.core.files import File

    from accounts.models import User

log = logging.getLogger("portal.assessment")
SCORE_IMPORT = "assessment.scores"  # the importer's kind (assessment.imports)
SCORE_LABEL = Score._meta.label_lower
ACTIVE_JOB = (JobState.QUEUED, JobState.RUNNING)
RUN_KIND = "assessment.run"  # the tracked job of a round's run (assessment/jobs.py)


# --- rounds and indicator systems ----------------------------------------------------------------------


def ensure_round(year: int | str) -> AssessmentRound:
    """The year's round, created with the default indicator system of R7 (T01–T15) if it does not exist.

    Only writes call it, inside their transaction: a page or API read shows the defaults instead
    (selectors.round_or_default), and a refused write rolls the new round back with everything else.
    """
    year = checked_year(year)
    existing = AssessmentRound.objects.select_related("system").filter(year=year).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        system, created = IndicatorSystem.objects.get_or_create(
            year=year, defaults={"name": f"{year}年度示范镇评价指标体系"}
        )
        if created:
            areas = TaskArea.objects.in_bulk()
            indicators = Indicator.objects.bulk_create(
                Indicator(
                    system=system, code=code, name=areas[code].name, task_area=areas[code], max_points=points
                )
                for code, points in rules.DEFAULT_INDICATORS
            )
            log_bulk_created(indicators, via=current_via())
        assessment_round, _ = AssessmentRound.objects.get_or_create(year=year, defaults={"system": system})
    return assessment_round


def _locked_round(year: int) -> AssessmentRound:
    """The year's round (created by this first write if need be), locked until the transaction ends."""
    assessment_round = ensure_round(year)
    return AssessmentRound.objects.select_for_update().select_related("system").get(pk=assessment_round.pk)


def _require_admin(user: User) -> None:
    if getattr(user, "role", None) != Role.PROVINCE_ADMIN:
        raise DomainError("只有省级管理员可以执行此操作。")


def indicators_editable(assessment_round: AssessmentRound) -> bool:
    """R7: the indicator system is fixed once scoring starts."""
    return assessment_round.state == RoundState.OPEN and not selectors.has_scores(assessment_round)


def settings_editable(assessment_round: AssessmentRound) -> bool:
    """R7, R8: settings are fixed before scoring starts; a published year reopened for correction may
    correct them."""
    return indicators_editable(assessment_round) or selectors.is_correcting(assessment_round)


def scoring_open(assessment_round: AssessmentRound) -> bool:
    """Scores, imports, vetoes and exemptions are inputs of the run: taken only while scoring is open."""
    return assessment_round.state == RoundState.OPEN


def _require_unscored(assessment_round: AssessmentRound) -> None:
    if not indicators_editable(assessment_round):
        raise DomainError("评分已经开始，指标体系和评价设置不能再修改。")


def _require_settings_open(assessment_round: AssessmentRound) -> None:
    """Settings are fixed before scoring starts; a published year reopened for correction may correct them."""
    if assessment_round.state != RoundState.OPEN:
        raise DomainError(
            f"{assessment_round.year}年度评价{assessment_round.get_state_display()}，评价设置不能修改。"
        )
    if assessment_round.scores.exists() and not assessment_round.publications.exists():
        raise DomainError("评分已经开始，指标体系和评价设置不能再修改。")


def parse_settings(values: Mapping[str, object]) -> dict[str, Decimal | int]:
    """{name: value} of the round's settings from user input, checked by name and type (R7, R8)."""
    unknown = set(values) - set(rules.SETTING_NAMES)
    if unknown:
        raise DomainError(f"不能修改的设置：{'、'.join(sorted(unknown))}")
    parsed = {}
    for name, value in values.items():
        try:
            if name.endswith("threshold"):
                parsed[name] = Decimal(str(value)).quantize(Decimal("0.01"))
                if not parsed[name].is_finite():
                    raise InvalidOperation
            else:
                if isinstance(value, bool) or str(value).strip() != str(int(value)):
                    raise ValueError
                parsed[name] = int(value)
        except (InvalidOperation, ValueError, TypeError):
            raise DomainError(f"设置“{name}”的值“{value}”无效。") from None
    return parsed


def update_settings(
    user: User, *, year: int | str, version: int | None = None, **values: object
) -> AssessmentRound:
    """Grade thresholds and the top / bottom counts, before scoring starts or while a published year is
    reopened for correction (R7, R8). Creates the round if this is the year's first write. With `version`
    (the settings' version the edit was made from), settings changed since are refused with Conflict."""
    _require_admin(user)
    year = checked_year(year)
    parsed = parse_settings(values)
    with transaction.atomic():
        assessment_round = _locked_round(year)
        _require_settings_open(assessment_round)
        refusal = stale_version_refusal(version, assessment_round.version, what="年度评价设置")
        if refusal:
            raise Conflict(refusal)
        assessment_round.version += 1
        for name, value in parsed.items():
            setattr(assessment_round, name, value)
        r = assessment_round
        refusal = rules.settings_refusal(
            r.excellent_threshold, r.good_threshold, r.pass_threshold, r.top_count, r.bottom_count
        )
        if refusal:
            raise DomainError(refusal)
        assessment_round.save()
    return assessment_round


def copy_system(user: User, *, year: int | str, from_year: int | str) -> IndicatorSystem:
    """Replace the year's (unscored) indicator system with a copy of another year's (R7: versioned)."""
    _require_admin(user)
    year = checked_year(year)
    source = (
        IndicatorSystem.objects.filter(year=checked_year(from_year)).prefetch_related("indicators").first()
    )
    if source is None:
        raise DomainError(f"{from_year} 年没有指标体系可复制。")
    with transaction.atomic():
        assessment_round = _locked_round(year)
        _require_unscored(assessment_round)
        system = assessment_round.system
        with change_set(system, actor=user):  # one entry: the indicators removed, the copies created
            system.indicators.all().delete()
            copies = Indicator.objects.bulk_create(
                Indicator(
                    system=system,
                    code=i.code,
                    name=i.name,
                    task_area_id=i.task_area_id,
                    max_points=i.max_points,
                )
                for i in source.indicators.all()
            )
            log_bulk_created(copies)
            system.copied_from = source
            system.save(update_fields=["copied_from", "updated_at"])
    return system


def save_indicators(
    user: User, *, year: int | str, indicators: Sequence[tuple[str, str, str, object]]
) -> IndicatorSystem:
    """Set the year's indicators [(code, name, task_area code, max_points)]: the maxima must sum to 100."""
    _require_admin(user)
    year = checked_year(year)
    codes = [code for code, *_ in indicators]
    if len(set(codes)) != len(codes):
        raise DomainError("指标代码不能重复。")
    areas = TaskArea.objects.in_bulk()
    rows = []
    for code, name, area, points in indicators:
        if area not in areas:
            raise DomainError(f"指标 {code} 的任务领域“{area}”不存在，应为 T01–T15。")
        try:
            rows.append((code, name, area, Decimal(str(points)).quantize(Decimal("0.01"))))
        except InvalidOperation:
            raise DomainError(f"指标 {code} 的满分“{points}”无效。") from None
    refusal = rules.system_total_refusal([points for *_, points in rows])
    if refusal:
        raise DomainError(refusal)
    with transaction.atomic():
        assessment_round = _locked_round(year)
        _require_unscored(assessment_round)
        system = assessment_round.system
        with change_set(system, actor=user):  # one entry: the indicators replaced
            system.indicators.all().delete()
            created = Indicator.objects.bulk_create(
                Indicator(system=system, code=code, name=name, task_area_id=area, max_points=points)
                for code, name, area, points in rows
            )
            log_bulk_created(created)
    return assessment_round.system


# --- scores, vetoes, exemptions ------------------------------------------------------------------------


def lock_round(year: int | str) -> AssessmentRound:
    """The year's round locked until the transaction ends (created by this first write if need be): a score
    import takes it before checking its rows again."""
    return _locked_round(checked_year(year))


def require_scoring_open(assessment_round: AssessmentRound, what: str = "录入得分") -> None:
    """DomainError unless the round takes scores now (its state, and a run under way, named)."""
    _require_scoring_open(assessment_round, what)


def _require_scoring_open(assessment_round: AssessmentRound, what: str = "录入得分") -> None:
    """Scores, imports, vetoes and exemptions are inputs of the run: taken only while scoring is open."""
    if assessment_round.state == RoundState.OPEN:
        return
    job = ""
    job_state, _message = selectors.effective_job(assessment_round)  # a dead run is not "running"
    if job_state in ACTIVE_JOB:
        job = f"（计算任务{JobState(job_state).label}）"
    raise DomainError(
        f"{assessment_round.year}年度评价{assessment_round.get_state_display()}{job}，不能再{what}。"
        + ("如需更正请先重新开放。" if assessment_round.state != RoundState.SCORING_CLOSED else "")
    )


def may_score(user: User, town: Town) -> bool:
    """R7: a town's points are entered by the province_admin or an official of the town's city."""
    return _may_score_in_city(user, town.city_id)


def _may_score_in_city(user: User, city_code: str) -> bool:
    role = getattr(user, "role", None)
    return role == Role.PROVINCE_ADMIN or (role == Role.CITY_OFFICIAL and user.region_id == city_code)


def _may_score(user: User | None, town: Town) -> None:
    if user is not None and not may_score(user, town):
        raise DomainError("只有省级管理员或该镇所在市（州）的工作人员可以录入得分。")


def sheet_version(assessment_round: AssessmentRound, town: Town) -> str:
    """The version of a town's score sheet for the year: a digest of its points per indicator."""
    return content_version(
        Score.objects.filter(round=assessment_round, town=town).values_list("indicator__code", "points")
    )


def save_scores(
    user: User | None,
    *,
    year: int | str,
    town: Town,
    points_by_code: Mapping[str, object],
    version: str | None = None,
) -> int:
    """Enter (or correct) a town's points per indicator code for the year (R7). user None: the system (an
    operator's import command). With `version` (the sheet as the form was opened, sheet_version), a sheet
    someone saved since is refused with Conflict; the round's row lock serialises every score write."""
    year = checked_year(year)
    _may_score(user, town)
    with transaction.atomic():
        assessment_round = _locked_round(year)
        _require_scoring_open(assessment_round)
        if assessment_round.pk is not None:
            refusal = stale_content_refusal(
                version, sheet_version(assessment_round, town), f"{town.name}的得分"
            )
            if refusal:
                raise Conflict(refusal)
        if town.code not in designated_in_year(year, [town.code]):
            raise DomainError(f"{town.name}在 {year} 年不是示范镇，不参加评价。")
        indicators = {i.code: i for i in assessment_round.system.indicators.all()}
        problems, values = [], {}
        for code, raw in points_by_code.items():
            indicator = indicators.get(code)
            if indicator is None:
                problems.append(f"指标 {code} 不存在")
                continue
            if raw in (None, ""):
                continue
            problem = rules.points_refusal(raw, indicator.max_points)
            if problem:
                problems.append(f"{code} {indicator.name}：{problem}")
            else:
                values[indicator] = Decimal(str(raw)).quantize(Decimal("0.01"))
        if problems:
            raise DomainError("得分有误：" + "；".join(problems), details=problems)
        for indicator, points in values.items():
            Score.objects.update_or_create(
                round=assessment_round,
                town=town,
                indicator=indicator,
                defaults={"points": points, "entered_by": user},
            )
    return len(values)


class ScoreRow(NamedTuple):
    """One score of a bulk write (write_scores): plain values, no model instance."""

    town_code: str
    town_name: str
    indicator_code: str
    points: Decimal


def write_scores(user: User | None, *, year: int | str, rows: Sequence[ScoreRow]) -> int:
    """Enter many towns' points at once (R7; the score import): every row inserted, or correcting the
    town's points on that indicator, in one statement (core.upsert); a later row for the same town and
    indicator wins, as in save_scores. The checks of save_scores over the whole set: scoring open, who may
    score each town, each town designated that year, each indicator in the year's system with points within
    0…maximum (two decimals). Each score that changed is one row of the enclosing change set (one audit
    entry for the whole write), in the shape auditlog gives a saved Score. Returns how many rows it wrote."""
    year = checked_year(year)
    latest = {(row.town_code, row.indicator_code): row for row in rows}
    with transaction.atomic():
        assessment_round = _locked_round(year)
        _require_scoring_open(assessment_round)
        indicators = {indicator.code: indicator for indicator in assessment_round.system.indicators.all()}
        held = designated_in_year(year, {town for town, _code in latest})
        problems = _score_row_problems(user, year, latest.values(), indicators, held)
        if problems:
            raise DomainError("得分有误：" + "；".join(problems[:20]), details=problems)
        before = {
            (town, indicator): (pk, points, entered_by)
            for town, indicator, pk, points, entered_by in Score.objects.filter(
                round=assessment_round, town_id__in=list(held)
            ).values_list("town_id", "indicator_id", "id", "points", "entered_by_id")
        }
        now = timezone.now()
        entered_by = user.pk if user is not None else None
        written = upsert_rows(
            Score,
            columns=("town_id", "indicator_id", "points"),
            rows=[(row.town_code, indicators[row.indicator_code].pk, row.points) for row in latest.values()],
            constants={
                "round_id": assessment_round.pk,
                "entered_by_id": entered_by,
                "created_at": now,
                "updated_at": now,
            },
            conflict=("round_id", "town_id", "indicator_id"),
            update=("points", "entered_by_id", "updated_at"),
            returning=("town_id", "indicator_id", "id"),
        )
        ids = {(town, indicator): pk for town, indicator, pk in written}
        enclosing = current_change_set()
        audit = contextlib.nullcontext(enclosing) if enclosing is not None else change_set(assessment_round)
        diff = _ScoreDiff(assessment_round.pk, entered_by, now)
        shown: dict[Decimal, str] = {}
        with audit as changes:
            for row in latest.values():
                indicator = indicators[row.indicator_code]
                key = (row.town_code, indicator.pk)
                previous = before.get(key)
                changed = diff.of(previous, ids[key], row, indicator)
                if changed:
                    action = LogEntry.Action.CREATE if previous is None else LogEntry.Action.UPDATE
                    text = shown.get(row.points) or shown.setdefault(row.points, shown_points(row.points))
                    changes.add_row(
                        SCORE_LABEL, ids[key], f"{row.town_name} {indicator.code} {text} 分", action, changed
                    )
        analyze_tables(Score, rows=len(written))
    return len(written)


def _score_row_problems(
    user: User | None,
    year: int,
    rows: Iterable[ScoreRow],
    indicators: Mapping[str, Indicator],
    held: Mapping[str, tuple[str, str]],
) -> list[str]:
    problems, refused_towns = [], set()
    refusals: dict[tuple[Decimal, Decimal], str | None] = {}  # a few thousand distinct points, checked once
    for row in rows:
        if row.town_code in refused_towns:
            continue
        designation = held.get(row.town_code)
        town_problem = None
        if designation is None:
            town_problem = f"{row.town_name}在 {year} 年不是示范镇，不参加评价"
        elif user is not None and not _may_score_in_city(user, designation[1]):
            town_problem = f"无权录入{row.town_name}（{row.town_code}）的得分"
        if town_problem:
            problems.append(town_problem)
            refused_towns.add(row.town_code)
            continue
        indicator = indicators.get(row.indicator_code)
        if indicator is None:
            problems.append(f"指标 {row.indicator_code} 不存在")
            continue
        known = (row.points, indicator.max_points)
        if known not in refusals:
            refusals[known] = rules.points_refusal(row.points, indicator.max_points)
        problem = refusals[known]
        if problem:
            problems.append(f"{row.town_name} {indicator.code} {indicator.name}：{problem}")
    return problems


class _ScoreDiff:
    """auditlog's field diff of a score as save_scores would have saved it (model_instance_diff: every field
    of a new score from "None", only the changed ones of a corrected one; updated_at is not compared, as
    auditlog compares before auto_now sets it), from plain values."""

    def __init__(self, round_id: int, entered_by: int | None, now: datetime) -> None:
        self.round = str(round_id)
        self.entered_by = entered_by
        self.stamp = str(timezone.make_naive(now, timezone=UTC))

    def of(
        self, before: tuple[int, Decimal, int | None] | None, pk: int, row: ScoreRow, indicator: Indicator
    ) -> dict[str, list[str]]:
        points = str(row.points)
        if before is not None:
            _pk, old_points, old_entered_by = before
            diff = {}
            if str(old_points) != points:
                diff["points"] = [str(old_points), points]
            if old_entered_by != self.entered_by:
                diff["entered_by"] = [str(old_entered_by), str(self.entered_by)]
            return diff
        return {
            "id": ["None", str(pk)],
            "round": ["None", self.round],
            "town": ["None", row.town_code],
            "indicator": ["None", str(indicator.pk)],
            "points": ["None", points],
            "entered_by": ["None", str(self.entered_by)],
            "created_at": ["None", self.stamp],
            "updated_at": ["None", self.stamp],
        }


@dataclass(frozen=True)
class ScoreImportSummary:
    rows: int
    towns: int


def import_scores(
    file_name: str, data: bytes, year: int | str, actor: User | None = None, via: str = Via.IMPORT
) -> ScoreImportSummary:
    """Import a score file in one step (R7): the score importer's preview, then its apply (assessment.imports;
    core.import_batches.import_now). Both layouts: one row per town and indicator (town_code,
    indicator_code, points) and the score sheet the export writes (one column per indicator). Any bad row
    (unknown town or indicator, points outside 0…maximum, duplicate row, town with no designation that year)
    imports nothing. The pages and the API import in two steps through the same importer."""
    from core.import_batches import import_now

    report = import_now(
        actor, kind=SCORE_IMPORT, file_name=file_name, data=data, params={"year": year}, via=via
    )
    return ScoreImportSummary(rows=report.result.get("scores", 0), towns=report.result.get("towns", 0))


def record_veto(
    user: User | None,
    *,
    year: int | str,
    town: Town,
    reason: str,
    doc_no: str = "",
    document: File | None = None,
) -> Veto:
    """一票否决 with its reason and proving document (R7); province_admin, or an operator command (user None).
    An input of the run: recorded only while scoring is open."""
    if user is not None:
        _require_admin(user)
    year = checked_year(year)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写一票否决事项。")
    checked = None
    if document is not None:
        # Checked by content before the transaction, so that a refusal's security event is kept (core.files).
        document.seek(0)
        checked = check_uploaded_document(user, document.name, document.read(), purpose="veto")
        document.seek(0)
    with transaction.atomic():
        assessment_round = _locked_round(year)
        _require_scoring_open(assessment_round, "登记一票否决")
        if town.code not in designated_in_year(year, [town.code]):
            raise DomainError(f"{town.name}在 {year} 年不是示范镇。")
        veto = Veto(
            round=assessment_round, town=town, reason=reason[:300], doc_no=(doc_no or "").strip()[:100]
        )
        veto.recorded_by = user
        if document is not None and checked is not None:
            veto.document_name = display_name(document.name, fallback=f"证明文件.{checked.file_type}")
            veto.document.save(stored_name(checked.file_type), document, save=False)
        veto.save()
    return veto


def record_exemption(
    user: User | None, *, year: int | str, town: Town, reason: str, doc_no: str
) -> Exemption:
    """免评 (R7): a designated town left out of the year's assessment, with a reason and a document number;
    a provincial town without scores is published only so (issue 8, point 7). Only while scoring is open,
    and only for a town without any score."""
    if user is not None:
        _require_admin(user)
    year = checked_year(year)
    reason, doc_no = (reason or "").strip(), (doc_no or "").strip()
    if not reason or not doc_no:
        raise DomainError("免评须填写原因和文号。")
    with transaction.atomic():
        assessment_round = _locked_round(year)
        _require_scoring_open(assessment_round, "登记免评")
        if town.code not in designated_in_year(year, [town.code]):
            raise DomainError(f"{town.name}在 {year} 年不是示范镇。")
        if assessment_round.scores.filter(town=town).exists():
            raise DomainError(f"{town.name}在 {year} 年已有得分，不能免评。")
        if assessment_round.exemptions.filter(town=town).exists():
            raise DomainError(f"{town.name}在 {year} 年已登记免评。")
        return Exemption.objects.create(
            round=assessment_round, town=town, reason=reason[:300], doc_no=doc_no[:100], recorded_by=user
        )


# --- the job -------------------------------------------------------------------------------------------


def _predecessor_refusal(year: int) -> str | None:
    """R9 reads year − 1's published results: a run waits for a reopened or unpublished year − 1."""
    previous = AssessmentRound.objects.filter(year=year - 1).first()
    if previous is None or previous.state == RoundState.PUBLISHED:
        return None
    if previous.publications.exists():
        return (
            f"{year - 1}年度评价已重新开放、尚未重新发布；{year}年度的淘汰判定要用到{year - 1}年度已发布的结果，"
            f"请先重新发布{year - 1}年度评价，再运行{year}年度计算。"
        )
    if previous.scores.exists():
        return (
            f"{year - 1}年度评价已开始评分、尚未发布；{year}年度的淘汰判定要用到{year - 1}年度已发布的结果，"
            f"请先发布{year - 1}年度评价，再运行{year}年度计算。"
        )
    return None


def _successor_refusal(year: int, what: str) -> str | None:
    """No published or computed year ever rests on a changed predecessor (issue 8, point 4)."""
    following = AssessmentRound.objects.filter(year=year + 1).first()
    if following is None:
        return None
    if following.state in (RoundState.SCORING_CLOSED, RoundState.COMPUTED, RoundState.PUBLISHED):
        return (
            f"{year + 1}年度评价{following.get_state_display()}，其淘汰判定依据{year}年度已发布的结果；"
            f"须先重新开放{year + 1}年度评价，才能{what}{year}年度评价。"
        )
    return None


def _run_in_progress(locked: AssessmentRound) -> bool:
    """Inside the round's lock: whether its run is queued or running with its lease holding. A run whose
    lease expired (its worker died, or no worker took it) is recorded failed here, so it can start again."""
    job = locked.job
    if job is None or not job.is_active:
        return False
    if jobs.fail_if_stale(job):
        log.warning("assessment %s: %s", locked.year, job.error)
        return False
    return job.is_active  # as it is now, under the job's lock


def _queue_run(user: User | None, locked: AssessmentRound, *, send: bool = True) -> Job:
    """The round's run as a tracked job of the whole province's data, in the caller's transaction; sent to a
    worker once it commits (send=False: the caller runs it here)."""
    return jobs.start_job(
        user,
        kind=RUN_KIND,
        title=f"{locked.year}年度示范镇评价计算",
        parameters={"round_id": locked.pk, "year": locked.year},
        scope_code="",
        message="已提交，等待计算",
        send=send,
    )


def start_assessment(
    user: User | None, *, year: int | str, confirm_incomplete: bool = False
) -> tuple[AssessmentRound, bool]:
    """Queue the year's computation as a tracked job (core.jobs, kind assessment.run), in 我的任务 of the
    starter. Two starts at once give one run: the round row is locked and a queued or running job (whose
    lease holds) is not queued again. Queuing closes scoring in the same transaction. Refused while year − 1
    is reopened or unpublished, and while towns are incompletely scored or unscored unless a province_admin
    confirms (recorded on the run). Returns (round, started: bool)."""
    if user is not None:
        _require_admin(user)
    year = checked_year(year)
    with transaction.atomic():
        locked = _locked_round(year)
        if locked.is_frozen:
            raise DomainError(f"{locked.year}年度评价已发布并冻结；重新计算须先由省级管理员重新开放。")
        if _run_in_progress(locked):
            return locked, False
        refusal = _predecessor_refusal(year)
        if refusal:
            raise DomainError(refusal)
        incomplete, unassessed = rules.scoring_gaps(selectors.year_inputs(locked))
        confirmation = ""
        if incomplete or unassessed:
            gaps = f"{len(incomplete)} 个镇评分不完整、{len(unassessed)} 个镇未录入得分"
            if not confirm_incomplete:
                raise DomainError(
                    f"{year}年度有 {gaps}；请补齐得分（或为未评的镇登记免评），"
                    "或由省级管理员明确确认后再计算（确认将记录在本次计算和受影响的结果上）。",
                    details=[
                        *(f"评分不完整：{code}" for code in incomplete),
                        *(f"未录入得分：{code}" for code in unassessed),
                    ],
                )
            who = getattr(user, "username", None) or "系统"
            confirmation = f"经 {who} 确认，在 {gaps} 的情况下计算（{chinese_datetime(timezone.now())}）"
        locked.state = RoundState.SCORING_CLOSED
        # robust (core.jobs): without a worker the job runs inside this request once it commits; its failure
        # is recorded on the job (the round shows it failed, with the reason) rather than a server error.
        locked.job = _queue_run(user, locked)
        locked.run_by = user
        locked.run_confirmed_incomplete, locked.run_confirmation = bool(confirmation), confirmation
        locked.save()
    return locked, True


@dataclass(frozen=True)
class RunSummary:
    year: int
    assessed: int
    unassessed: int
    praised: int
    criticised: int
    eliminated: int


def compute_round(round_id: int, *, user: User | None = None) -> RunSummary | None:
    """Run the round's computation in this process (the demo, an operator's shell, tests): its queued run, or
    else a new run of `user` (None: the system) that closes scoring as a queued one does, without the checks
    of start_assessment. None when the round is published, a run is under way elsewhere, or the run failed."""
    with transaction.atomic():
        locked = AssessmentRound.objects.select_for_update().get(pk=round_id)
        queued = locked.job if locked.job is not None and locked.job.state == TrackedJobState.QUEUED else None
        if queued is not None and jobs.fail_if_stale(queued):
            queued = None
        if queued is None:
            if locked.is_frozen or _run_in_progress(locked):
                return None
            queued = _queue_run(user, locked, send=False)
            AssessmentRound.objects.filter(pk=round_id).update(
                state=RoundState.SCORING_CLOSED, job=queued, run_by=user
            )
    jobs.execute_job(queued.pk)
    job = Job.objects.get(pk=queued.pk)
    if job.state != TrackedJobState.DONE:
        return None
    return RunSummary(**{name: job.result[name] for name in RunSummary.__dataclass_fields__})


def _step(ctx: jobs.JobContext, percent: int, message: str) -> None:
    """A step of the run: its progress recorded (the lease renewed; raises once the lease was lost), then
    the crash drills' pause (ASSESSMENT_JOB_STEP_PAUSE_SECONDS, 0 in production)."""
    ctx.progress(percent, message)
    pause = settings.ASSESSMENT_JOB_STEP_PAUSE_SECONDS
    if pause:
        time.sleep(pause)


@few_collections()
def run_round(ctx: jobs.JobContext) -> dict[str, object]:
    """The assessment run (R7–R9), the work of a job of kind assessment.run: reads the year's inputs, ranks,
    and writes the year's draft results in one transaction at the end (rules.assess_year), the round locked
    and the job's lease checked under the lock, so a worker that lost its lease writes nothing. A second run
    of the same year replaces the draft instead of adding to it. Returns the job's summary."""
    round_id = int(ctx.parameters["round_id"])
    ctx.progress(5, "读取得分")
    assessment_round = AssessmentRound.objects.select_related("system").get(pk=round_id)
    inputs = selectors.year_inputs(assessment_round)
    _step(ctx, 30, "计算综合得分与排名")
    outcome = rules.assess_year(inputs)
    _step(ctx, 60, "比对上一年度结果，确定淘汰与递补")
    with transaction.atomic():
        locked = AssessmentRound.objects.select_for_update().get(pk=round_id)
        ctx.hold_lease()
        if locked.job_id != ctx.job.pk:
            raise DomainError(f"{locked.year}年度评价已有新的计算或已重新开放，本次计算未写入结果。")
        # One audit entry on the round carrying the whole draft (results, notices, eliminations), written in
        # this transaction (ADR 13).
        with change_set(locked, actor=ctx.user, via=Via.JOB) as changes:
            _replace_draft(locked, inputs, outcome, changes)
            assessed = sum(len(towns) for towns in outcome.ranked.values())
            unassessed = len(outcome.unassessed) + len(outcome.exempt)
            changes.add_updated(AssessmentRound.objects.filter(pk=round_id), state=RoundState.COMPUTED)
            AssessmentRound.objects.filter(pk=round_id).update(state=RoundState.COMPUTED)
            changes.summary = {"year": locked.year, "assessed": assessed, "unassessed": unassessed}
        _tell_computed(locked, ctx.job.pk, assessed, unassessed, outcome)
    summary = RunSummary(
        year=inputs.year,
        assessed=assessed,
        unassessed=unassessed,
        praised=len(outcome.praised),
        criticised=len(outcome.criticised),
        eliminated=len(outcome.substitutions),
    )
    return {"message": f"已完成：参评 {assessed} 个，未评 {unassessed} 个", **asdict(summary)}


def _tell_computed(
    locked: AssessmentRound, job_id: int, assessed: int, unassessed: int, outcome: rules.YearOutcome
) -> None:
    """Issue 10, point 4: the end of the job tells the province_admins the draft awaits their review (in the
    transaction that writes it; once per run)."""
    year = locked.year
    notify(
        audience(province=[Role.PROVINCE_ADMIN]),
        kind=NotificationKind.ASSESSMENT_COMPUTED,
        title=f"{year}年度示范镇评价已计算，待审核发布",
        body=(
            f"参评 {assessed} 个镇，未评 {unassessed} 个；拟通报表扬 {len(outcome.praised)} 个、"
            f"通报批评 {len(outcome.criticised)} 个，淘汰 {len(outcome.substitutions)} 个。请审核后发布。"
        ),
        link=reverse("assessment-round", args=[year]),
        dedupe_key=f"assessment-computed:{locked.pk}:{job_id}",
    )


# The columns of a result the job writes, in the model's field order (tier_order is computed by the database
# from the tier, the id by its sequence).
RESULT_COLUMNS = (
    "round",
    "town",
    "tier",
    "assessed",
    "score",
    "grade",
    "rank",
    "vetoed",
    "incomplete",
    "exempt",
    "status",
)


def _replace_draft(
    assessment_round: AssessmentRound,
    inputs: rules.YearInputs,
    outcome: rules.YearOutcome,
    changes: ChangeSet,
) -> None:
    """The year's draft (proposed) results, notices and eliminations, replaced as a whole; published ones
    stay in force until a publication replaces them.

    The same statements whatever the number of towns: one DELETE per table, the results inserted in one
    statement from plain tuples (one COPY, core.upsert.copy_rows), no result built as a model instance; only the
    notices and eliminations, a handful, are. Every row joins the run's change set as a row-by-row write
    would have recorded it."""
    _delete_drafts(assessment_round, changes)
    year, drafts = assessment_round.year, {"status": ResultStatus.PROPOSED}
    rows = _result_rows(assessment_round, inputs, outcome)
    copy_rows(Result, columns=[Result._meta.get_field(name).attname for name in RESULT_COLUMNS], rows=rows)
    values_of = {row[1]: dict(zip(RESULT_COLUMNS, row, strict=True)) for row in rows}
    ids = {}
    created = []
    for pk, town, name in assessment_round.results.filter(**drafts).values_list(
        "pk", "town_id", "town__name"
    ):
        ids[town] = pk
        created.append((pk, Result.label_of(name, year, values_of[town]["score"]), values_of[town]))
    created.sort(key=lambda row: row[0])  # in the order of insertion, as bulk_create recorded them
    changes.add_values(Result, LogEntry.Action.CREATE, created)
    links = []
    for kind, chosen in ((NoticeKind.PRAISE, outcome.praised), (NoticeKind.CRITICISM, outcome.criticised)):
        notice = Notice.objects.create(round=assessment_round, kind=kind)  # audited by its own signal
        links += [(notice.pk, ids[r.town_code]) for r in chosen]
    copy_rows(Notice.results.through, columns=("notice_id", "result_id"), rows=links)
    towns = Town.objects.in_bulk([s.eliminated_code for s in outcome.substitutions])
    eliminations = Elimination.objects.bulk_create(
        Elimination(
            round=assessment_round,
            town=towns[s.eliminated_code],
            substitute_id=s.substitute_code,
            substitute_tier=s.substitute_tier or "",
            substitute_score=s.substitute_score,
            same_city=s.same_city,
        )
        for s in outcome.substitutions
    )
    log_bulk_created(eliminations, via=Via.JOB)
    # The rankings and lists filter the year's new rows at once: fresh statistics once the run commits.
    analyze_tables(Result, Notice, Notice.results.through, Elimination, rows=len(rows))


def _result_rows(
    assessment_round: AssessmentRound, inputs: rules.YearInputs, outcome: rules.YearOutcome
) -> list[tuple[object, ...]]:
    """The year's results as tuples of RESULT_COLUMNS: the ranked towns in rank order, then the 未评, then the
    免评 (as the pages list them)."""
    round_id, draft = assessment_round.pk, ResultStatus.PROPOSED
    tiers = {town.town_code: town.tier for town in inputs.towns}
    incomplete = set(outcome.incomplete)
    rows = [
        (
            round_id,
            r.town_code,
            r.tier,
            True,
            r.score,
            r.grade,
            r.rank,
            r.vetoed,
            r.town_code in incomplete,
            False,
            draft,
        )
        for towns in outcome.ranked.values()
        for r in towns
    ]
    rows += [
        (round_id, code, tiers[code], False, None, "", None, False, False, False, draft)
        for code in outcome.unassessed
    ]
    rows += [
        (round_id, code, tiers[code], False, None, "", None, False, False, True, draft)
        for code in outcome.exempt
    ]
    return rows


def _delete_drafts(assessment_round: AssessmentRound, changes: ChangeSet) -> None:
    """The year's draft notices (with the towns they list), eliminations and results removed: one DELETE per
    table, each row recorded in the change set first. A draft result is listed only by a draft notice (a
    publication turns both into published ones at once); the links of either are removed all the same, so
    that no notice could be left pointing at a removed result."""
    drafts = {"status": ResultStatus.PROPOSED}
    Notice.results.through.objects.filter(
        Q(notice__round=assessment_round, notice__status=ResultStatus.PROPOSED)
        | Q(result__round=assessment_round, result__status=ResultStatus.PROPOSED)
    ).delete()
    notices = assessment_round.notices.filter(**drafts)
    eliminations = assessment_round.eliminations.filter(**drafts)
    changes.add_deleted(notices.select_related("round"))
    changes.add_deleted(eliminations.select_related("round", "town"))
    notices._raw_delete(notices.db)
    eliminations._raw_delete(eliminations.db)
    results = assessment_round.results.filter(**drafts)
    attnames = [Result._meta.get_field(name).attname for name in RESULT_COLUMNS]
    year = assessment_round.year
    deleted = []
    for pk, name, *values in results.values_list("pk", "town__name", *attnames):
        row = dict(zip(RESULT_COLUMNS, values, strict=True))
        deleted.append((pk, Result.label_of(name, year, row["score"]), row))
    changes.add_values(Result, LogEntry.Action.DELETE, deleted)
    results._raw_delete(results.db)


# --- publication ---------------------------------------------------------------------------------------


def publish(
    user: User | None,
    *,
    year: int | str,
    doc_prefix: str,
    issuer: str | None = None,
    signed_on: date | None = None,
    recipients: str | None = None,
    copied_to: str | None = None,
    printer: str | None = None,
    printed_on: date | None = None,
) -> AssessmentRound:
    """Publish the year's computed results (R8, R9), or re-publish a corrected year, in one transaction:
    notices numbered (a changed notice re-issued under a new number, the old one kept as superseded; an
    unchanged one stays as it is), the designations reconciled with the result (eliminations, substitutes,
    and after a correction their reversals under the correction's number), the 约谈 follow-ups, the round
    frozen. Re-publishing an unchanged result changes no designation and issues no document.

    issuer … printed_on: what the notices issued show (rules.notice_parameters; None takes the default),
    stored on the publication; the numbers are of the year of the 成文日期."""
    if user is not None:
        _require_admin(user)
    doc_prefix = (doc_prefix or "").strip()
    if not doc_prefix:
        raise DomainError("请填写发文字号前缀，如 吉示范镇办。")
    year = checked_year(year)
    today, now = timezone.localdate(), timezone.now()
    parameters = rules.notice_parameters(
        today=today,
        issuer=issuer,
        signed_on=signed_on,
        recipients=recipients,
        copied_to=copied_to,
        printer=printer,
        printed_on=printed_on,
    )
    refusal = rules.notice_parameters_refusal(parameters, year=year, today=today)
    if refusal:
        raise DomainError(refusal)
    with transaction.atomic():
        locked = (
            AssessmentRound.objects.select_for_update().select_related("system").filter(year=year).first()
        )
        if locked is None:
            raise DomainError(f"{year}年度评价尚未计算，须先运行计算再发布。")
        job_state, _message = selectors.effective_job(locked)  # a dead run does not hold the publication
        if job_state in ACTIVE_JOB:
            raise DomainError(f"{year}年度评价计算任务{JobState(job_state).label}，完成后才能发布。")
        if locked.state != RoundState.COMPUTED:
            raise DomainError(
                f"{locked.year}年度评价当前为“{locked.get_state_display()}”，须先运行计算再发布。"
            )
        refusal = _successor_refusal(year, "发布")
        if refusal:
            raise DomainError(refusal)
        plan = selectors.publication_plan(locked)
        if plan.unexempted:
            names = dict(Town.objects.filter(code__in=plan.unexempted).values_list("code", "name"))
            listed = "、".join(f"{names.get(code, code)}（{code}）" for code in plan.unexempted)
            raise DomainError(
                f"以下省级示范镇未评且未登记免评：{listed}。请录入得分，或登记免评（须填写原因和文号）后重新计算再发布。",
                details=list(plan.unexempted),
            )
        publication = Publication.objects.create(
            round=locked,
            number=plan.number,
            published_at=now,
            published_by=user,
            doc_prefix=doc_prefix,
            reason=locked.reopened_reason if not plan.first else "",
            issuer=parameters.issuer,
            signed_on=parameters.signed_on,
            recipients=parameters.recipients,
            copied_to=parameters.copied_to,
            printer=parameters.printer,
            printed_on=parameters.printed_on,
        )
        issued = _publish_notices(locked, plan, publication, doc_prefix, parameters.signed_on)
        with change_set(locked, actor=user):  # the results' bulk status changes, as one entry
            _publish_results(locked)
        criticism = issued.get(NoticeKind.CRITICISM)
        doc_no = criticism.doc_no if criticism is not None else ""
        if not plan.first and plan.reconciliation:
            doc_no = take_number(
                doc_prefix,
                parameters.signed_on.year,
                "correction",
                f"关于更正{year}年度示范镇评价结果的通知",
            )
            publication.correction_doc_no = doc_no
        _reconcile_designations(locked, publication, plan, doc_no)
        _reconcile_talks(locked, plan, publication, user=user, doc_no=doc_no, today=today)
        _tell_listed_regions(locked, list(issued.values()), user=user)
        publication.summary = _summary(plan)[:500]
        publication.save()
        locked.state, locked.published_at, locked.published_by = RoundState.PUBLISHED, now, user
        locked.doc_prefix, locked.reopened_reason = doc_prefix, ""
        locked.save()
    return locked


def _publish_notices(
    locked: AssessmentRound,
    plan: selectors.PublicationPlan,
    publication: Publication,
    doc_prefix: str,
    signed_on: date,
) -> dict[str, Notice]:
    """Number and publish each notice the plan (re)issues, dated and numbered in the year it is signed;
    returns kind → the notice issued."""
    issued = {}
    for notice_plan in plan.notices:
        draft, current = notice_plan.draft, notice_plan.current
        if not notice_plan.reissue:
            # Unchanged: the notice in force stays, listing the same towns' new (identical) results (their
            # ids only: the year's other results are never read).
            listed = current.results.values("town_id")
            drafts = locked.results.filter(status=ResultStatus.PROPOSED, town_id__in=listed)
            current.results.set(list(drafts.values_list("pk", flat=True)))
            draft.results.clear()
            draft.delete()
            continue
        label = NoticeKind(notice_plan.kind).label
        doc_no = take_number(
            doc_prefix, signed_on.year, f"notice_{notice_plan.kind}", f"{locked.year}年度示范镇{label}"
        )
        if current is not None:
            current.status, current.superseded_by = ResultStatus.SUPERSEDED, draft
            current.save(update_fields=["status", "superseded_by"])
        draft.doc_no, draft.date, draft.status, draft.publication = (
            doc_no,
            signed_on,
            ResultStatus.PUBLISHED,
            publication,
        )
        draft.save()
        issued[notice_plan.kind] = draft
    return issued


def _listing(results: Sequence[Result]) -> str:
    return "、".join(f"{r.town.name}（第 {r.rank} 名，{shown_points(r.score)} 分）" for r in results)


def _tell_listed_regions(locked: AssessmentRound, notices: Sequence[Notice], *, user: User | None) -> None:
    """Issue 10, point 4: a notice issued tells the county and city officials of the towns it lists, each
    of the towns of their own region (a notice left unchanged by a re-publication tells nobody again)."""
    year = locked.year
    for notice in notices:
        label = NoticeKind(notice.kind).label
        results = list(
            notice.results.select_related("town__county", "town__city").order_by("rank", "town_id")
        )
        by_county: defaultdict[str | None, list[Result]] = defaultdict(list)
        by_city: defaultdict[str | None, list[Result]] = defaultdict(list)
        for result in results:
            by_county[result.town.county_id].append(result)
            by_city[result.town.city_id].append(result)
        document = f"《{year}年度示范镇{label}》（{notice.doc_no}）"
        message = {
            "kind": NotificationKind.NOTICE_PUBLISHED,
            "title": f"{year}年度示范镇{label}已发布",
            "link": reverse("assessment-notice", kwargs={"year": year, "kind": notice.kind}),
            "exclude": user,
        }
        for county, listed in by_county.items():
            notify(
                audience(counties=[county]),
                body=f"{document}列入本县（市、区）：{_listing(listed)}。",
                dedupe_key=f"notice:{notice.pk}:county:{county}",
                **message,
            )
        for city, listed in by_city.items():
            notify(
                audience(cities=[city]),
                body=f"{document}列入本市（州）：{_listing(listed)}。",
                dedupe_key=f"notice:{notice.pk}:city:{city}",
                **message,
            )


def _publish_results(locked: AssessmentRound) -> None:
    """The draft becomes the published result; the one it replaces is kept only where a superseded notice
    still lists it.

    The same statements whatever the number of towns: one DELETE of the replaced results, one UPDATE per
    table and status, each row joining the publication's change set from plain values (no result built as a
    model instance, no query per row for its label) as add_deleted / add_updated recorded it."""
    changes = current_change_set()
    earlier = locked.results.filter(status=ResultStatus.PUBLISHED, notices__isnull=True)
    if changes is not None:
        _audit_deleted_results(locked, earlier, changes)
    # Only the rows of unlisted results go: a result has no other dependant than the notices' links.
    Result.objects.filter(pk__in=earlier.values("pk"))._raw_delete(earlier.db)
    replaced = 0
    for rows in (locked.results, locked.eliminations):
        for before, after in (
            (ResultStatus.PUBLISHED, ResultStatus.SUPERSEDED),
            (ResultStatus.PROPOSED, ResultStatus.PUBLISHED),
        ):
            if changes is not None:
                _audit_status_change(locked, rows.filter(status=before), before, after, changes)
            replaced += rows.filter(status=before).update(status=after)
    # A year's results change status at once: the pages filter by it, so the planner must know at once.
    analyze_tables(Result, Elimination, rows=replaced)


def _audit_deleted_results(locked: AssessmentRound, results: QuerySet, changes: ChangeSet) -> None:
    """The removed results as add_deleted records a result (every stored field's value), from tuples."""
    names = [f.name for f in Result._meta.concrete_fields if not f.primary_key]
    attnames = [Result._meta.get_field(name).attname for name in names]
    rows = []
    for pk, town_name, *values in results.values_list("pk", "town__name", *attnames):
        row = dict(zip(names, values, strict=True))
        rows.append((pk, Result.label_of(town_name, locked.year, row["score"]), row))
    changes.add_values(Result, LogEntry.Action.DELETE, rows)


def _audit_status_change(
    locked: AssessmentRound, rows: QuerySet, before: str, after: str, changes: ChangeSet
) -> None:
    """The results or eliminations whose status goes from `before` to `after`, as add_updated records them
    (with the label each row's __str__ gives), from tuples."""
    label, update = rows.model._meta.label_lower, LogEntry.Action.UPDATE
    if rows.model is Result:
        for pk, town_name, score in rows.values_list("pk", "town__name", "score"):
            repr_text = Result.label_of(town_name, locked.year, score)
            changes.add_row(label, pk, repr_text, update, {"status": [before, after]})
        return
    for pk, town_name in rows.values_list("pk", "town__name"):
        repr_text = f"{locked.year} 淘汰 {town_name}"  # Elimination.__str__, from its values
        changes.add_row(label, pk, repr_text, update, {"status": [before, after]})


def _record(publication: Publication, designation: Designation, effect: str, cause: str, doc_no: str) -> None:
    PublicationChange.objects.get_or_create(
        designation=designation,
        effect=effect,
        defaults={
            "publication": publication,
            "town_id": designation.town_id,
            "cause": cause,
            "doc_no": doc_no,
        },
    )


def _end(designation: Designation, year: int, ended: str, doc_no: str) -> None:
    designation.to_year = max(year, designation.from_year)
    designation.ended, designation.end_doc_no = ended, doc_no
    designation.save(update_fields=["to_year", "ended", "end_doc_no", "updated_at"])


def _active(town_code: str) -> Designation | None:
    """The town's active designation (its town row is locked by _reconcile_designations)."""
    return Designation.objects.active().filter(town_id=town_code).first()


def _reconcile_designations(
    locked: AssessmentRound, publication: Publication, plan: selectors.PublicationPlan, doc_no: str
) -> None:
    """R9 and its corrections, with the decision's document number on every designation it touches.

    Only the towns eliminated, substituted or restored are read, their rows locked at once in code order (two
    writers lock them in the same order); the queries grow with those few towns, never with the year's."""
    year, changes = locked.year, plan.reconciliation
    codes = sorted({*changes.restore, *changes.eliminate, *changes.revoke, *changes.promote})
    towns = {
        town.code: town for town in Town.objects.select_for_update().filter(pk__in=codes).order_by("code")
    }
    for code in changes.restore:
        active = _active(code)
        if active is not None and active.tier == Tier.PROVINCIAL:
            _record(publication, active, ChangeEffect.BEGAN, ChangeCause.ELIMINATION_REVERSED, doc_no)
            continue
        restored = replace_designation(
            towns[code], Tier.PROVINCIAL, year, doc_no=doc_no, began=Began.RESTORED, ended=Ended.CHANGED
        )
        if active is not None:
            active.refresh_from_db()
            _record(publication, active, ChangeEffect.ENDED, ChangeCause.ELIMINATION_REVERSED, doc_no)
        _record(publication, restored, ChangeEffect.BEGAN, ChangeCause.ELIMINATION_REVERSED, doc_no)
    for code in changes.revoke:
        promoted = (
            PublicationChange.objects.filter(
                publication__round=locked,
                town_id=code,
                effect=ChangeEffect.BEGAN,
                cause=ChangeCause.SUBSTITUTION,
            )
            .select_related("designation")
            .latest("id")
            .designation
        )
        active = _active(code)
        if active is not None and active.pk == promoted.pk:
            _end(active, year, Ended.REVOKED, doc_no)
            former_tier = plan.former_tiers.get(code)
            if former_tier:
                restored = replace_designation(
                    towns[code], former_tier, year, doc_no=doc_no, began=Began.RESTORED, ended=Ended.REVOKED
                )
                _record(publication, restored, ChangeEffect.BEGAN, ChangeCause.SUBSTITUTION_REVOKED, doc_no)
        _record(publication, promoted, ChangeEffect.ENDED, ChangeCause.SUBSTITUTION_REVOKED, doc_no)
    for code in changes.eliminate:
        active = _active(code)
        if active is not None and active.tier == Tier.PROVINCIAL:
            _end(active, year, Ended.ELIMINATED, doc_no)
            _record(publication, active, ChangeEffect.ENDED, ChangeCause.ELIMINATION, doc_no)
    for code in changes.promote:
        former = _active(code)
        promoted = replace_designation(
            towns[code], Tier.PROVINCIAL, year, doc_no=doc_no, began=Began.SUBSTITUTE, ended=Ended.PROMOTED
        )
        if former is not None:
            former.refresh_from_db()
            _record(publication, former, ChangeEffect.ENDED, ChangeCause.SUBSTITUTION, doc_no)
        _record(publication, promoted, ChangeEffect.BEGAN, ChangeCause.SUBSTITUTION, doc_no)


def _reconcile_talks(
    locked: AssessmentRound,
    plan: selectors.PublicationPlan,
    publication: Publication,
    *,
    user: User | None,
    doc_no: str,
    today: date,
) -> None:
    """The 约谈 of the towns criticised (R8), each due settings.TALK_DUE_DAYS from today, told to the town's
    city and county (issue 10, point 4); those no longer criticised after a correction are cancelled."""
    due = today + timedelta(days=settings.TALK_DUE_DAYS)
    towns = Town.objects.select_related("county", "city").in_bulk(list(plan.talks_added))
    for code in plan.talks_added:
        talk, created = TalkFollowUp.objects.get_or_create(
            round=locked, town_id=code, defaults={"due_on": due}
        )
        if not created:
            talk.status, talk.note, talk.due_on = TalkStatus.PENDING, "", due
            talk.save(update_fields=["status", "note", "due_on", "updated_at"])
        town = towns[code]
        notify(
            audience(counties=[town.county_id], cities=[town.city_id]),
            kind=NotificationKind.TALK_CREATED,
            title=f"约谈已安排：{town.place_name}",
            body=(
                f"{town.name}列入{locked.year}年度示范镇通报批评（{doc_no}），其主要负责同志须接受约谈，"
                f"请于 {chinese_date(due)} 前配合落实。"
            ),
            link=reverse("assessment-talks", args=[locked.year]),
            dedupe_key=f"talk:{talk.pk}:created:{publication.number}",
            exclude=user,
        )
    for talk in locked.talks.filter(town_id__in=plan.talks_cancelled, status=TalkStatus.PENDING):
        talk.status, talk.note = TalkStatus.CANCELLED, "结果更正后不再列入通报批评，约谈撤销。"
        talk.save(update_fields=["status", "note", "updated_at"])


def _summary(plan: selectors.PublicationPlan) -> str:
    if plan.changes_nothing:
        return "重新发布，结果与已发布的一致：未重新发文，认定无变化。"
    verb = "编发" if plan.first else "重新发文"
    parts = [f"{NoticeKind(p.kind).label}{verb}" for p in plan.reissued]
    labels = (("restore", "撤销淘汰"), ("eliminate", "淘汰"), ("revoke", "撤销递补"), ("promote", "递补"))
    for name, label in labels:
        codes = getattr(plan.reconciliation, name)
        if codes:
            parts.append(f"{label} {len(codes)} 个")
    if plan.talks_added:
        parts.append(f"新增约谈 {len(plan.talks_added)} 个")
    if plan.talks_cancelled:
        parts.append(f"撤销约谈 {len(plan.talks_cancelled)} 个")
    return "；".join(parts)


def reopen(user: User, *, year: int | str, reason: str) -> AssessmentRound:
    """Reopen the year for correction: an explicit, audited act of a province_admin (R9). A published year's
    results stay in force until it is published again; a computed draft is discarded. Scoring opens again.
    Refused while the year's job runs, and while year + 1 is computed or published (reopen it first)."""
    _require_admin(user)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("重新开放须填写原因。")
    year = checked_year(year)
    with transaction.atomic():
        locked = AssessmentRound.objects.select_for_update().filter(year=year).first()
        if locked is None or locked.state == RoundState.OPEN:
            raise DomainError(f"{year}年度评价正在评分中，无需重新开放。")
        if _run_in_progress(locked):
            raise DomainError(f"{year}年度评价计算任务{locked.get_job_state_display()}，完成后才能重新开放。")
        refusal = _successor_refusal(year, "重新开放")
        if refusal:
            raise DomainError(refusal)
        drafts = {"status": ResultStatus.PROPOSED}
        with change_set(locked, actor=user):  # the discarded draft, as one entry
            for notice in locked.notices.filter(**drafts):
                notice.results.clear()
            locked.notices.filter(**drafts).delete()
            locked.eliminations.filter(**drafts).delete()
            _audit_deleted_results(locked, locked.results.filter(**drafts), current_change_set())
            locked.results.filter(**drafts).delete()
        # The round has no run until it runs again (the earlier ones stay listed as jobs).
        locked.state, locked.job, locked.reopened_reason = RoundState.OPEN, None, reason[:300]
        locked.save()
    return locked


def remind_due_talks(today: date | None = None) -> int:
    """For Celery beat, every morning (issue 10, point 4): each pending 约谈 whose due date has come is told to
    the town's city and county officials, once per talk and due date (a run repeated the same day, or the
    next, tells nobody twice). Returns how many notifications were created."""
    today = today or timezone.localdate()
    told = 0
    for talk in selectors.due_talks(today, default_days=settings.TALK_DUE_DAYS):
        town = talk.town
        due = talk.due_on or timezone.localdate(talk.created_at) + timedelta(days=settings.TALK_DUE_DAYS)
        late = (today - due).days
        when = f"已逾期 {late} 天" if late > 0 else "今日到期"
        with transaction.atomic():
            told += len(
                notify(
                    audience(counties=[town.county_id], cities=[town.city_id]),
                    kind=NotificationKind.TALK_DUE,
                    title=f"约谈待落实：{town.place_name}",
                    body=(
                        f"{town.name}（{talk.round.year}年度通报批评）的约谈期限为 {chinese_date(due)}，"
                        f"{when}，尚未登记约谈情况。请督促落实。"
                    ),
                    link=reverse("assessment-talks", args=[talk.round.year]),
                    dedupe_key=f"talk:{talk.pk}:due:{due.isoformat()}",
                )
            )
    return told


def mark_talk_held(user: User, *, talk: TalkFollowUp, held_on: date | None, note: str = "") -> TalkFollowUp:
    _require_admin(user)
    if held_on is None:
        raise DomainError("请填写约谈日期。")
    with transaction.atomic():
        talk = TalkFollowUp.objects.select_for_update().select_related("town").get(pk=talk.pk)
        if talk.status == TalkStatus.CANCELLED:
            raise DomainError(f"{talk.town.name}的约谈已因结果更正撤销，无需登记。")
        talk.status, talk.held_on, talk.note = TalkStatus.HELD, held_on, (note or "").strip()
        talk.save()
    return talk


def latest_year() -> int | None:
    return AssessmentRound.objects.aggregate(year=Max("year"))["year"]
