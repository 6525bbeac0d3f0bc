"""Reads of the home page (首页): the first rows of the user's to-do list and the county's unreported count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projects.rules import Period
from projects.selectors import unreported_projects
from selection import selectors as selection_selectors

if TYPE_CHECKING:
    from accounts.models import User
    from selection.models import Submission

HOME_INBOX_ROWS = 8


def inbox_preview(user: User, *, rows: int = HOME_INBOX_ROWS) -> tuple[list[Submission], int]:
    """The first rows of the submissions awaiting the user (earliest deadline first) and how many there
    are: one query, two when the first rows do not hold them all."""
    awaiting = selection_selectors.awaiting_action(user).order_by("round__deadline", "town_id")
    first = list(awaiting[:rows])
    total = len(first) if len(first) < rows else awaiting.count()
    return first, total


def unreported_count(user: User, period: Period) -> int:
    """How many of the user's projects due to report have no report for the period."""
    return unreported_projects(user, period).queryset.count()
