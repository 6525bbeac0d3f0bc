"""Pages of the construction projects (R5) and their progress reporting (调度): the list and its export, a
project's page with its status, reports and funding, the county's forms, the unreported projects and the
task-area summary. Thin: the services decide and write, the selectors read, the FilterSet filters."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import import_views
from core.audit import history_for
from core.errors import DomainError
from core.exports import xlsx_response
from core.formats import money
from towns import selectors as town_selectors

from . import display, exports, selectors
from .choices import TASK_AREAS, TASK_GROUPS, ProjectStatus
from .filtersets import PROJECT_SORTS, UNREPORTED_SORTS, ProjectFilterSet
from .forms import (
    GROUP_NUMERALS,
    PeriodForm,
    ProjectForm,
    ReportForm,
    StatusForm,
    YearForm,
    task_area_choices,
)
from .imports import PROJECT_IMPORT, REPORT_IMPORT
from .rules import STATUS_FLOW, period_of
from .services import (
    FINAL_STATUSES,
    REPORTING_STATUSES,
    change_status,
    create_project,
    may_change_project,
    may_file_projects,
    submit_report,
    update_project,
)

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
PERIOD_FIELDS = ("period_type", "year", "number")


def _page_size(request):
    try:
        size = int(request.GET.get("page_size", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return min(max(size, 1), MAX_PAGE_SIZE)


def _require_owner(request, project):
    if not may_change_project(request.user, project):
        raise PermissionDenied("只有项目所在县（市、区）的工作人员可以修改项目、变更状态和报送进度。")


def _visible_project(request, pk):
    # Outside the user's scope a project is treated exactly as if it did not exist.
    return get_object_or_404(selectors.visible_projects(request.user), pk=pk)


# --- list and export ---------------------------------------------------------------------------------


def _filtered_projects(request):
    """The list's FilterSet over the user's projects, its sort, and its rows in that order (none while a filter
    is invalid)."""
    filterset = ProjectFilterSet(request.GET, queryset=selectors.visible_projects(request.user))
    projects = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    sorting = PROJECT_SORTS.sorting(request)
    return filterset, sorting.apply(projects), sorting


def _offer_all(form, *names):
    """Selects of the filter bar start with 全部 (no filter) rather than a dashed line."""
    for name in names:
        field = form.fields[name]
        field.empty_label = "全部"
        field.widget.choices = list(field.choices)


@login_required
def project_list(request):
    filterset, projects, sorting = _filtered_projects(request)
    _offer_all(filterset.form, "tier", "status", "bond_type")
    page = Paginator(projects, _page_size(request)).get_page(request.GET.get("page"))
    totals = selectors.project_totals(projects)
    cities, counties = town_selectors.directory_regions(request.user)
    selected_city = request.GET.get("city", "")
    selected_county = request.GET.get("county", "")
    if selected_city:
        counties = [county for county in counties if county.parent_id == selected_city]
    context = {
        "filterset": filterset,
        "sorting": sorting,
        "page": page,
        "page_sizes": PAGE_SIZES,
        "page_size": page.paginator.per_page,
        "totals": totals,
        "cities": cities,
        "counties": counties,
        "towns": selectors.project_filter_towns(request.user, selected_city, selected_county),
        "selected_city": selected_city,
        "selected_county": selected_county,
        "selected_town": request.GET.get("town", ""),
        "selected_key_support": request.GET.get("key_support", ""),
        "selected_task_area": request.GET.get("task_area", ""),
        "task_area_choices": task_area_choices(),
        "may_create": may_file_projects(request.user),
    }
    return render(request, "projects/project_list.html", context)


@login_required
def project_export(request):
    filterset, projects, _sorting = _filtered_projects(request)
    if not filterset.is_valid():
        messages.error(request, "筛选条件有误，未导出。")
        return redirect("project-list")
    totals = selectors.project_totals(projects)
    return xlsx_response(
        f"示范镇建设项目-{timezone.localdate():%Y%m%d}.xlsx",
        "吉林省示范镇建设项目",
        exports.PROJECT_COLUMNS,
        exports.project_rows(projects.iterator(chunk_size=2000)),
        unit_note=f"金额单位：万元　共 {projects.count()} 个项目，总投资 {money(totals['investment'])} 万元",
    )


# --- imports (core's two-step import: upload → preview → confirm) -----------------------------------------


@login_required
def project_import(request):
    """The project import's upload page (county officials): the project list's sheet, edited or filled in; a
    good file goes to its preview (/imports/<id>/)."""
    return import_views.upload_page(request, PROJECT_IMPORT)


@login_required
def report_import(request):
    """The progress import's upload page (county officials): the progress sheet, one report per row."""
    return import_views.upload_page(request, REPORT_IMPORT)


# --- a project's page ------------------------------------------------------------------------------------


def _next_statuses(project):
    allowed = STATUS_FLOW[ProjectStatus(project.status)]
    return [(status.value, status.label) for status in ProjectStatus if status in allowed]


def _project_page(request, project, report_form=None):
    user = request.user
    reports = selectors.project_reports(project)
    allocations = selectors.visible_project_allocations(user, project)
    allocated = sum((allocation.amount for allocation in allocations), Decimal("0.00"))
    owner = may_change_project(user, project)
    may_report = owner and project.status in REPORTING_STATUSES
    if may_report and report_form is None:
        report_form = ReportForm(initial=ReportForm.current_initial(settings.PROGRESS_PERIOD))
    elif not may_report and report_form is not None:
        # A refused report for a project that takes none: the reason goes where the form would have been.
        for error in report_form.non_field_errors():
            messages.error(request, error)
    latest = reports[0] if reports else None
    context = {
        "project": project,
        "latest_report": latest,
        "needs_completion_note": latest is None or latest.percent_complete != 100,
        "status_form": StatusForm(),
        "key_support_reason": display.key_support_reason(project),
        "bond_type_reason": display.bond_type_reason(project),
        "last_reported": display.period_key_label(project.last_reported_period),
        "reports": reports,
        "allocations": allocations,
        "allocated": allocated,
        "unfunded": project.investment - allocated,
        "history": history_for(project, *reports),
        "may_edit": owner and project.status not in FINAL_STATUSES,
        "next_statuses": _next_statuses(project) if owner else [],
        "report_form": report_form if may_report else None,
    }
    return render(request, "projects/project_detail.html", context)


@login_required
def project_detail(request, pk):
    return _project_page(request, _visible_project(request, pk))


@login_required
@require_POST
def project_status(request, pk):
    """Move the project along R5's transitions; the service refuses 在建 without both approvals."""
    project = _visible_project(request, pk)
    _require_owner(request, project)
    form = StatusForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("project-detail", pk=pk)
    data = form.cleaned_data
    try:
        project = change_status(
            request.user,
            project=project,
            status=data["status"],
            completion_note=data["completion_note"],
            version=data["version"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"项目状态已变更为“{project.get_status_display()}”。")
    return redirect("project-detail", pk=pk)


@login_required
@require_POST
def project_report(request, pk):
    """File a progress report; refused figures are shown on the form with the service's reason."""
    project = _visible_project(request, pk)
    _require_owner(request, project)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            report = submit_report(request.user, project=project, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已报送{report.period_label}进度。")
            return redirect(reverse("project-detail", args=[pk]) + "#reports")
    return _project_page(request, project, report_form=form)


# --- the county's forms ------------------------------------------------------------------------------


def _show_refusal(form, exc):
    """Put each reason of a refused save under the field it names, else above the form."""
    if not exc.details:
        form.add_error(None, exc.message)
        return
    labels = [(name, str(field.label)) for name, field in form.fields.items()]
    for detail in exc.details:
        field = next((name for name, label in labels if detail.startswith(label)), None)
        field = field or next((name for name, label in labels if label in detail), None)
        form.add_error(field, detail)


@login_required
def project_create(request):
    user = request.user
    if not may_file_projects(user):
        raise PermissionDenied("只有县（市、区）工作人员可以填报项目。")
    form = ProjectForm(
        request.POST if request.method == "POST" else None,
        towns=selectors.project_towns(user),
        initial=ProjectForm.blank_initial(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = create_project(user, town=form.cleaned_data["town"], data=form.data_for_service())
        except DomainError as exc:
            _show_refusal(form, exc)
        else:
            messages.success(request, f"已保存项目“{project.name}”。")
            return redirect("project-detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request, pk):
    project = _visible_project(request, pk)
    _require_owner(request, project)
    if request.method != "POST" and project.status in FINAL_STATUSES:
        messages.error(request, f"项目{project.get_status_display()}，不能再修改。")
        return redirect("project-detail", pk=pk)
    form = ProjectForm(
        request.POST if request.method == "POST" else None, initial=ProjectForm.initial_for(project)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_project(
                request.user,
                project=project,
                data=form.data_for_service(),
                version=form.cleaned_data["version"],
            )
        except DomainError as exc:
            _show_refusal(form, exc)
        else:
            messages.success(request, "已保存项目信息。")
            return redirect("project-detail", pk=pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


# --- unreported projects -----------------------------------------------------------------------------


def _unreported_context(request):
    current = period_of(timezone.localdate(), settings.PROGRESS_PERIOD)
    asked = any(name in request.GET for name in PERIOD_FIELDS)
    form = PeriodForm(
        request.GET if asked else None,
        initial={"period_type": current.kind, "year": current.year, "number": current.number},
    )
    chosen = form.cleaned_data["period"] if asked and form.is_valid() else current
    sorting = UNREPORTED_SORTS.sorting(request)
    # Grouped by city and county (in code order), the chosen sort inside each county; the export alike.
    projects = sorted(
        sorting.apply(selectors.unreported_projects(request.user, chosen).projects()),
        key=lambda project: (project.town.city_id, project.town.county_id),
    )
    cities = {}
    for project in projects:
        town = project.town
        city = cities.setdefault(town.city_id, {"region": town.city, "count": 0, "counties": {}})
        county = city["counties"].setdefault(town.county_id, {"region": town.county, "projects": []})
        city["count"] += 1
        county["projects"].append(project)
    return {
        "form": form,
        "period": chosen,
        "is_current": chosen == current,
        "current": current,
        "projects": projects,
        "sorting": sorting,
        "cities": [{**city, "counties": list(city["counties"].values())} for city in cities.values()],
    }


@login_required
def unreported(request):
    return render(request, "projects/unreported.html", _unreported_context(request))


@login_required
def unreported_export(request):
    context = _unreported_context(request)
    chosen = context["period"]
    return xlsx_response(
        f"未报送进度项目-{chosen.key}.xlsx",
        f"{chosen.label}未报送进度的示范镇建设项目",
        exports.UNREPORTED_COLUMNS,
        exports.unreported_rows(context["projects"]),
        unit_note=f"金额单位：万元　共 {len(context['projects'])} 个项目（已批复、在建）",
    )


# --- task areas --------------------------------------------------------------------------------------


def _task_area_context(request):
    form = YearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else None
    totals = selectors.task_area_totals(request.user, year)
    groups = []
    for group, group_name in TASK_GROUPS.items():
        areas = []
        for code, area_group, name in TASK_AREAS:
            if area_group != group:
                continue
            count, investment, key = totals.get(code, (0, None, 0))
            areas.append(
                {
                    "code": code,
                    "name": name,
                    "projects": count,
                    "investment": investment or Decimal("0.00"),
                    "key_support": key,
                }
            )
        groups.append(
            {
                "number": group,
                "label": f"{GROUP_NUMERALS[group]}、{group_name}",
                "areas": areas,
                "projects": sum(area["projects"] for area in areas),
                "investment": sum((area["investment"] for area in areas), Decimal("0.00")),
                "key_support": sum(area["key_support"] for area in areas),
            }
        )
    return {
        "form": form,
        "year": year,
        "groups": groups,
        "total_projects": sum(group["projects"] for group in groups),
        "total_investment": sum((group["investment"] for group in groups), Decimal("0.00")),
        "total_key_support": sum(group["key_support"] for group in groups),
    }


@login_required
def task_area_summary(request):
    return render(request, "projects/task_areas.html", _task_area_context(request))


@login_required
def task_area_export(request):
    context = _task_area_context(request)
    scope = f"{context['year']}年在建设期内的项目" if context["year"] else "全部项目"
    return xlsx_response(
        f"任务领域项目汇总-{timezone.localdate():%Y%m%d}.xlsx",
        "示范镇建设任务领域项目汇总",
        exports.TASK_AREA_COLUMNS,
        exports.task_area_rows(context["groups"]),
        unit_note=f"金额单位：万元　{scope}",
    )
