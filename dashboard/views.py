"""The home page (首页): the designations and quotas in the user's scope, the to-do list (待办事项) of
candidate submissions awaiting the user, and a county's projects not yet reported this period.

The top floor: it reads from every app below it, and nothing below imports it.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Role
from projects.rules import period_of
from selection.views import INBOX_TITLES
from towns import selectors as town_selectors
from towns.choices import Tier

from . import selectors


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
    """The first rows of the user's inbox and their total, for the home page's 待办事项 card."""
    rows, total = selectors.inbox_preview(user)
    return {
        "awaiting": rows,
        "awaiting_total": total,
        "awaiting_more": total - len(rows),
        "inbox_title": INBOX_TITLES.get(user.role),
    }
