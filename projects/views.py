"""Pages of the construction projects (R5) and their progress reporting (调度): the list and its export, a
project's page with its status, reports and funding, the county's forms, the unreported projects and the
task-area summary. Thin: the services decide and write, the selectors read, the FilterSet filters."""

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import import_views
from core.audit import history_for
from core.counting import ListPaginator
from core.errors import Conflict, DomainError
from core.exports import export_response
from core.forms import refuse_stale
from towns import selectors as town_selectors

from . import display, exports, selectors
from .choices import ProjectStatus
from .forms import (
    ProjectForm,
    ReportForm,
    StatusForm,
    task_area_choices,
)
from .imports import PROJECT_IMPORT, REPORT_IMPORT
from .rules import STATUS_FLOW
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


def _offer_all(form, *names):
    """Selects of the filter bar start with 全部 (no filter) rather than a dashed line."""
    for name in names:
        field = form.fields[name]
        field.empty_label = "全部"
        field.widget.choices = list(field.choices)


@login_required
def project_list(request):
    filterset, projects, sorting = exports.filtered_projects(request.user, request.GET)
    _offer_all(filterset.form, "tier", "status", "bond_type")
    page = ListPaginator(projects, _page_size(request)).get_page(request.GET.get("page"))
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
        "chosen_town": selectors.chosen_filter_town(request.user, request.GET.get("town", "").strip()),
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
    return export_response(request, "projects.projects")


# --- progress reports across projects --------------------------------------------------------------------


@login_required
def report_list(request):
    """Every progress report of the user's projects (R5 调度), filtered and sorted as the API lists them."""
    filterset, reports, sorting = exports.filtered_reports(request.user, request.GET)
    _offer_all(filterset.form, "period_type")
    page = ListPaginator(reports, _page_size(request)).get_page(request.GET.get("page"))
    cities, counties = town_selectors.directory_regions(request.user)
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
    return render(request, "projects/report_list.html", context)


@login_required
def report_export(request):
    return export_response(request, "projects.reports")


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
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            update_project(
                request.user,
                project=project,
                data=form.data_for_service(),
                version=form.cleaned_data["version"],
            )
        except Conflict as exc:
            current = _visible_project(request, pk)
            stale = refuse_stale(form, exc.message, ProjectForm.initial_for(current), current.version)
        except DomainError as exc:
            _show_refusal(form, exc)
        else:
            messages.success(request, "已保存项目信息。")
            return redirect("project-detail", pk=pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project, "stale": stale})


# --- unreported projects -----------------------------------------------------------------------------


@login_required
def unreported(request):
    return render(request, "projects/unreported.html", exports.unreported_context(request.user, request.GET))


@login_required
def unreported_export(request):
    return export_response(request, "projects.unreported")


# --- task areas --------------------------------------------------------------------------------------


@login_required
def task_area_summary(request):
    return render(request, "projects/task_areas.html", exports.task_area_context(request.user, request.GET))


@login_required
def task_area_export(request):
    return export_response(request, "projects.task_areas")
