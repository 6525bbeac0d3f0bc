"""The to-do list (待办事项, issue 10, point 5): everything waiting for the user's step, from every app below,
as plain items, overdue ones first. The /towns/inbox/ page, the home page's card and GET /api/v1/todo/ read
this one list.

Per role: a county official — its drafts (a returned one marked 已退回 with the city's comment), its projects
not reported for the period that ended (overdue) and for the current one, the pending 约谈 of its towns; a
city official — submissions awaiting its recommendation, pending 约谈, its towns unscored or incompletely
scored in a year open for scoring; a province_admin — submissions awaiting the decision, years computed but
not published, towns unscored or incompletely scored, pending 约谈. Other roles act on none of these.

A constant number of queries whatever the number of items: one per source, and one set per open year.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessment import selectors as assessment_selectors
from assessment.choices import RoundState
from core.formats import chinese_date
from core.roles import Role
from projects.rules import Period, period_of, previous_period
from projects.selectors import unreported_projects
from selection import selectors as selection_selectors
from towns.choices import Tier

from .choices import TodoKind

if TYPE_CHECKING:
    from accounts.models import User
    from assessment.models import AssessmentRound, TalkFollowUp
    from assessment.selectors import TownToScore
    from projects.models import Project
    from selection.models import Submission

HOME_TODO_ROWS = 8
TOWNS_NAMED = 5  # how many towns a province-wide line names before "等"

TODO_TITLES = {
    Role.COUNTY_OFFICIAL: "候选镇申报草稿（含被退回的）、未报送进度的项目、待落实的约谈",
    Role.CITY_OFFICIAL: "待审核推荐的候选镇、待落实的约谈、本市（州）未评分或评分不完整的示范镇",
    Role.PROVINCE_ADMIN: "待审定的候选镇、已计算待发布的年度评价、未评分或评分不完整的示范镇、待落实的约谈",
}


@dataclass(frozen=True)
class TodoItem:
    """One line of the to-do list: what, why, where it is done, by when."""

    kind: str  # a TodoKind
    title: str
    detail: str
    link: str
    due: datetime.date | None = None
    overdue: bool = False
    mark: str = ""  # a short badge beside the title: 已退回, 已逾期
    ref: str = (
        ""  # the row it is about: "submission:12", "project:3", "talk:5", "town:220112100", "round:2024"
    )

    @property
    def kind_label(self) -> str:
        return TodoKind(self.kind).label

    @property
    def submission_id(self) -> int | None:
        name, _, pk = self.ref.partition(":")
        return int(pk) if name == "submission" else None


def todo_title(user: User) -> str | None:
    """What the user's to-do list holds, or None for a role that acts on none of it."""
    return TODO_TITLES.get(getattr(user, "role", None))


def todo_items(user: User, *, today: datetime.date | None = None) -> list[TodoItem]:
    """The user's to-do list: overdue items first, then by due date (undated last), each source in its own
    order."""
    today = today or timezone.localdate()
    role = getattr(user, "role", None)
    items: list[TodoItem] = []
    if role not in TODO_TITLES:
        return items
    items += [_submission_item(s, role) for s in selection_selectors.awaiting_with_return_comment(user)]
    if role == Role.COUNTY_OFFICIAL:
        current = period_of(today, settings.PROGRESS_PERIOD)
        ended = previous_period(today, settings.PROGRESS_PERIOD)
        items += _unreported(user, ended, today, overdue=True)
        items += _unreported(user, current, today, overdue=False)
    else:
        for assessment_round in assessment_selectors.unfinished_rounds():
            items += _round_items(user, role, assessment_round)
    items += _talks(user, today)
    return sorted(items, key=_order)


def todo_preview(user: User, *, rows: int = HOME_TODO_ROWS) -> tuple[list[TodoItem], int]:
    """The first rows of the user's to-do list (the home page's card) and how many items there are."""
    items = todo_items(user)
    return items[:rows], len(items)


def _order(item: TodoItem) -> tuple[bool, bool, datetime.date]:
    return (not item.overdue, item.due is None, item.due or datetime.date.max)


# --- candidate submissions (R3) --------------------------------------------------------------------------


def _submission_item(submission: Submission, role: str) -> TodoItem:
    town, selection_round = submission.town, submission.round
    tier = Tier(submission.tier).label
    link = reverse("submission-detail", args=[submission.pk])
    ref = f"submission:{submission.pk}"
    deadline = chinese_date(selection_round.deadline)
    if role == Role.COUNTY_OFFICIAL:
        comment = submission.latest_return_comment
        if comment is not None:
            return TodoItem(
                TodoKind.RETURNED,
                f"修改后重新上报：{town.name}（{tier}）",
                f"退回意见：{comment}",
                link,
                due=selection_round.deadline,
                mark="已退回",
                ref=ref,
            )
        return TodoItem(
            TodoKind.DRAFT,
            f"上报候选镇申报：{town.name}（{tier}）",
            f"“{selection_round.name}”，{deadline}截止",
            link,
            due=selection_round.deadline,
            ref=ref,
        )
    if role == Role.CITY_OFFICIAL:
        return TodoItem(
            TodoKind.REVIEW,
            f"审核推荐：{town.place_name}（{tier}）",
            f"“{selection_round.name}”，县级已上报，申报{deadline}截止",
            link,
            ref=ref,
        )
    return TodoItem(
        TodoKind.DECISION,
        f"审定：{town.city.name}{town.place_name}（{tier}）",
        f"“{selection_round.name}”，市级已推荐",
        link,
        ref=ref,
    )


# --- progress reports (R5) -----------------------------------------------------------------------------


def _unreported(user: User, period: Period, today: datetime.date, *, overdue: bool) -> list[TodoItem]:
    projects = unreported_projects(user, period, filed_by_end=overdue).projects()
    return [_progress_item(project, period, today, overdue=overdue) for project in projects]


def _progress_item(project: Project, period: Period, today: datetime.date, *, overdue: bool) -> TodoItem:
    link = reverse("project-detail", args=[project.pk]) + "#report-card"
    if overdue:
        late = (today - period.end).days
        return TodoItem(
            TodoKind.PROGRESS_OVERDUE,
            f"报送{period.label}进度：{project.town.name}“{project.name}”",
            f"{period.label}已结束 {late} 天，尚未报送",
            link,
            due=period.end,
            overdue=True,
            mark="已逾期",
            ref=f"project:{project.pk}",
        )
    return TodoItem(
        TodoKind.PROGRESS,
        f"报送{period.label}进度：{project.town.name}“{project.name}”",
        f"本期（{period.label}）尚未报送，{chinese_date(period.end)}前报送",
        link,
        due=period.end,
        ref=f"project:{project.pk}",
    )


# --- the assessment (R7–R8) ----------------------------------------------------------------------------


def _round_items(user: User, role: str, assessment_round: AssessmentRound) -> list[TodoItem]:
    year = assessment_round.year
    if assessment_round.state == RoundState.COMPUTED:
        if role != Role.PROVINCE_ADMIN:
            return []
        return [
            TodoItem(
                TodoKind.UNPUBLISHED,
                f"审核发布：{year}年度示范镇评价",
                "已计算，待审核发布（通报、淘汰与递补随发布生效）",
                reverse("assessment-round", args=[year]),
                ref=f"round:{year}",
            )
        ]
    incomplete, unassessed = assessment_selectors.scoring_gaps(user, assessment_round)
    if role == Role.CITY_OFFICIAL:
        return [_town_to_score(year, town, TodoKind.UNSCORED) for town in unassessed] + [
            _town_to_score(year, town, TodoKind.INCOMPLETE) for town in incomplete
        ]
    link = reverse("assessment-scores", args=[year])
    lines = []
    for kind, towns, what in (
        (TodoKind.UNSCORED, unassessed, "未评分"),
        (TodoKind.INCOMPLETE, incomplete, "评分不完整"),
    ):
        if towns:
            named = "、".join(gap.town.place_name for gap in towns[:TOWNS_NAMED])
            more = f"等 {len(towns)} 个" if len(towns) > TOWNS_NAMED else ""
            lines.append(
                TodoItem(
                    kind,
                    f"{year}年度评价：{len(towns)} 个示范镇{what}",
                    f"{named}{more}",
                    link,
                    ref=f"round:{year}",
                )
            )
    return lines


def _town_to_score(year: int, gap: TownToScore, kind: str) -> TodoItem:
    town = gap.town
    if kind == TodoKind.UNSCORED:
        detail = f"{Tier(gap.tier).label}示范镇，尚未录入得分"
    else:
        detail = f"{Tier(gap.tier).label}示范镇，已录入 {gap.scored} 项，缺 {'、'.join(gap.missing)}"
    return TodoItem(
        kind,
        f"录入{year}年度得分：{town.place_name}",
        detail,
        reverse("assessment-score-town", args=[year, town.code]),
        ref=f"town:{town.code}",
    )


def _talks(user: User, today: datetime.date) -> list[TodoItem]:
    return [_talk_item(talk, today) for talk in assessment_selectors.pending_talks(user)]


def _talk_item(talk: TalkFollowUp, today: datetime.date) -> TodoItem:
    town, year = talk.town, talk.round.year
    late = talk.due_on is not None and talk.due_on < today
    due = f"，{chinese_date(talk.due_on)}前约谈" if talk.due_on else ""
    return TodoItem(
        TodoKind.TALK,
        f"落实约谈：{town.place_name}",
        f"列入{year}年度通报批评{due}",
        reverse("assessment-talks", args=[year]),
        due=talk.due_on,
        overdue=late,
        mark="已逾期" if late else "",
        ref=f"talk:{talk.pk}",
    )
