"""Pages of funding (R6): the summary per region and per task area, the new-debt quotas, the allocations and
the proposed allocation of a county's (or a city's own) quota. Thin: the services decide and write, the
selectors read."""

import hashlib
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from core.errors import DomainError, checked_year
from core.exports import xlsx_response
from core.scoping import is_province_admin, sees_province_totals
from projects import selectors as project_selectors
from projects.choices import BondType
from towns.models import RegionLevel
from towns.selectors import directory_regions, region_names

from . import exports, selectors
from .choices import BOND_KIND_OF_SOURCE
from .filtersets import AllocationFilterSet, DebtQuotaFilterSet
from .forms import AllocationForm, QuotaForm
from .services import accept_proposal, allocate, may_allocate, set_quota

PAGE_SIZE = 50


def _today_year():
    return timezone.localdate().year


def _year(raw):
    """The year asked for, or the current year: (year, message about a bad value or None)."""
    current = _today_year()
    raw = (raw or "").strip()
    if not raw:
        return current, None
    try:
        return checked_year(raw), None
    except DomainError:
        return current, f"年度“{raw}”无效，已显示 {current} 年。"


def _require_allocator(request):
    if not may_allocate(request.user):
        raise PermissionDenied("只有省级管理员或市（州）工作人员可以安排资金。")


def _with_query(url_name, **params):
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{reverse(url_name)}?{query}" if query else reverse(url_name)


# --- summary per region and per task area ---------------------------------------------------------------


def _region_summary(request):
    year, problem = _year(request.GET.get("year"))
    cities, counties = selectors.quota_usage(request.user, year)
    province = exports.province_total(cities) if sees_province_totals(request.user) else None
    parent_names = region_names(county["parent_id"] for county in counties)
    return year, problem, province, cities, counties, parent_names


@login_required
def summary(request):
    year, problem, province, cities, counties, parent_names = _region_summary(request)
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
    year, _problem, province, cities, counties, parent_names = _region_summary(request)
    regions = [*([province] if province else []), *cities, *counties]
    return xlsx_response(
        f"新增债务限额使用情况-{year}年-{timezone.localdate():%Y%m%d}.xlsx",
        f"{year}年新增债务限额使用情况",
        exports.REGION_COLUMNS,
        exports.region_rows(regions, parent_names),
        unit_note=exports.MONEY_UNIT,
    )


@login_required
def task_area_export(request):
    year, _problem = _year(request.GET.get("year"))
    rows = selectors.task_area_summary(request.user, year)
    return xlsx_response(
        f"资金安排情况-按任务领域-{year}年-{timezone.localdate():%Y%m%d}.xlsx",
        f"{year}年资金安排情况（按任务领域）",
        exports.TASK_AREA_COLUMNS,
        exports.task_area_rows([*rows, exports.task_area_total(rows)]),
        unit_note=f"{exports.MONEY_UNIT}；项目数、总投资为建设期含 {year} 年的项目",
    )


# --- quotas ------------------------------------------------------------------------------------------


def _filtered_quotas(request):
    filterset = DebtQuotaFilterSet(request.GET, queryset=selectors.quotas_with_usage(request.user))
    quotas = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return filterset, quotas


@login_required
def quota_list(request):
    filterset, quotas = _filtered_quotas(request)
    page = Paginator(quotas, PAGE_SIZE).get_page(request.GET.get("page"))
    cities, counties = directory_regions(request.user)
    context = {
        "filterset": filterset,
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
    filterset, quotas = _filtered_quotas(request)
    if not filterset.is_valid():
        messages.error(request, "筛选条件有误，未导出。")
        return redirect("funding-quotas")
    rows = list(quotas)
    return xlsx_response(
        f"新增债务限额-{timezone.localdate():%Y%m%d}.xlsx",
        "新增债务限额",
        exports.QUOTA_COLUMNS,
        exports.quota_rows(rows),
        unit_note=f"{exports.MONEY_UNIT}；共 {len(rows)} 条",
    )


@login_required
def quota_set(request):
    """Set a county's (or city's) new-debt quota for a year (R6): province_admin only."""
    if not is_province_admin(request.user):
        raise PermissionDenied("只有省级管理员可以下达新增债务限额。")
    cities, counties = directory_regions(request.user)
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
    return render(request, "funding/quota_form.html", {"form": form})


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


def _filtered_allocations(request):
    filterset = AllocationFilterSet(request.GET, queryset=selectors.listed_allocations(request.user))
    allocations = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return filterset, allocations


@login_required
def allocation_list(request):
    filterset, allocations = _filtered_allocations(request)
    page = Paginator(allocations, PAGE_SIZE).get_page(request.GET.get("page"))
    cities, counties = directory_regions(request.user)
    task_areas = list(project_selectors.task_areas())
    project_id = filterset.form.cleaned_data.get("project") if filterset.is_valid() else None
    context = {
        "filterset": filterset,
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
    filterset, allocations = _filtered_allocations(request)
    if not filterset.is_valid():
        messages.error(request, "筛选条件有误，未导出。")
        return redirect("funding-allocations")
    totals = selectors.allocation_totals(allocations)
    task_area_names = project_selectors.task_area_names()
    return xlsx_response(
        f"资金安排明细-{timezone.localdate():%Y%m%d}.xlsx",
        "资金安排明细",
        exports.ALLOCATION_COLUMNS,
        exports.allocation_rows(allocations.iterator(chunk_size=2000), task_area_names),
        unit_note=f"{exports.MONEY_UNIT}；共 {totals['count']} 条，合计 {totals['total']:,.2f} 万元",
    )


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


def _requested_region(params):
    """(code, level) of the quota asked for: ?county= (a county's), ?city= (a city's own, for its city-level
    towns), or the page's chooser ?region= (either, by the length of the code); (None, None) for none."""
    for name, level in (("county", RegionLevel.COUNTY), ("city", RegionLevel.CITY)):
        code = (params.get(name) or "").strip()
        if code:
            return code, level
    code = (params.get("region") or "").strip()
    if not code:
        return None, None
    return code, RegionLevel.CITY if len(code) == 4 else RegionLevel.COUNTY


def _region_in_scope(request, code, level):
    """One of the user's counties (or cities); any other code is treated as if it did not exist."""
    cities, counties = directory_regions(request.user)
    pool = cities if level == RegionLevel.CITY else counties
    region = next((region for region in pool if region.code == code), None)
    if region is None:
        raise Http404("未找到。")
    return region, cities, counties


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
        proposed = {
            kind: sum(
                (line.amount for line in lines if BOND_KIND_OF_SOURCE.get(line.source) == kind), Decimal("0")
            )
            for kind in selectors.KINDS
        }
        kinds = []
        for kind in selectors.KINDS:
            remaining = selectors.remaining_of(quota, kind)
            kinds.append(
                {
                    "label": BondType(kind).label,
                    "quota": quota.amount_for(kind),
                    "allocated": quota.amount_for(kind) - remaining,
                    "remaining": remaining,
                    "proposed": proposed[kind],
                    "left": remaining - proposed[kind],
                }
            )
        context.update(
            kinds=kinds,
            rows=[(line, projects.get(line.project_id)) for line in lines],
            total=sum((line.amount for line in lines), Decimal("0")),
            digest=_digest(lines),
        )
    return render(request, "funding/proposal.html", context)


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
