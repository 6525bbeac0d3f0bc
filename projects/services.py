"""Writes about projects and their progress (R5); one transaction per operation."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from core.choices import NotificationKind
from core.concurrency import stale_version_refusal
from core.errors import Conflict, DomainError, from_validation_error
from core.money import parse_money
from core.notifications import audience, notify
from towns.models import TownKind

from .choices import ProjectStatus
from .models import ProgressReport, Project, TaskArea
from .rules import (
    COMPLETION_NOTE_MAX,
    FINAL_STATUSES,
    REPORTING_STATUSES,
    ReportFigures,
    completion_refusal,
    edit_refusals,
    parse_percent,
    period,
    period_of,
    previous_period,
    progress_refusal,
    status_change_refusal,
)
from .selectors import (
    allocations_of,
    counties_with_cities,
    is_designated,
    latest_report,
    neighbour_reports,
    project_terms,
    task_area_by_code,
    unreported_projects,
)

if TYPE_CHECKING:
    from accounts.models import User
    from towns.models import Town

MONEY_FIELDS = {"investment": "总投资", "annual_revenue": "预期年收益", "annual_debt_service": "年还本付息"}
EDITABLE_FIELDS = (
    "name",
    "task_area",
    "public_welfare",
    "special_bond_field",
    "investment",
    "annual_revenue",
    "annual_debt_service",
    "start_year",
    "end_year",
    "planning_approval_date",
    "planning_approval_doc_no",
    "design_approval_date",
    "design_approval_doc_no",
)


def may_file_projects(user: User) -> bool:
    """Whether the user is a county official with a county: the only one who files projects (R5)."""
    return getattr(user, "role", None) == Role.COUNTY_OFFICIAL and user.region_id is not None


def may_change_project(user: User, project: Project) -> bool:
    """Whether the user is an official of the project's county: the only one who may edit it, change its
    status and report its progress (R5)."""
    return may_file_projects(user) and user.region_id == project.town.county_id


def _require_county_of(user: User, town: Town) -> None:
    if getattr(user, "role", None) != Role.COUNTY_OFFICIAL:
        raise DomainError("只有县（市、区）工作人员可以填报和修改项目。")
    if user.region_id != town.county_id:
        # Not named: the caller may not learn which town that code is.
        raise DomainError("该镇不在您的管辖范围内，只能为本县（市、区）的镇填报项目。")


def _apply(project: Project, data: dict[str, object]) -> None:
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            f"不能填写的字段：{'、'.join(sorted(unknown))}（状态请用状态变更，计算字段不可填写）。"
        )
    problems = []
    start, end = data.get("start_year", project.start_year), data.get("end_year", project.end_year)
    try:
        if start is not None and end is not None and int(end) < int(start):
            problems.append("完工年度不能早于开工年度。")
    except (TypeError, ValueError):
        pass  # not numbers: full_clean names the field below
    for name, value in data.items():
        if name in MONEY_FIELDS:
            value, problem = parse_money(value, MONEY_FIELDS[name])
            if problem:
                problems.append(problem)
                continue
        if name == "task_area" and not isinstance(value, TaskArea):
            value = task_area_by_code(str(value).strip().upper())
            if value is None:
                problems.append(f"任务领域“{data[name]}”不存在，应为 T01–T15。")
                continue
        setattr(project, name, value)
    if problems:
        raise DomainError("填写的内容有误：" + "；".join(problems), details=problems)
    try:
        project.full_clean(exclude=["town", "created_by"])
    except ValidationError as exc:
        raise from_validation_error(exc, Project) from exc


def create_project(user: User, *, town: Town, data: Mapping[str, object]) -> Project:
    """A county official's new project for one of its demonstration towns (R5)."""
    _require_county_of(user, town)
    if town.kind != TownKind.TOWN or not is_designated(town):
        raise DomainError(f"{town.name}不是示范镇，不能填报示范镇建设项目。")
    project = Project(town=town, created_by=user)
    _apply(project, dict(data))
    with transaction.atomic():
        project.save()
    return project


def _locked(project_id: int) -> Project:
    """The project's fresh row, locked until the transaction ends (SELECT … FOR UPDATE).

    Lock order: an allocation locks its quota first and then the project (funding.services); the project
    services lock the project alone, so the two never wait on each other in a circle.
    """
    return Project.objects.select_for_update().select_related("town").get(pk=project_id)


def _check_version(project: Project, version: int | None) -> None:
    refusal = stale_version_refusal(version, project.version)
    if refusal:
        raise Conflict(refusal)


def update_project(
    user: User, *, project: Project, data: Mapping[str, object], version: int | None = None
) -> Project:
    """Edit a project's declared fields (its county only; status moves through change_status).

    Applied to the fresh, locked row (no lost update: a partial edit changes only what it sends). With
    `version` (what a whole-form edit was made from), a project changed since is refused with Conflict.
    R5/R6 hold under the edit: the investment stays at least what is allocated, the recommended bond type
    does not change while bond allocations exist, the approvals of a project 在建 are not erased.
    """
    _require_county_of(user, project.town)
    with transaction.atomic():
        project = _locked(project.pk)
        _check_version(project, version)
        if project.status in FINAL_STATUSES:
            raise DomainError(f"项目状态为“{project.get_status_display()}”，不能再修改。")
        before = project_terms(project)
        _apply(project, dict(data))
        allocated, bonds = allocations_of(project)
        refusals = edit_refusals(before, project_terms(project), allocated, bonds)
        if refusals:
            raise DomainError("".join(refusals), details=refusals if len(refusals) > 1 else None)
        project.version += 1
        project.save()
    return project


def change_status(
    user: User, *, project: Project, status: str, completion_note: str = "", version: int | None = None
) -> Project:
    """Move a project along R5's transitions on its fresh, locked row; 在建 needs both approvals recorded,
    已完工 the latest progress report at 100% or a completion note (recorded on the project). With `version`,
    a project changed since is refused with Conflict."""
    _require_county_of(user, project.town)
    note = (completion_note or "").strip()
    if note and status != ProjectStatus.COMPLETED:
        raise DomainError("完工说明只在转为已完工时填写。")
    if len(note) > COMPLETION_NOTE_MAX:
        raise DomainError(f"完工说明不能超过 {COMPLETION_NOTE_MAX} 字。")
    with transaction.atomic():
        project = _locked(project.pk)
        _check_version(project, version)
        refusal = status_change_refusal(
            project.status, status, project.has_planning_approval, project.has_design_approval
        )
        if not refusal and status == ProjectStatus.COMPLETED:
            latest = latest_report(project)
            refusal = completion_refusal(
                latest.percent_complete if latest else None, note, latest.period_label if latest else ""
            )
        if refusal:
            raise DomainError(refusal)
        project.status = status
        project.version += 1
        fields = ["status", "version", "updated_at"]
        if note:
            project.completion_note = note
            fields.append("completion_note")
        project.save(update_fields=fields)
    return project


def submit_report(
    user: User,
    *,
    project: Project,
    period_type: str,
    year: int | str,
    number: int | str,
    cumulative_investment: object,
    percent_complete: object,
    narrative: str = "",
) -> ProgressReport:
    """File the progress of a project for a month or quarter (调度). Cumulative figures never go backwards
    and never exceed the investment; the project's figures follow from its latest report (R5)."""
    _require_county_of(user, project.town)
    try:
        when = period(period_type, int(year), int(number))
    except (TypeError, ValueError) as exc:
        raise DomainError(str(exc) if str(exc) else "报送周期无效。") from exc
    cumulative, problem = parse_money(cumulative_investment, "累计完成投资")
    if problem:
        raise DomainError(problem)
    percent, problem = parse_percent(percent_complete)
    if problem:
        raise DomainError(problem)
    with transaction.atomic():
        project = _locked(project.pk)
        if project.status not in REPORTING_STATUSES:
            raise DomainError(f"项目处于“{project.get_status_display()}”状态，不需要报送进度。")
        earlier, later = neighbour_reports(project, when.end)
        refusal = progress_refusal(
            project.investment,
            cumulative,
            percent,
            earlier=_figures(earlier),
            later=_figures(later),
            today=timezone.localdate(),
            period_end=when.end,
        )
        if refusal:
            raise DomainError(refusal)
        try:
            with transaction.atomic():
                report = ProgressReport.objects.create(
                    project=project,
                    period_type=when.kind,
                    year=when.year,
                    number=when.number,
                    period_end=when.end,
                    cumulative_investment=cumulative,
                    percent_complete=percent,
                    narrative=(narrative or "").strip(),
                    reported_by=user,
                )
        except IntegrityError as exc:
            raise DomainError(f"该项目{when.label}已报送过进度。") from exc
        latest = latest_report(project)
        project.completed_investment = latest.cumulative_investment
        project.percent_complete = latest.percent_complete
        project.last_reported_period = period(latest.period_type, latest.year, latest.number).key
        project.save(
            update_fields=["completed_investment", "percent_complete", "last_reported_period", "updated_at"]
        )
    return report


def _figures(report: ProgressReport | None) -> ReportFigures | None:
    if report is None:
        return None
    return ReportFigures(report.period_end, report.cumulative_investment, report.percent_complete)


@dataclass(frozen=True)
class ReminderSummary:
    period_label: str
    counties: int
    notices: int


def remind_unreported(today: datetime.date | None = None) -> ReminderSummary:
    """In-app notifications (站内通知) to the county officials whose projects have not reported for the current
    period.

    Run by Celery beat at the start of each period; running it twice sends nothing twice (dedupe key).
    """
    today = today or timezone.localdate()
    current = period_of(today, settings.PROGRESS_PERIOD)
    pending = dict(unreported_projects(None, current).county_counts())
    told = 0
    for county, count in pending.items():
        with transaction.atomic():
            told += len(
                notify(
                    audience(counties=[county]),
                    kind=NotificationKind.PROGRESS_REMINDER,
                    title=f"请报送{current.label}项目进度",
                    body=f"本县（市、区）有 {count} 个在建或已批复项目尚未报送{current.label}进度。",
                    link=reverse("project-unreported"),
                    dedupe_key=f"progress:{current.key}:{county}",
                )
            )
    return ReminderSummary(current.label, len(pending), told)


@dataclass(frozen=True)
class OverdueSummary:
    period_label: str
    days_overdue: int
    counties: int
    county_notices: int
    city_notices: int


def remind_overdue(today: datetime.date | None = None) -> OverdueSummary:
    """For Celery beat, every morning (issue 10, point 4): the projects filed by the end of the period that
    ended last and still not reported for it are overdue. Their county officials are told the first day;
    once settings.PROGRESS_ESCALATION_DAYS have passed, the officials of the county's city are told too
    (one message per city naming its counties). Each once per period (dedupe keys): a run repeated, on the
    same day or the next, tells nobody twice."""
    today = today or timezone.localdate()
    ended = previous_period(today, settings.PROGRESS_PERIOD)
    late = (today - ended.end).days
    counts = dict(unreported_projects(None, ended, filed_by_end=True).county_counts())
    link = f"{reverse('project-unreported')}?period_type={ended.kind}&year={ended.year}&number={ended.number}"
    escalate = late >= settings.PROGRESS_ESCALATION_DAYS
    county_notices = city_notices = 0
    for county, count in counts.items():
        warning = (
            "" if escalate else f"逾期 {settings.PROGRESS_ESCALATION_DAYS} 天仍未报送的，将提醒所在市（州）。"
        )
        with transaction.atomic():
            county_notices += len(
                notify(
                    audience(counties=[county]),
                    kind=NotificationKind.PROGRESS_OVERDUE,
                    title=f"进度报送逾期：{ended.label}",
                    body=f"本县（市、区）有 {count} 个项目未报送{ended.label}进度，已逾期 {late} 天，请尽快报送。{warning}",
                    link=link,
                    dedupe_key=f"progress-overdue:{ended.key}:{county}",
                )
            )
    if escalate:
        by_city: dict[str | None, list[tuple[str, int]]] = {}
        for county, (name, city) in sorted(counties_with_cities(counts).items()):
            by_city.setdefault(city, []).append((name, counts[county]))
        for city, counties in by_city.items():
            listed = "、".join(f"{name} {count} 个" for name, count in counties)
            with transaction.atomic():
                city_notices += len(
                    notify(
                        audience(cities=[city]),
                        kind=NotificationKind.PROGRESS_OVERDUE,
                        title=f"进度报送逾期 {late} 天：{ended.label}",
                        body=(
                            f"所辖县（市、区）有项目逾期 {late} 天未报送{ended.label}进度：{listed}。"
                            "请督促报送。"
                        ),
                        link=link,
                        dedupe_key=f"progress-escalated:{ended.key}:{city}",
                    )
                )
    return OverdueSummary(ended.label, late, len(counts), county_notices, city_notices)
