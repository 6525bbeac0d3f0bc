"""What the assessment pages share: the year's round as a page shows it, the admin check, refusals as messages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from core.counting import ListPaginator
from core.scoping import is_province_admin

from .. import exports, selectors
from ..models import (
    JobState,
)

ACTIVE_JOB = (JobState.QUEUED, JobState.RUNNING)

# The long lists (rankings, the score sheet) page as the towns directory does: a national tier has 18,000
# towns, and no page renders them all (their exports stay whole).
PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


def _page(request, rows):
    """The page of rows the request asks for (?page=, ?page_size= one of PAGE_SIZES), with its context."""
    try:
        size = int(request.GET.get("page_size", DEFAULT_PAGE_SIZE))
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    if size not in PAGE_SIZES:
        size = DEFAULT_PAGE_SIZE
    page = ListPaginator(rows, size).get_page(request.GET.get("page"))
    return {"page": page, "page_sizes": PAGE_SIZES, "page_size": size}


def _round(year):
    """The year's round, or its defaults until the first write creates it (a page visit never does); a
    year outside 2000–2100 is a page that does not exist."""
    return exports.year_round(year)


def _require_admin(request, what):
    if not is_province_admin(request.user):
        raise PermissionDenied(f"只有省级管理员可以{what}。")


def _indicators(assessment_round):
    return selectors.round_indicators(assessment_round)


def _show_refusal(form, exc):
    """Put each reason of refused points under the indicator it names ("T01 …："), else above the form."""
    if not exc.details:
        form.add_error(None, exc.message)
        return
    form.add_error(None, "得分未保存，请修改标出的内容。")
    for detail in exc.details:
        code = detail.split(" ", 1)[0]
        form.add_error(code if code in form.fields else None, detail)


@login_required
def _refusals_as_messages(request, form, shown):
    """A refused POST whose form the page no longer shows (scoring closed) says why in messages."""
    if form is None or shown:
        return
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
