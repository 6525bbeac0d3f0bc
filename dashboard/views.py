"""The home page (首页): the designations and quotas in the user's scope, the first lines of the user's to-do
list (待办事项), a county's projects not yet reported this period, and the role's dashboard (charts, the map,
the measures table); a region's page (/regions/<code>/) and the .xlsx export of the charts shown; the whole
to-do list's page; a town's page, composed of every app's record of it; the global search's results page.

The top floor: it reads from every app below it, and nothing below imports it.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from core.audit import history_for
from core.charts import charts_workbook
from core.errors import DomainError
from core.exports import export_response, workbook_response
from core.roles import RegionLevel
from core.scoping import covers
from projects.rules import period_of
from towns import selectors as town_selectors
from towns.choices import Tier, TierChange
from towns.filtersets import DESIGNATION_SORTS
from towns.forms import TierChangeForm
from towns.services import change_tier, may_change_tiers

from . import selectors, todo
from .rules import MEASURES
from .search import PAGE_LIMIT, search
from .town_summary import town_summary


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
    """The first lines of the user's to-do list and how many there are, for the home page's 待办事项 card."""
    rows, total = todo.todo_preview(user)
    return {
        "todo_rows": rows,
        "todo_total": total,
        "todo_more": total - len(rows),
        "inbox_title": todo.todo_title(user),
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
    return workbook_response(content, f"{title}_{timezone.localdate():%Y%m%d}.xlsx")


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


@login_required
def inbox_export(request):
    """The whole to-do list as .xlsx, the page's items in the page's order."""
    return export_response(request, "dashboard.todo")


# --- a town's page (issue 10, point 6) ------------------------------------------------------------------


def _town_summary(request, code):
    # Outside the user's scope a town is treated exactly as if it did not exist.
    summary = town_summary(request.user, code)
    if summary is None:
        raise Http404
    return summary


def _town_page(request, summary, tier_form=None):
    town = summary.town
    offers_tier_change = town.is_town and may_change_tiers(request.user, town)
    sorting = DESIGNATION_SORTS.sorting(request)
    context = {
        "town": town,
        "summary": summary,
        "designations": sorting.apply(summary.designations),
        "designation_sorting": sorting,
        "history": history_for(town, *summary.designations),
        "tier_form": (tier_form or TierChangeForm()) if offers_tier_change else None,
        "score_chart": summary.score_chart(),
        "rank_chart": summary.rank_chart(),
    }
    return render(request, "towns/town_detail.html", context)


@login_required
def town_detail(request, code):
    """Everything of one town the user's scope allows, in one place (the same as its summary in the API);
    `?export=xlsx` gives its charts' numbers, one sheet per chart."""
    summary = _town_summary(request, code)
    if request.GET.get("export") == "xlsx":
        title = f"{summary.town.name}（{summary.town.code}）"
        content = charts_workbook(title, [summary.score_chart(), summary.rank_chart()])
        return workbook_response(content, f"{summary.town.name}_评价图表_{timezone.localdate():%Y%m%d}.xlsx")
    return _town_page(request, summary)


@login_required
@require_POST
def town_tier_change(request, code):
    """Promote, change or withdraw the town's designation outside a round, with a document number (R2)."""
    if not may_change_tiers(request.user):
        raise PermissionDenied("只有省级管理员或市（州）工作人员可以调整示范镇层级。")
    town = town_selectors.visible_town(request.user, code)
    if town is None:
        raise Http404
    form = TierChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            change_tier(
                request.user,
                town=town,
                change=data["change"],
                year=data["year"],
                doc_no=data["doc_no"],
                new_tier=data["new_tier"] or None,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if data["change"] == TierChange.WITHDRAW:
                done = f"已撤销{town.name}的示范镇认定（{data['doc_no'].strip()}）。"
            else:
                done = (
                    f"已将{town.name}调整为{Tier(data['new_tier']).label}示范镇（{data['doc_no'].strip()}）。"
                )
            messages.success(request, done)
            return redirect("town-detail", code=town.code)
    else:
        messages.error(request, "层级调整未执行，请修改标出的内容。")
    return _town_page(request, _town_summary(request, code), tier_form=form)


# --- find anything (issue 10, point 7) ------------------------------------------------------------------


@login_required
def search_page(request):
    """Every group of the global search, more rows each than the header's list."""
    q = request.GET.get("q", "")
    groups, problem = [], None
    try:
        groups = search(request.user, q, limit=PAGE_LIMIT)
    except DomainError as exc:
        problem = exc.message if q.strip() else None
    context = {
        "q": q.strip(),
        "groups": groups,
        "found": sum(len(group.hits) for group in groups),
        "problem": problem,
        "page_limit": PAGE_LIMIT,
    }
    return render(request, "dashboard/search.html", context)
