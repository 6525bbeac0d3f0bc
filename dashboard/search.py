"""Find anything (issue 10, point 7): regions, towns, projects, notices and submissions matching what the user
typed, each group read through its app's own scoped selector (a record outside the user's scope is never
found), capped, the exact matches first. The header's search box, `/search/` and `GET /api/v1/search/`
show the same groups.

What matches: a name containing the text; a code starting with the digits typed; pinyin initials starting
with the letters typed (`cc` finds 长春市, core.pinyin); a notice by its document number (文号). One query per
group, whatever the number of rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Case, IntegerField, Model, Q, QuerySet, Value, When
from django.urls import reverse

from assessment import selectors as assessment_selectors
from assessment.choices import NoticeKind, ResultStatus
from core.errors import DomainError
from core.formats import money
from core.pinyin import initials_match
from core.roles import RegionLevel
from core.vocabulary import label
from projects import selectors as project_selectors
from projects.choices import ProjectStatus
from selection import selectors as selection_selectors
from selection.choices import SubmissionStatus
from towns import selectors as town_selectors
from towns.choices import Tier

from .choices import SearchKind
from .town_summary import notice_url

if TYPE_CHECKING:
    from accounts.models import User
    from assessment.models import Notice
    from projects.models import Project
    from selection.models import Submission
    from towns.models import Region, Town

_M = TypeVar("_M", bound=Model)

LIMIT = 8  # rows per group in the header's list
PAGE_LIMIT = 50  # rows per group on the results page
MAX_LIMIT = 50
MAX_LENGTH = 50
EMPTY_QUERY = "请输入要查找的内容：名称、区划代码、拼音首字母或文号。"
LONG_QUERY = f"查找内容过长，最多 {MAX_LENGTH} 个字。"
LETTERS = re.compile(r"[A-Za-z]+")
DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Hit:
    """One thing found: what the list shows and where it leads."""

    title: str
    detail: str
    url: str


@dataclass(frozen=True)
class Group:
    """The hits of one kind, at most `limit` of them; more: there were others."""

    kind: str
    label: str
    hits: tuple[Hit, ...]
    more: bool


@dataclass(frozen=True)
class Typed:
    """What the user typed, and which ways of matching it allows."""

    text: str
    is_code: bool  # digits: a code prefix
    is_initials: bool  # latin letters: pinyin initials


def typed_query(q: str | None) -> Typed:
    """The text to look for, or a DomainError in Chinese when it is empty or too long."""
    text = (q or "").strip()
    if not text:
        raise DomainError(EMPTY_QUERY)
    if len(text) > MAX_LENGTH:
        raise DomainError(LONG_QUERY)
    return Typed(text=text, is_code=bool(DIGITS.fullmatch(text)), is_initials=bool(LETTERS.fullmatch(text)))


def search(user: User, q: str | None, *, limit: int = LIMIT) -> list[Group]:
    """Every group, in SearchKind order (empty ones too), for the text the user typed (DomainError when
    empty). Five queries."""
    typed = typed_query(q)
    limit = max(1, min(limit, MAX_LIMIT))
    return [
        _group(SearchKind.REGION, _regions(user, typed), limit, _region_hit),
        _group(SearchKind.TOWN, _towns(user, typed), limit, _town_hit),
        _group(SearchKind.PROJECT, _projects(user, typed), limit, _project_hit),
        _group(SearchKind.NOTICE, _notices(user, typed), limit, _notice_hit),
        _group(SearchKind.SUBMISSION, _submissions(user, typed), limit, _submission_hit),
    ]


def _group(kind: SearchKind, rows: QuerySet[_M], limit: int, hit: Callable[[_M], Hit]) -> Group:
    found = list(rows[: limit + 1])
    return Group(
        kind=kind.value,
        label=str(kind.label),
        hits=tuple(hit(row) for row in found[:limit]),
        more=len(found) > limit,
    )


def _place_match(typed: Typed, prefix: str = "") -> Q:
    """A place (region or town) by name, code prefix or pinyin initials."""
    match = Q(**{f"{prefix}name__contains": typed.text})
    if typed.is_code:
        match |= Q(**{f"{prefix}code__startswith": typed.text})
    if typed.is_initials:
        match |= initials_match(typed.text, f"{prefix}initials")
    return match


def _place_order(typed: Typed, prefix: str = "") -> Case:
    """0 for the exact code or name, 1 for a name, code or initials starting with the text, 2 for the rest."""
    starts = Q(**{f"{prefix}name__startswith": typed.text})
    if typed.is_code:
        starts |= Q(**{f"{prefix}code__startswith": typed.text})
    if typed.is_initials:
        starts |= Q(**{f"{prefix}initials__startswith": typed.text.lower()})
    return Case(
        When(Q(**{f"{prefix}code": typed.text}) | Q(**{f"{prefix}name": typed.text}), then=Value(0)),
        When(starts, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


# --- the groups ------------------------------------------------------------------------------------------


def _regions(user: User, typed: Typed) -> QuerySet[Region]:
    return (
        town_selectors.visible_regions(user)
        .filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY])
        .filter(_place_match(typed))
        .select_related("parent")
        .annotate(match=_place_order(typed))
        .order_by("match", "code")
    )


def _region_hit(region: Region) -> Hit:
    directory = reverse("town-list")
    if region.level == RegionLevel.CITY:
        return Hit(
            region.name, f"{RegionLevel.CITY.label} · {region.code}", f"{directory}?city={region.code}"
        )
    return Hit(region.name, f"{region.parent.name} · {region.code}", f"{directory}?county={region.code}")


def _towns(user: User, typed: Typed) -> QuerySet[Town]:
    return (
        town_selectors.directory_towns(user)
        .filter(_place_match(typed))
        .annotate(match=_place_order(typed))
        .order_by("match", "code")
    )


def _town_hit(town: Town) -> Hit:
    parts = [f"{town.city.name} {town.county.name}", town.code]
    if town.active_tier:
        parts.append(f"{label(Tier, town.active_tier)}示范镇")
    return Hit(town.name, " · ".join(parts), reverse("town-detail", args=[town.code]))


def _projects(user: User, typed: Typed) -> QuerySet[Project]:
    order = Case(
        When(name=typed.text, then=Value(0)),
        When(name__istartswith=typed.text, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        project_selectors.visible_projects(user)
        .filter(name__icontains=typed.text)
        .annotate(match=order)
        .order_by("match", "town_id", "id")
    )


def _project_hit(project: Project) -> Hit:
    detail = (
        f"{project.town.name} · {label(ProjectStatus, project.status)} · {money(project.investment)} 万元"
    )
    return Hit(project.name, detail, reverse("project-detail", args=[project.pk]))


def _notices(user: User, typed: Typed) -> QuerySet[Notice]:
    order = Case(When(doc_no=typed.text, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        assessment_selectors.visible_notices(user)
        .prefetch_related(None)
        .filter(doc_no__icontains=typed.text)
        .annotate(match=order)
        .order_by("match", "-round__year", "kind", "-id")
    )


def _notice_hit(notice: Notice) -> Hit:
    detail = f"{notice.round.year}年度{label(NoticeKind, notice.kind)}"
    if notice.status == ResultStatus.SUPERSEDED:
        detail += "（已被更正替代）"
    return Hit(notice.doc_no or "", detail, notice_url(notice))


def _submissions(user: User, typed: Typed) -> QuerySet[Submission]:
    return (
        selection_selectors.visible_submissions(user, with_documents=False)
        .filter(_place_match(typed, "town__"))
        .annotate(match=_place_order(typed, "town__"))
        .order_by("match", "-round__deadline", "town_id")
    )


def _submission_hit(submission: Submission) -> Hit:
    status = label(SubmissionStatus, submission.status)
    if submission.status in SubmissionStatus.values:
        status = SubmissionStatus(submission.status).short_label
    detail = f"{submission.round.name} · {label(Tier, submission.tier)} · {status}"
    return Hit(submission.town.name, detail, reverse("submission-detail", args=[submission.pk]))
