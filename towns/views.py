"""Pages of the town directory, the R1 quota report and the designation import. A town's own page (and its
tier changes) is composed on the top floor: dashboard.views.town_detail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from core import import_views
from core.exports import xlsx_response

from . import exports, selectors
from .choices import Tier
from .filtersets import CITY_QUOTA_SORTS, COUNTY_QUOTA_SORTS, TOWN_SORTS, TownFilterSet
from .rules import PROVINCE_TARGETS
from .services import DESIGNATION_IMPORT

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _page_size(request):
    try:
        size = int(request.GET.get("page_size", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return min(max(size, 1), MAX_PAGE_SIZE)


def _filtered_towns(request):
    """The directory's FilterSet over the user's towns, its sort, and its rows in that order (none while a
    filter is invalid)."""
    filterset = TownFilterSet(request.GET, queryset=selectors.directory_towns(request.user))
    towns = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    sorting = TOWN_SORTS.sorting(request)
    return filterset, sorting.apply(towns), sorting


@login_required
def town_list(request):
    filterset, towns, sorting = _filtered_towns(request)
    page = Paginator(towns, _page_size(request)).get_page(request.GET.get("page"))
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
def town_export(request):
    filterset, towns, _sorting = _filtered_towns(request)
    if not filterset.is_valid():
        messages.error(request, "筛选条件有误，未导出。")
        return redirect("town-list")
    filename = f"示范镇名录-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(
        filename,
        "吉林省示范镇名录",
        exports.TOWN_COLUMNS,
        exports.town_rows(towns.iterator(chunk_size=2000)),
        unit_note=f"共 {towns.count()} 个乡镇",
    )


def _quota_context(request):
    province, cities, counties = selectors.quota_report(request.user)
    unmet_only = request.GET.get("unmet") == "1"
    if unmet_only:
        cities = [quota for quota in cities if not quota.met]
        counties = [quota for quota in counties if not quota.met]
    city_sorting = CITY_QUOTA_SORTS.sorting(request)
    county_sorting = COUNTY_QUOTA_SORTS.sorting(request)
    return {
        "province": province,
        "cities": city_sorting.apply(cities),
        "counties": county_sorting.apply(counties),
        "city_sorting": city_sorting,
        "county_sorting": county_sorting,
        "unmet_only": unmet_only,
        "parent_names": selectors.region_names(quota.parent_code for quota in [*cities, *counties]),
    }


@login_required
def quota_page(request):
    context = _quota_context(request)
    province = context["province"]
    context["province_lines"] = (
        [(line, PROVINCE_TARGETS[line.tier]) for line in province.lines] if province is not None else []
    )
    context["tiers"] = Tier
    return render(request, "towns/quotas.html", context)


@login_required
def quota_export(request):
    context = _quota_context(request)
    regions = [
        *([context["province"]] if context["province"] else []),
        *context["cities"],
        *context["counties"],
    ]
    filename = f"示范镇名额完成情况-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(
        filename,
        "吉林省示范镇指标完成情况",
        exports.QUOTA_COLUMNS,
        exports.quota_rows(regions, context["parent_names"]),
        unit_note=exports.QUOTA_UNIT_NOTE,
    )


@login_required
def designation_import(request):
    """The designation import's upload page (R2, province_admin): core's two-step import, kind
    towns.designations; a good file goes to its preview (/imports/<id>/)."""
    return import_views.upload_page(request, DESIGNATION_IMPORT)


@login_required
def designation_import_template(request):
    return import_views.import_template(request, DESIGNATION_IMPORT)
