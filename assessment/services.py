"""Writes of the annual assessment (R7–R9), one transaction per operation; the job is `compute_round`."""

import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from accounts.models import Role
from core.errors import DomainError, checked_year
from core.tabular import read_table
from projects.models import TaskArea
from towns.choices import Began, Ended, Tier
from towns.models import Designation, Town
from towns.services.designations import replace_designation

from . import rules
from .models import (
    AssessmentRound,
    Elimination,
    Indicator,
    IndicatorSystem,
    JobState,
    Notice,
    NoticeKind,
    Result,
    ResultStatus,
    RoundState,
    Score,
    TalkFollowUp,
    Veto,
)

log = logging.getLogger("portal.assessment")
SCORE_COLUMNS = ("town_code", "indicator_code", "points")


# --- rounds and indicator systems ----------------------------------------------------------------------


def ensure_round(year):
    """The year's round, created on first use with the default indicator system of R7 (T01–T15)."""
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
            Indicator.objects.bulk_create(
                Indicator(
                    system=system, code=code, name=areas[code].name, task_area=areas[code], max_points=points
                )
                for code, points in rules.DEFAULT_INDICATORS
            )
        assessment_round, _ = AssessmentRound.objects.get_or_create(year=year, defaults={"system": system})
    return assessment_round


def _require_admin(user):
    if getattr(user, "role", None) != Role.PROVINCE_ADMIN:
        raise DomainError("只有省级管理员可以执行此操作。")


def _require_unscored(assessment_round):
    if assessment_round.state != RoundState.OPEN or assessment_round.scores.exists():
        raise DomainError("评分已经开始，指标体系和评价设置不能再修改。")


def update_settings(user, year, **values):
    """Grade thresholds and the top / bottom counts, before scoring starts (R7, R8)."""
    _require_admin(user)
    assessment_round = ensure_round(year)
    _require_unscored(assessment_round)
    allowed = {"excellent_threshold", "good_threshold", "pass_threshold", "top_count", "bottom_count"}
    unknown = set(values) - allowed
    if unknown:
        raise DomainError(f"不能修改的设置：{'、'.join(sorted(unknown))}")
    for name, value in values.items():
        try:
            value = Decimal(str(value)) if name.endswith("threshold") else int(value)
        except (InvalidOperation, ValueError):
            raise DomainError(f"设置“{name}”的值“{value}”无效。") from None
        setattr(assessment_round, name, value)
    r = assessment_round
    if not (Decimal("100") >= r.excellent_threshold >= r.good_threshold >= r.pass_threshold >= Decimal("0")):
        raise DomainError("分数线应满足 100 ≥ 优秀 ≥ 良好 ≥ 合格 ≥ 0。")
    if r.top_count < 1 or r.bottom_count < 1:
        raise DomainError("表扬和批评名额至少为 1。")
    with transaction.atomic():
        assessment_round.save()
    return assessment_round


def copy_system(user, year, from_year):
    """Replace the year's (unscored) indicator system with a copy of another year's (R7: versioned)."""
    _require_admin(user)
    assessment_round = ensure_round(year)
    _require_unscored(assessment_round)
    source = (
        IndicatorSystem.objects.filter(year=checked_year(from_year)).prefetch_related("indicators").first()
    )
    if source is None:
        raise DomainError(f"{from_year} 年没有指标体系可复制。")
    with transaction.atomic():
        system = assessment_round.system
        system.indicators.all().delete()
        Indicator.objects.bulk_create(
            Indicator(
                system=system, code=i.code, name=i.name, task_area_id=i.task_area_id, max_points=i.max_points
            )
            for i in source.indicators.all()
        )
        system.copied_from = source
        system.save(update_fields=["copied_from", "updated_at"])
    return system


def save_indicators(user, year, indicators):
    """Set the year's indicators [(code, name, task_area code, max_points)]: the maxima must sum to 100."""
    _require_admin(user)
    assessment_round = ensure_round(year)
    _require_unscored(assessment_round)
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
        system = assessment_round.system
        system.indicators.all().delete()
        Indicator.objects.bulk_create(
            Indicator(system=system, code=code, name=name, task_area_id=area, max_points=points)
            for code, name, area, points in rows
        )
    return assessment_round.system


# --- who is assessed -----------------------------------------------------------------------------------


def designated_in_year(year, town_codes=None):
    """town code → (tier, city code) of every town designated at some point of the year; when a town changed
    tier within the year, the latest designation counts."""
    designations = (
        Designation.objects.in_year(year).select_related("town").order_by("town_id", "from_year", "id")
    )
    if town_codes is not None:
        designations = designations.filter(town_id__in=set(town_codes))
    held = {}
    for designation in designations:
        held[designation.town_id] = (designation.tier, designation.town.city_id)
    return held


def unassessed_towns(year):
    """The designated towns with no score yet for the year: shown before a run so that none is forgotten."""
    assessment_round = ensure_round(year)
    scored = set(assessment_round.scores.values_list("town_id", flat=True).distinct())
    held = designated_in_year(assessment_round.year)
    return Town.objects.filter(code__in=[code for code in held if code not in scored]).select_related(
        "county", "city"
    )


# --- scores and vetoes ---------------------------------------------------------------------------------


def _require_scoring_open(assessment_round):
    if assessment_round.state != RoundState.OPEN:
        raise DomainError(
            f"{assessment_round.year}年度评价{assessment_round.get_state_display()}，不能再录入得分。"
        )


def _may_score(user, town):
    role = getattr(user, "role", None)
    if role == Role.PROVINCE_ADMIN:
        return
    if role == Role.CITY_OFFICIAL and user.region_id == town.city_id:
        return
    raise DomainError("只有省级管理员或该镇所在市（州）的工作人员可以录入得分。")


def save_scores(user, year, town, points_by_code):
    """Enter (or correct) a town's points per indicator code for the year (R7)."""
    assessment_round = ensure_round(year)
    _may_score(user, town)
    _require_scoring_open(assessment_round)
    if town.code not in designated_in_year(assessment_round.year, [town.code]):
        raise DomainError(f"{town.name}在 {assessment_round.year} 年不是示范镇，不参加评价。")
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
    with transaction.atomic():
        for indicator, points in values.items():
            Score.objects.update_or_create(
                round=assessment_round,
                town=town,
                indicator=indicator,
                defaults={"points": points, "entered_by": user},
            )
    return len(values)


@dataclass(frozen=True)
class ScoreImportSummary:
    rows: int
    towns: int


def import_scores(file_name, data, year, actor=None):
    """import_scores: every row checked first; any bad row (unknown town or indicator, points outside
    0…maximum, duplicate row, town with no designation that year) imports nothing (R7)."""
    assessment_round = ensure_round(year)
    _require_scoring_open(assessment_round)
    rows = read_table(file_name, data, SCORE_COLUMNS)
    indicators = {i.code: i for i in assessment_round.system.indicators.all()}
    codes = {row.values.get("town_code", "").strip() for row in rows}
    towns = Town.objects.in_bulk(list(codes))
    held = designated_in_year(assessment_round.year, codes)
    errors, accepted, seen = [], [], {}
    for row in rows:
        code = row.values.get("town_code", "").strip()
        indicator_code = row.values.get("indicator_code", "").strip().upper()
        raw = row.values.get("points", "").strip()
        problems = []
        if code not in towns:
            problems.append(f"区划代码 {code or '（空）'} 不存在")
        elif code not in held:
            problems.append(f"{towns[code].name}（{code}）在 {assessment_round.year} 年不是示范镇")
        indicator = indicators.get(indicator_code)
        if indicator is None:
            problems.append(f"指标代码“{indicator_code}”不在 {assessment_round.year} 年的指标体系中")
        else:
            problem = rules.points_refusal(raw, indicator.max_points)
            if problem:
                problems.append(problem)
        key = (code, indicator_code)
        if key in seen:
            problems.append(f"与第 {seen[key]} 行重复")
        else:
            seen[key] = row.number
        if problems:
            errors.append(f"第 {row.number} 行：{'；'.join(problems)}")
        else:
            accepted.append((towns[code], indicator, Decimal(raw).quantize(Decimal("0.01"))))
    if errors:
        raise DomainError(
            f"导入未执行：{len(errors)} 行有错误，请修改后重新导入（没有写入任何数据）。", details=errors
        )
    with transaction.atomic():
        for town, indicator, points in accepted:
            Score.objects.update_or_create(
                round=assessment_round,
                town=town,
                indicator=indicator,
                defaults={"points": points, "entered_by": actor},
            )
    return ScoreImportSummary(rows=len(accepted), towns=len({town.code for town, _, _ in accepted}))


def record_veto(user, year, town, reason, doc_no="", document=None):
    """一票否决 with its reason and proving document (R7); province_admin, or an operator command (user None)."""
    if user is not None:
        _require_admin(user)
    assessment_round = ensure_round(year)
    if assessment_round.is_frozen:
        raise DomainError(
            f"{assessment_round.year}年度评价已发布，不能再登记一票否决（如需更正请先重新开放）。"
        )
    if town.code not in designated_in_year(assessment_round.year, [town.code]):
        raise DomainError(f"{town.name}在 {assessment_round.year} 年不是示范镇。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写一票否决事项。")
    with transaction.atomic():
        veto = Veto(
            round=assessment_round, town=town, reason=reason[:300], doc_no=(doc_no or "").strip()[:100]
        )
        veto.recorded_by = user
        if document is not None:
            veto.document = document
        veto.save()
    return veto


# --- the job -------------------------------------------------------------------------------------------


def start_assessment(user, year):
    """Queue the year's computation. Two starts at once give one run: the round row is locked and a queued
    or running job is not queued again. Returns (round, started: bool)."""
    if user is not None:
        _require_admin(user)
    assessment_round = ensure_round(year)
    with transaction.atomic():
        locked = AssessmentRound.objects.select_for_update().get(pk=assessment_round.pk)
        if locked.is_frozen:
            raise DomainError(f"{locked.year}年度评价已发布并冻结；重新计算须先由省级管理员重新开放。")
        if locked.job_state in (JobState.QUEUED, JobState.RUNNING):
            return locked, False
        # Computing closes scoring: the figures the job reads cannot change under it.
        locked.state = RoundState.SCORING_CLOSED
        locked.job_state, locked.job_progress = JobState.QUEUED, 0
        locked.job_message = "已提交，等待计算"
        locked.job_started_at, locked.job_finished_at = timezone.now(), None
        locked.save(
            update_fields=["job_state", "job_progress", "job_message", "job_started_at", "job_finished_at"]
        )
        from .tasks import run_assessment_job

        # robust: without a worker the job runs inside this request; its failure is recorded on the round
        # (job_state failed, with the reason) rather than turned into a server error.
        transaction.on_commit(lambda: run_assessment_job.delay(locked.pk), robust=True)
    return locked, True


def _progress(round_id, percent, message, state=JobState.RUNNING):
    AssessmentRound.objects.filter(pk=round_id).update(
        job_state=state, job_progress=percent, job_message=message
    )


@dataclass(frozen=True)
class RunSummary:
    year: int
    assessed: int
    unassessed: int
    praised: int
    criticised: int
    eliminated: int


def compute_round(round_id):
    """The assessment job (R7–R9): composite scores and grades, competition ranks per tier (vetoed last),
    praise and criticism lists with boundary ties, two-year eliminations with substitutes. A second run of
    the same year replaces the draft results instead of adding to them."""
    claimed = AssessmentRound.objects.filter(
        pk=round_id, job_state__in=[JobState.QUEUED, JobState.IDLE]
    ).update(job_state=JobState.RUNNING, job_progress=5, job_message="读取得分")
    if not claimed:
        # Another worker holds this round (or it is already done): one run at a time.
        return None
    try:
        summary = _compute(AssessmentRound.objects.select_related("system").get(pk=round_id))
    except Exception as exc:
        log.exception("assessment %s failed", round_id)
        AssessmentRound.objects.filter(pk=round_id).update(
            job_state=JobState.FAILED, job_message=f"计算失败：{exc}"[:300], job_finished_at=timezone.now()
        )
        raise
    return summary


def _compute(assessment_round):
    year = assessment_round.year
    thresholds = rules.Thresholds(
        assessment_round.excellent_threshold, assessment_round.good_threshold, assessment_round.pass_threshold
    )
    held = designated_in_year(year)
    totals = dict(
        assessment_round.scores.values("town_id")
        .annotate(total=Sum("points"))
        .values_list("town_id", "total")
    )
    vetoed = set(assessment_round.vetoes.values_list("town_id", flat=True))
    _progress(assessment_round.pk, 30, "计算综合得分与排名")

    by_tier = defaultdict(list)
    for code, (tier, city) in held.items():
        if code in totals:
            by_tier[tier].append(rules.Entry(code, city, tier, Decimal(totals[code]), code in vetoed))
    ranked = {tier: rules.rank_tier(entries, thresholds) for tier, entries in by_tier.items()}

    provincial = ranked.get(Tier.PROVINCIAL, [])
    praised = rules.praised(provincial, assessment_round.top_count)
    criticised = rules.criticised(provincial, assessment_round.bottom_count)
    _progress(assessment_round.pk, 60, "比对上一年度结果，确定淘汰与递补")

    previous = AssessmentRound.objects.filter(year=year - 1, state=RoundState.PUBLISHED).first()
    last_bottom, provincial_last_year = None, set()
    if previous is not None:
        notice = previous.notices.filter(kind=NoticeKind.CRITICISM).first()
        last_bottom = set(notice.results.values_list("town_id", flat=True)) if notice else set()
        provincial_last_year = set(
            previous.results.filter(tier=Tier.PROVINCIAL, assessed=True).values_list("town_id", flat=True)
        )
    this_bottom = {r.town_code for r in criticised}
    out = rules.eliminated(this_bottom, last_bottom, provincial_last_year & {r.town_code for r in provincial})
    worst_first = sorted((r for r in provincial if r.town_code in out), key=lambda r: (-r.rank, r.town_code))
    candidates = [
        rules.Candidate(r.town_code, r.city_code, r.tier, r.score, r.grade)
        for tier in (Tier.CITY, Tier.COUNTY)
        for r in ranked.get(tier, [])
        if not r.vetoed
    ]
    substitutions = rules.substitutes([(r.town_code, r.city_code) for r in worst_first], candidates)

    assessed = sum(1 for code in held if code in totals)
    with transaction.atomic():
        # Draft results of an earlier run of this year are replaced, never added to.
        assessment_round.notices.all().delete()
        assessment_round.eliminations.all().delete()
        assessment_round.results.all().delete()
        rows = [
            Result(
                round=assessment_round,
                town_id=r.town_code,
                tier=r.tier,
                assessed=True,
                score=r.score,
                grade=r.grade,
                rank=r.rank,
                vetoed=r.vetoed,
            )
            for tier_ranked in ranked.values()
            for r in tier_ranked
        ]
        rows += [
            Result(round=assessment_round, town_id=code, tier=tier, assessed=False)
            for code, (tier, _city) in held.items()
            if code not in totals
        ]
        Result.objects.bulk_create(rows, batch_size=1000)
        results = {r.town_id: r for r in assessment_round.results.all()}
        for kind, chosen in ((NoticeKind.PRAISE, praised), (NoticeKind.CRITICISM, criticised)):
            notice = Notice.objects.create(round=assessment_round, kind=kind)
            notice.results.set([results[r.town_code] for r in chosen])
        Elimination.objects.bulk_create(
            Elimination(
                round=assessment_round,
                town_id=s.eliminated_code,
                substitute_id=s.substitute_code,
                substitute_tier=s.substitute_tier or "",
                substitute_score=s.substitute_score,
                same_city=s.same_city,
            )
            for s in substitutions
        )
        AssessmentRound.objects.filter(pk=assessment_round.pk).update(
            state=RoundState.COMPUTED,
            job_state=JobState.DONE,
            job_progress=100,
            job_message=f"已完成：参评 {assessed} 个，未评 {len(held) - assessed} 个",
            job_finished_at=timezone.now(),
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Result._meta.db_table}")
    return RunSummary(
        year=year,
        assessed=assessed,
        unassessed=len(held) - assessed,
        praised=len(praised),
        criticised=len(criticised),
        eliminated=len(substitutions),
    )


# --- publication ---------------------------------------------------------------------------------------


def publish(user, year, doc_prefix):
    """Publish the year's results (R8, R9): notice numbers, every designation change at once, the 约谈
    follow-ups, and the round frozen. One transaction."""
    if user is not None:
        _require_admin(user)
    doc_prefix = (doc_prefix or "").strip()
    if not doc_prefix:
        raise DomainError("请填写发文字号前缀，如 吉示范镇办。")
    assessment_round = ensure_round(year)
    today = timezone.localdate()
    with transaction.atomic():
        locked = AssessmentRound.objects.select_for_update().get(pk=assessment_round.pk)
        if locked.state != RoundState.COMPUTED:
            raise DomainError(
                f"{locked.year}年度评价当前为“{locked.get_state_display()}”，须先运行计算再发布。"
            )
        used = Notice.objects.filter(doc_no__startswith=f"{doc_prefix}〔{today.year}〕").count()
        numbers = {}
        # Praise is numbered before criticism, as the office issues them.
        notices = sorted(locked.notices.all(), key=lambda notice: notice.kind != NoticeKind.PRAISE)
        for offset, notice in enumerate(notices, start=1):
            notice.doc_no = rules.notice_doc_no(doc_prefix, today.year, used + offset)
            notice.date, notice.status = today, ResultStatus.PUBLISHED
            notice.save()
            numbers[notice.kind] = notice.doc_no
        locked.results.update(status=ResultStatus.PUBLISHED)
        criticism_doc = numbers.get(NoticeKind.CRITICISM, "")
        for elimination in locked.eliminations.select_related("town", "substitute"):
            active = Designation.objects.active().filter(town=elimination.town, tier=Tier.PROVINCIAL).first()
            if active is not None:
                active.to_year, active.ended, active.end_doc_no = (
                    max(locked.year, active.from_year),
                    Ended.ELIMINATED,
                    criticism_doc,
                )
                active.save(update_fields=["to_year", "ended", "end_doc_no", "updated_at"])
            if elimination.substitute is not None:
                replace_designation(
                    elimination.substitute,
                    Tier.PROVINCIAL,
                    locked.year,
                    criticism_doc,
                    began=Began.SUBSTITUTE,
                    ended=Ended.PROMOTED,
                )
            elimination.status = ResultStatus.PUBLISHED
            elimination.save(update_fields=["status"])
        criticised = locked.notices.filter(kind=NoticeKind.CRITICISM).first()
        if criticised is not None:
            for result in criticised.results.all():
                TalkFollowUp.objects.get_or_create(round=locked, town_id=result.town_id)
        locked.state, locked.published_at, locked.published_by = RoundState.PUBLISHED, timezone.now(), user
        locked.doc_prefix, locked.reopened_reason = doc_prefix, ""
        locked.save()
    return locked


def reopen(user, year, reason):
    """Reopen a published round: an explicit, audited act of a province_admin (R9). Scoring opens again so
    that scores and vetoes can be corrected; a re-run replaces the results and a new publication re-numbers.
    Designation changes already made stay as they are (a later decision changes them, with its own number)."""
    _require_admin(user)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("重新开放须填写原因。")
    assessment_round = ensure_round(year)
    with transaction.atomic():
        locked = AssessmentRound.objects.select_for_update().get(pk=assessment_round.pk)
        if locked.state != RoundState.PUBLISHED:
            raise DomainError("只有已发布的年度评价需要重新开放。")
        locked.state, locked.job_state, locked.reopened_reason = (
            RoundState.OPEN,
            JobState.IDLE,
            reason[:300],
        )
        locked.save()
    return locked


def mark_talk_held(user, talk, held_on, note=""):
    _require_admin(user)
    if held_on is None:
        raise DomainError("请填写约谈日期。")
    talk.status, talk.held_on, talk.note = "held", held_on, (note or "").strip()
    with transaction.atomic():
        talk.save()
    return talk


def latestchecked_year():
    return AssessmentRound.objects.aggregate(year=Max("year"))["year"]
