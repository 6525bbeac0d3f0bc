"""Pages of funding (R6): the summary per region and per task area, the new-debt quotas, the allocations and
the proposed allocation of a county's (or a city's own) quota. Thin: the services decide and write, the
selectors read."""

import hashlib
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from core.counting import ListPaginator
from core.errors import Conflict, DomainError
from core.exports import export_response
from core.forms import refuse_stale
from core.scoping import is_province_admin
from projects import selectors as project_selectors
from projects.choices import BondType
from towns.models import RegionLevel
from towns.selectors import directory_regions

from . import exports, selectors
from .forms import AllocationForm, QuotaForm
from .services import accept_proposal, allocate, may_allocate, set_quota

PAGE_SIZE = 50


def _today_year():
    return timezone.localdate().year


_year = exports.year_asked


def _require_allocator(request):
    if not may_allocate(request.user):
        raise PermissionDenied(exports.ALLOCATORS_ONLY)


def _with_query(url_name, **params):
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{reverse(url_name)}?{query}" if query else reverse(url_name)


# --- summary per region and per task area ---------------------------------------------------------------


@login_required
def summary(request):
    year, problem, province, cities, counties, parent_names = exports.region_summary(
        request.user, request.GET
    )
    if problem:
        messages.warning(request, problem)
    task_areas = selectors.task_area_summary(request.user, year)
    context = {
        "year": year,
        "years": selectors.funding_years(request.user, around=_today_year()),
        "province": province,
        "cities": cities,
        "counties": counties,
        "parent_names": parent_names,
        "task_areas": task_areas,
        "task_area_total": exports.task_area_total(task_areas),
        "may_allocate": may_allocate(request.user),
        "may_set_quota": is_province_admin(request.user),
    }
    return render(request, "funding/summary.html", context)


@login_required
def summary_export(request):
    return export_response(request, "funding.summary")


@login_required
def task_area_export(request):
    return export_response(request, "funding.task_areas")


# --- quotas ------------------------------------------------------------------------------------------


@login_required
def quota_list(request):
    filterset, quotas, sorting = exports.filtered_quotas(request.user, request.GET)
    page = ListPaginator(quotas, PAGE_SIZE).get_page(request.GET.get("page"))
    cities, counties = directory_regions(request.user)
    context = {
        "filterset": filterset,
        "sorting": sorting,
        "page": page,
        "cities": cities,
        "counties": counties,
        "years": selectors.funding_years(request.user, around=_today_year()),
        "may_set_quota": is_province_admin(request.user),
        "may_allocate": may_allocate(request.user),
    }
    return render(request, "funding/quota_list.html", context)


@login_required
def quota_export(request):
    return export_response(request, "funding.quotas")


@login_required
def quota_set(request):
    """Set a county's (or city's) new-debt quota for a year (R6): province_admin only."""
    if not is_province_admin(request.user):
        raise PermissionDenied("只有省级管理员可以下达新增债务限额。")
    cities, counties = directory_regions(request.user)
    stale = None
    if request.method == "POST":
        form = QuotaForm(request.POST, cities=cities, counties=counties)
        if form.is_valid():
            data = form.cleaned_data
            try:
                quota = set_quota(
                    request.user,
                    region=data["region"],
                    year=data["year"],
                    general_amount=data["general_amount"],
                    special_amount=data["special_amount"],
                    version=data["version"],
                )
            except Conflict as exc:
                current = selectors.visible_quota(request.user, data["region"].code, int(data["year"]))
                stale = refuse_stale(form, exc.message, _quota_values(current), current.version)
                form.data["opened"] = QuotaForm.opened_value(current)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"已下达{quota.region.name} {quota.year} 年新增债务限额：一般债券 {quota.general_amount:,.2f} 万元，"
                    f"专项债券 {quota.special_amount:,.2f} 万元。",
                )
                return redirect(_with_query("funding-quotas", year=quota.year))
    else:
        form = QuotaForm(initial=_quota_initial(request), cities=cities, counties=counties)
    return render(request, "funding/quota_form.html", {"form": form, "stale": stale})


def _quota_values(quota):
    """A quota's amounts as the form shows them (beside a refused stale save)."""
    return {
        "region": quota.region_id,
        "year": str(quota.year),
        "general_amount": f"{quota.general_amount:.2f}",
        "special_amount": f"{quota.special_amount:.2f}",
    }


def _quota_initial(request):
    """?region=&year= prefill the form, with the amounts already set for that region and year."""
    region, year = request.GET.get("region", ""), request.GET.get("year", "")
    initial = {"region": region} if region else {}
    if year:
        initial["year"] = year
    if region and year.isdigit():
        quota = selectors.visible_quota(request.user, region, int(year))
        if quota is not None:
            initial.update(
                general_amount=quota.general_amount,
                special_amount=quota.special_amount,
                opened=QuotaForm.opened_value(quota),
            )
    return initial


# --- allocations -------------------------------------------------------------------------------------


@login_required
def allocation_list(request):
    filterset, allocations, sorting = exports.filtered_allocations(request.user, request.GET)
    page = ListPaginator(allocations, PAGE_SIZE).get_page(request.GET.get("page"))
    cities, counties = directory_regions(request.user)
    task_areas = list(project_selectors.task_areas())
    project_id = filterset.form.cleaned_data.get("project") if filterset.is_valid() else None
    context = {
        "filterset": filterset,
        "sorting": sorting,
        "page": page,
        "totals": selectors.allocation_totals(allocations),
        "cities": cities,
        "counties": counties,
        "selected_city": request.GET.get("city", ""),
        "selected_county": request.GET.get("county", ""),
        "task_areas": task_areas,
        "task_area_names": {area.code: area.name for area in task_areas},
        "years": selectors.funding_years(request.user, around=_today_year()),
        "filtered_project": (
            project_selectors.visible_project(request.user, project_id) if project_id else None
        ),
        "filtered_quota_region": _filtered_quota_region(request, filterset, cities, counties),
        "may_allocate": may_allocate(request.user),
    }
    return render(request, "funding/allocation_list.html", context)


def _filtered_quota_region(request, filterset, cities, counties):
    code = filterset.form.cleaned_data.get("quota_region") if filterset.is_valid() else None
    return next((region for region in [*cities, *counties] if region.code == code), None) if code else None


@login_required
def allocation_export(request):
    return export_response(request, "funding.allocations")


def _requested_project(request):
    """The project named by ?project= (or the posted project); outside the user's scope it does not exist."""
    raw = (request.POST if request.method == "POST" else request.GET).get("project", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("未找到。")
    return get_object_or_404(project_selectors.visible_projects(request.user), pk=int(raw))


@login_required
def allocation_create(request):
    """Allocate a source and amount to a project for a year (R6): province_admin, or the project's city."""
    _require_allocator(request)
    project = _requested_project(request)
    projects = project_selectors.visible_projects(request.user)
    if request.method == "POST":
        form = AllocationForm(request.POST, projects=projects)
        if form.is_valid():
            data = form.cleaned_data
            try:
                allocation = allocate(
                    request.user,
                    project=data["project"],
                    source=data["source"],
                    amount=data["amount"],
                    year=data["year"],
                    note=data["note"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"已为“{allocation.project.name}”安排{allocation.get_source_display()} "
                    f"{allocation.amount:,.2f} 万元（{allocation.year} 年）。",
                )
                return redirect(_with_query("funding-allocations", project=allocation.project_id))
    else:
        form = AllocationForm(initial={"project": project}, projects=projects)
    year, _problem = _year(form["year"].value() if form.is_bound else request.GET.get("year"))
    context = {
        "form": form,
        "project": project,
        "year": year,
        "funding": selectors.project_funding(project, year) if project else None,
        "bond_type_label": BondType(project.bond_type).label if project else "",
    }
    return render(request, "funding/allocation_form.html", context)


# --- the proposed allocation of a county's (or a city's own) remaining quota --------------------------------


_requested_region = exports.requested_region


def _region_in_scope(request, code, level):
    return exports.region_in_scope(request.user, code, level)


def _proposal_url(region, year):
    key = "city" if region.level == RegionLevel.CITY else "county"
    return _with_query("funding-proposal", **{key: region.code}, year=year)


def _digest(lines):
    """A fingerprint of the proposal the user saw, so that what is accepted is what was shown."""
    text = "|".join(f"{line.project_id}:{line.source}:{line.amount}" for line in lines)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


@login_required
def proposal_page(request):
    """R6 优先安排: the proposed allocation of a county's (or a city's own) remaining quota, accepted in one
    step. A county's quota serves its projects except those of city-level towns; a city's own quota only
    its city-level towns' projects."""
    _require_allocator(request)
    year, problem = _year(request.GET.get("year"))
    if problem:
        messages.warning(request, problem)
    code, level = _requested_region(request.GET)
    context = {"year": year, "years": selectors.funding_years(request.user, around=_today_year())}
    if not code:
        cities, counties = directory_regions(request.user)
        usage = selectors.quota_usage(request.user, year)[1]
        context.update(
            region=None,
            cities=cities,
            counties=counties,
            usage=usage,
            city_usage=selectors.city_quotas_with_usage(request.user, year),
        )
        return render(request, "funding/proposal.html", context)
    region, cities, counties = _region_in_scope(request, code, level)
    quota, lines = selectors.proposal(region, year)
    context.update(
        region=region,
        is_city=region.level == RegionLevel.CITY,
        region_param="city" if region.level == RegionLevel.CITY else "county",
        cities=cities,
        counties=counties,
        quota=quota,
        lines=lines,
    )
    if quota is not None:
        projects = project_selectors.visible_projects_by_id(request.user, [line.project_id for line in lines])
        context.update(
            kinds=exports.proposal_kinds(quota, lines),
            rows=[(line, projects.get(line.project_id)) for line in lines],
            total=sum((line.amount for line in lines), Decimal("0")),
            digest=_digest(lines),
        )
    return render(request, "funding/proposal.html", context)


@login_required
def proposal_export(request):
    return export_response(request, "funding.proposal")


@login_required
@require_POST
def proposal_accept(request):
    _require_allocator(request)
    code, level = _requested_region(request.POST)
    if not code:
        raise Http404("未找到。")
    region, _cities, _counties = _region_in_scope(request, code, level)
    year, problem = _year(request.POST.get("year"))
    back = _proposal_url(region, year)
    if problem:
        messages.error(request, f"年度“{request.POST.get('year')}”无效，未作安排。")
        return redirect(back)
    _quota, lines = selectors.proposal(region, year)
    if lines and request.POST.get("digest") != _digest(lines):
        messages.error(
            request,
            "资金安排建议方案已发生变化（其间已有其他资金安排或项目变更），未作安排，请核对新的方案后再确认。",
        )
        return redirect(back)
    try:
        created = accept_proposal(request.user, region=region, year=year)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    total = sum((allocation.amount for allocation in created), Decimal("0"))
    whose = f"{region.name}（市本级限额）" if region.level == RegionLevel.CITY else region.name
    messages.success(
        request,
        f"已按建议方案为{whose}安排 {len(created)} 个项目的债券资金，共 {total:,.2f} 万元（{year} 年）。",
    )
    if region.level == RegionLevel.CITY:
        return redirect(_with_query("funding-allocations", quota_region=region.code, year=year))
    return redirect(_with_query("funding-allocations", county=region.code, year=year))
