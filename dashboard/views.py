"""The home page (首页): the designations and quotas in the user's scope, the first lines of the user's to-do
list (待办事项), and a county's projects not yet reported this period; the whole to-do list's page.

The top floor: it reads from every app below it, and nothing below imports it.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Role
from projects.rules import period_of
from towns import selectors as town_selectors
from towns.choices import Tier

from . import selectors, todo


@login_required
def home(request):
    user = request.user
    counts = town_selectors.active_counts_by_tier(user)
    province, cities, counties = town_selectors.quota_report(user)
    context = {
        "tier_counts": [(tier, label, counts.get(tier, 0)) for tier, label in Tier.choices],
        "designated_total": sum(counts.values()),
        "town_count": town_selectors.eligible_town_count(user),
        "province_quota": province,
        "unmet_cities": [quota for quota in cities if not quota.met],
        "unmet_counties": [quota for quota in counties if not quota.met],
        "city_count": len(cities),
        "county_count": len(counties),
        **home_inbox(user),
    }
    if user.role == Role.COUNTY_OFFICIAL:
        current = period_of(timezone.localdate(), settings.PROGRESS_PERIOD)
        context["unreported_period"] = current
        context["unreported_count"] = selectors.unreported_count(user, current)
    return render(request, "dashboard/home.html", context)


def home_inbox(user):
    """The first lines of the user's to-do list and how many there are, for the home page's 待办事项 card."""
    rows, total = todo.todo_preview(user)
    return {
        "todo_rows": rows,
        "todo_total": total,
        "todo_more": total - len(rows),
        "inbox_title": todo.todo_title(user),
    }


@login_required
def inbox(request):
    """The user's whole to-do list (待办事项), overdue items first; each line links to where it is done."""
    items = todo.todo_items(request.user)
    context = {
        "items": items,
        "overdue": sum(1 for item in items if item.overdue),
        "inbox_title": todo.todo_title(request.user),
    }
    return render(request, "dashboard/todo.html", context)
