"""Writes about funding (R6): quotas, allocations and the proposed allocation of a county's (or a city's)
quota.

Which quota: a bond allocation to a project of a city-level town (市级示范镇) draws on its city's own quota,
every other on its county's (funding.rules.quota_region_code); the allocation records the quota it drew.

Race safety: every bond allocation locks the quota row first (SELECT … FOR UPDATE on PostgreSQL), then
the project row, and only then sums what is already allocated and reads the project's investment and bond
figures; two allocations racing for the last of a quota therefore queue up, and the second sees what the
first took; an allocation racing an edit of the project (projects.services, which locks the project row
and sums the allocations too) sees the edited investment, or the edit sees the allocation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from core.choices import NotificationKind
from core.concurrency import stale_version_refusal
from core.errors import Conflict, DomainError, checked_year
from core.formats import money
from core.money import parse_money
from core.notifications import audience, notify
from projects.models import Project
from projects.rules import recommended_bond_type
from towns.models import Region, RegionLevel

from .choices import BOND_KIND_OF_SOURCE, FundingSource
from .models import Allocation, DebtQuota
from .rules import NOTE_MAX, allocation_refusal, may_allocate_to, quota_floor_refusal, revision_refusal
from .selectors import allocated_to, proposal, quota_region_of, remaining_of

if TYPE_CHECKING:
    from accounts.models import User

ALLOCATING_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICIAL})
QUOTA_IMPORT = "funding.quotas"  # the importers' kinds (funding.imports)
ALLOCATION_IMPORT = "funding.allocations"


def set_quota(
    user: User,
    *,
    region: Region,
    year: int | str,
    general_amount: object,
    special_amount: object,
    version: int | None = None,
) -> DebtQuota:
    """Set a county's (or city's) new-debt quota for a year; province_admin only (R6; None: an operator's
    command or an import's job). A city's quota serves its city-level towns' projects. With `version` (the
    quota as the form showed it), a quota changed since is refused with Conflict."""
    if user is not None and getattr(user, "role", None) != Role.PROVINCE_ADMIN:
        raise DomainError("只有省级管理员可以下达新增债务限额。")
    if region.level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        raise DomainError("新增债务限额按市（州）或县（市、区）下达。")
    year = checked_year(year)
    general, problem = parse_money(general_amount, "新增一般债务限额")
    if problem:
        raise DomainError(problem)
    special, problem = parse_money(special_amount, "新增专项债务限额")
    if problem:
        raise DomainError(problem)
    with transaction.atomic():
        quota, created = DebtQuota.objects.select_for_update().get_or_create(region=region, year=year)
        if not created:
            refusal = stale_version_refusal(version, quota.version, what="限额")
            if refusal:
                raise Conflict(refusal)
            quota.version += 1
        for kind, amount in (("general", general), ("special", special)):
            refusal = quota_floor_refusal(kind, amount, remaining_of(quota, kind, used_only=True))
            if refusal:
                raise DomainError(refusal)
        quota.general_amount, quota.special_amount = general, special
        quota.save()
    return quota


def may_allocate(user: User) -> bool:
    """Whether the user's role allocates at all (province_admin, city officials): who is offered the
    allocation form and the proposals; allocate() and accept_proposal() still check the project's or the
    region's city."""
    return getattr(user, "role", None) in ALLOCATING_ROLES


def _may_allocate(user: User | None, project: Project) -> None:
    """province_admin, or an official of the project's city (None: an operator's command, trusted)."""
    if user is None:
        return
    if not may_allocate_to(
        getattr(user, "role", None), getattr(user, "region_id", None), project.town.city_id
    ):
        raise DomainError("只有省级管理员或项目所在市（州）的工作人员可以安排资金。")


def _project_bond_type(project: Project) -> str:
    return recommended_bond_type(
        project.public_welfare,
        project.special_bond_field,
        project.annual_revenue,
        project.annual_debt_service,
    )


def allocate(
    user: User,
    *,
    project: Project,
    source: str,
    amount: object,
    year: int | str,
    note: str = "",
    notify_county: bool = True,
) -> Allocation:
    """Allocate amount 万元 from source to project for year (R6): a bond allocation must match the project's
    recommended bond type and fit what is left of the quota it draws on (its county's, its city's for a
    city-level town: funding.rules.quota_region_code); no allocation exceeds the project's unfunded
    investment. notify_county=False leaves the county's message to the caller (an import tells each county
    once, tell_allocations)."""
    _may_allocate(user, project)
    year = checked_year(year)
    amount, problem = parse_money(amount, "安排金额")
    if problem:
        raise DomainError(problem)
    if source not in FundingSource.values:
        raise DomainError(f"未知的资金来源“{source}”。")
    if len((note or "").strip()) > NOTE_MAX:
        raise DomainError(f"备注超过 {NOTE_MAX} 个字符。")
    with transaction.atomic():
        allocation = _allocate_locked(user, project.pk, source, amount, year, note)
        if notify_county:
            _tell_counties(user, [allocation])
    return allocation


def revise_allocation(
    user: User | None,
    *,
    allocation: Allocation,
    amount: object,
    note: str | None = None,
    notify_county: bool = True,
) -> Allocation:
    """Change a recorded allocation's amount (and, unless None, its note) (R6): its project, source, year and
    quota stay. A raise is checked as an allocation of the difference (funding.rules.revision_refusal: the
    project's current bond type, within its unfunded investment and what is left of the quota the allocation
    drew on); a reduction gives back. Who: as allocate(). Locks the quota, then the project (every path's
    order), then the allocation. The county is told of a changed amount (notify_county=False: the caller
    tells, tell_allocations)."""
    _may_allocate(user, allocation.project)
    amount, problem = parse_money(amount, "安排金额")
    if problem:
        raise DomainError(problem)
    if note is not None and len(note.strip()) > NOTE_MAX:
        raise DomainError(f"备注超过 {NOTE_MAX} 个字符。")
    kind = BOND_KIND_OF_SOURCE.get(FundingSource(allocation.source))
    with transaction.atomic():
        quota = None
        if kind is not None and allocation.quota_id is not None:
            quota = DebtQuota.objects.select_for_update().filter(pk=allocation.quota_id).first()
        project = Project.objects.select_for_update().select_related("town").get(pk=allocation.project_id)
        locked = Allocation.objects.select_for_update().select_related("project__town").get(pk=allocation.pk)
        before = locked.amount
        if amount != before:
            refusal = revision_refusal(
                locked.source,
                before,
                amount,
                _project_bond_type(project),
                project.investment - allocated_to(project),
                remaining_of(quota, kind) if quota is not None else None,
                project.status,
                city_quota=quota is not None and quota.region_id == project.town.city_id,
            )
            if refusal:
                raise DomainError(refusal)
        locked.amount = amount
        if note is not None:
            locked.note = note.strip()
        locked.save(update_fields=["amount", "note", "updated_at"])
        if notify_county and amount != before:
            _tell_revisions(user, [(locked, before)])
    return locked


def tell_allocations(
    user: User | None,
    *,
    made: Sequence[Allocation] = (),
    revised: Sequence[tuple[Allocation, Decimal]] = (),
) -> None:
    """Tell each county once of the allocations made and the amounts revised by one operation (an import),
    inside its transaction: revised holds (allocation, amount before)."""
    if made:
        _tell_counties(user, list(made))
    changed = [(allocation, before) for allocation, before in revised if allocation.amount != before]
    if changed:
        _tell_revisions(user, changed)


def _allocate_locked(
    user: User, project_id: int, source: str, amount: Decimal, year: int, note: str
) -> Allocation:
    kind = BOND_KIND_OF_SOURCE.get(FundingSource(source))
    project = Project.objects.select_related("town").get(pk=project_id)
    region_code = quota_region_of(project)
    quota = None
    if kind is not None:
        # Quota first, then project: every path takes the locks in this order.
        quota = DebtQuota.objects.select_for_update().filter(region_id=region_code, year=year).first()
    project = Project.objects.select_for_update().select_related("town").get(pk=project_id)
    allocated = allocated_to(project)
    refusal = allocation_refusal(
        source,
        amount,
        _project_bond_type(project),
        project.investment - allocated,
        remaining_of(quota, kind) if quota is not None else None,
        project.status,
        city_quota=region_code == project.town.city_id,
    )
    if refusal:
        raise DomainError(refusal)
    return Allocation.objects.create(
        project=project,
        source=source,
        amount=amount,
        year=year,
        quota=quota,
        note=(note or "").strip(),
        created_by=user,
    )


def accept_proposal(user: User, *, region: Region, year: int | str) -> list[Allocation]:
    """Create every allocation of the current proposal in one transaction (province, or the region's city)."""
    if not isinstance(region, Region) or region.level not in (RegionLevel.COUNTY, RegionLevel.CITY):
        raise DomainError("请选择县（市、区），或市（州）本级。")
    city_code = region.code if region.level == RegionLevel.CITY else region.parent_id
    role = getattr(user, "role", None)
    if not (role == Role.PROVINCE_ADMIN or (role == Role.CITY_OFFICIAL and user.region_id == city_code)):
        raise DomainError("只有省级管理员或该县所在市（州）的工作人员可以确认资金安排方案。")
    year = checked_year(year)
    with transaction.atomic():
        locked = DebtQuota.objects.select_for_update().filter(region=region, year=year).first()
        if locked is None:
            raise DomainError(f"{region.name} {year} 年尚未下达新增债务限额。")
        _quota, lines = proposal(region, year)
        if not lines:
            raise DomainError("没有可安排的项目，或限额已全部安排。")
        allocations = [
            _allocate_locked(
                user, line.project_id, line.source, line.amount, year, f"按优先顺序安排：{line.reason}"
            )
            for line in lines
        ]
        _tell_counties(user, allocations)
    return allocations


def _tell_counties(user: User, allocations: list[Allocation]) -> None:
    """Issue 10, point 4: allocations made tell the county officials of each project's town, in the
    allocation's transaction; one message per county (a proposal accepted names every project)."""
    by_county: defaultdict[str | None, list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        by_county[allocation.project.town.county_id].append(allocation)
    for county, made in by_county.items():
        first = made[0]
        if len(made) == 1:
            project = first.project
            title = f"资金已安排：{project.town.name}“{project.name}”"
            body = (
                f"{project.town.name}的项目“{project.name}”安排{first.year}年"
                f"{FundingSource(first.source).label} {money(first.amount)} 万元。"
            )
            if first.note:
                body += f"备注：{first.note}"
            link = reverse("project-detail", args=[project.pk]) + "#funding"
        else:
            total = sum((allocation.amount for allocation in made), Decimal("0.00"))
            lines = "；".join(
                f"{a.project.town.name}“{a.project.name}” {FundingSource(a.source).label} {money(a.amount)} 万元"
                for a in made
            )
            title = f"资金已安排：{len(made)} 个项目"
            body = (
                f"{first.year}年为本县（市、区）{len(made)} 个项目安排资金共 {money(total)} 万元：{lines}。"
            )
            link = f"{reverse('funding-allocations')}?county={county}&year={first.year}"
        notify(
            audience(counties=[county]),
            kind=NotificationKind.ALLOCATION_MADE,
            title=title,
            body=body,
            link=link,
            dedupe_key=f"allocation:{first.pk}:{len(made)}",
            exclude=user,
        )


def _revision_line(allocation: Allocation, before: Decimal) -> str:
    project = allocation.project
    return (
        f"{project.town.name}“{project.name}” {allocation.year}年{FundingSource(allocation.source).label}"
        f"由 {money(before)} 万元调整为 {money(allocation.amount)} 万元"
    )


def _tell_revisions(user: User | None, revised: list[tuple[Allocation, Decimal]]) -> None:
    """Changed amounts tell the county officials of each project's town, one message per county."""
    by_county: defaultdict[str | None, list[tuple[Allocation, Decimal]]] = defaultdict(list)
    for allocation, before in revised:
        by_county[allocation.project.town.county_id].append((allocation, before))
    for county, changed in by_county.items():
        first = changed[0][0]
        if len(changed) == 1:
            project = first.project
            title = f"资金安排已调整：{project.town.name}“{project.name}”"
            body = f"{_revision_line(*changed[0])}。"
            link = reverse("project-detail", args=[project.pk]) + "#funding"
        else:
            title = f"资金安排已调整：{len(changed)} 笔"
            body = f"本县（市、区）{len(changed)} 笔资金安排的金额已调整：{'；'.join(_revision_line(*c) for c in changed)}。"
            link = f"{reverse('funding-allocations')}?county={county}&year={first.year}"
        stamp = f"{first.updated_at:%Y%m%d%H%M%S%f}" if first.updated_at else ""
        notify(
            audience(counties=[county]),
            kind=NotificationKind.ALLOCATION_MADE,
            title=title,
            body=body,
            link=link,
            dedupe_key=f"allocation-revised:{first.pk}:{stamp}:{len(changed)}",
            exclude=user,
        )
