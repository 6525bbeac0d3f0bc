"""Pages of the town directory, the R1 quota report, the designations across towns and the designation
import; each list's export is registered in towns.exports and answered by core.exports.export_response. A
town's own page (and its tier changes) is composed on the top floor: dashboard.views.town_detail."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render

from core import import_views
from core.counting import ListPaginator
from core.exports import export_response

from . import exports, selectors
from .choices import Tier
from .rules import PROVINCE_TARGETS
from .services import DESIGNATION_IMPORT

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
MAX_TYPED = 64  # a town's name or code is shorter; the rest of a longer text cannot match
MAX_PAGE_SIZE = 200


def _page_size(request):
    try:
        size = int(request.GET.get("page_size", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return min(max(size, 1), MAX_PAGE_SIZE)


@login_required
def town_list(request):
    filterset, towns, sorting = exports.filtered_towns(request.user, request.GET)
    page = ListPaginator(towns, _page_size(request)).get_page(request.GET.get("page"))
    cities, counties = selectors.directory_regions(request.user)
    selected_city = request.GET.get("city", "")
    if selected_city:
        counties = [county for county in counties if county.parent_id == selected_city]
    context = {
        "filterset": filterset,
        "sorting": sorting,
        "page": page,
        "page_sizes": PAGE_SIZES,
        "page_size": page.paginator.per_page,
        "cities": cities,
        "counties": counties,
        "selected_city": selected_city,
        "selected_county": request.GET.get("county", ""),
    }
    return render(request, "towns/town_list.html", context)


@login_required
def town_suggest(request):
    """Towns for a town field as it is typed (static/js/portal.js fills its datalist): ≤ 20 of the user's
    scope by code, pinyin initials or name; a town outside the scope is never offered, as if it did not
    exist. JSON {"results": [{"code", "name", "county_name", "label"}]}."""
    towns = selectors.suggest_towns(
        request.user,
        request.GET.get("q", "")[:MAX_TYPED],
        city=request.GET.get("city", ""),
        county=request.GET.get("county", ""),
        designated=request.GET.get("designated") == "1",
    )
    results = [
        {
            "code": town.code,
            "name": town.name,
            "county_name": town.county.name,
            "label": f"{town.name}（{town.county.name}）",
        }
        for town in towns
    ]
    return JsonResponse({"results": results})


@login_required
def town_export(request):
    return export_response(request, "towns.towns")


@login_required
def quota_page(request):
    context = exports.quota_lists(request.user, request.GET)
    province = context["province"]
    context["province_lines"] = (
        [(line, PROVINCE_TARGETS[line.tier]) for line in province.lines] if province is not None else []
    )
    context["tiers"] = Tier
    return render(request, "towns/quotas.html", context)


@login_required
def quota_export(request):
    return export_response(request, "towns.quotas")


# --- designations across towns (R2) ----------------------------------------------------------------------


@login_required
def designation_list(request):
    """Every designation of the user's towns, ended ones too (R2: kept forever), filtered and sorted."""
    filterset, designations, sorting = exports.filtered_designations(request.user, request.GET)
    page = ListPaginator(designations, DEFAULT_PAGE_SIZE).get_page(request.GET.get("page"))
    cities, counties = selectors.directory_regions(request.user)
    selected_city = request.GET.get("city", "")
    if selected_city:
        counties = [county for county in counties if county.parent_id == selected_city]
    context = {
        "filterset": filterset,
        "sorting": sorting,
        "page": page,
        "cities": cities,
        "counties": counties,
        "selected_city": selected_city,
        "selected_county": request.GET.get("county", ""),
    }
    return render(request, "towns/designation_list.html", context)


@login_required
def designation_export(request):
    return export_response(request, "towns.designations")


@login_required
def designation_import(request):
    """The designation import's upload page (R2, province_admin): core's two-step import, kind
    towns.designations; a good file goes to its preview (/imports/<id>/)."""
    return import_views.upload_page(request, DESIGNATION_IMPORT)


@login_required
def designation_import_template(request):
    return import_views.import_template(request, DESIGNATION_IMPORT)
