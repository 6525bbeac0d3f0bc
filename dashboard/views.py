"""The home page (首页): the designations and quotas in the user's scope, the to-do list (待办事项) of
candidate submissions awaiting the user, a county's projects not yet reported this period, and the role's
dashboard (issue 10); a region's page (/regions/<code>/) and the .xlsx export of the charts shown.

The top floor: it reads from every app below it, and nothing below imports it.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from accounts.models import Role
from core.charts import charts_workbook
from core.exports import XLSX_CONTENT_TYPE
from core.roles import RegionLevel
from core.scoping import covers
from dashboard.rules import MEASURES
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
        **dashboard_context(request),
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


# --- dashboards (issue 10): the role's charts on the home page, a region's page, the charts' workbook ------


def dashboard_context(request, region=None):
    """The dashboard of the user's scope (or of a region inside it) and what its page links to: the map's
    measures and the .xlsx export of exactly the charts shown."""
    dashboard = selectors.dashboard_for(request.user, region=region, measure=request.GET.get("measure"))
    return {"dashboard": dashboard, **dashboard_links(request, dashboard)}


def dashboard_links(request, dashboard):
    """Where the page's parts lead: the enclosing city (when the user may see it), the map's measures on this
    page, and the export of the charts shown."""
    query = {}
    if dashboard.level in (RegionLevel.CITY, RegionLevel.COUNTY):
        query["region"] = dashboard.region_code
    if dashboard.measure is not None:
        query["measure"] = dashboard.measure.key
    export_url = reverse("dashboard-export")
    if query:
        export_url += f"?{urlencode(query)}"
    parent_link = ""
    if dashboard.parent_code and covers(request.user, dashboard.parent_code):
        parent_link = reverse("dashboard-region", args=[dashboard.parent_code])
    measures = [(measure, f"{request.path}?{urlencode({'measure': measure.key})}") for measure in MEASURES]
    return {"parent_link": parent_link, "measures": measures, "export_url": export_url}


@login_required
def region_page(request, code):
    """/regions/<code>/: a city's dashboard with its counties, a county's with its towns; a region outside the
    user's scope answers exactly like one that does not exist."""
    region = selectors.region_in_scope(request.user, code)
    if region is None:
        raise Http404("地区不存在")
    return render(request, "dashboard/region.html", dashboard_context(request, region))


@login_required
def dashboard_export(request):
    """The charts of the home page (no region) or of a region's page as .xlsx, one sheet per chart, the same
    numbers as the charts' data tables."""
    code = request.GET.get("region", "")
    region = selectors.region_in_scope(request.user, code) if code else None
    if code and region is None:
        raise Http404("地区不存在")
    dashboard = selectors.dashboard_for(request.user, region=region, measure=request.GET.get("measure"))
    title = f"{dashboard.title}示范镇建设工作台" if dashboard.level else "示范镇建设工作台"
    content = charts_workbook(title, dashboard.charts, scope_note=dashboard.scope_note)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"{title}_{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
