from django.contrib import admin

from .models import ProgressReport, Project, TaskArea


@admin.register(TaskArea)
class TaskAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "group_name"]
    list_filter = ["group"]


class ProgressReportInline(admin.TabularInline):
    model = ProgressReport
    extra = 0
    fields = [
        "period_type",
        "year",
        "number",
        "cumulative_investment",
        "percent_complete",
        "narrative",
        "reported_by",
    ]
    readonly_fields = fields
    can_delete = False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Corrections only; reports, statuses and funding go through their services (pages, API)."""

    list_display = ["name", "town", "task_area", "status", "investment", "public_welfare"]
    list_filter = ["status", "task_area", "public_welfare", "town__city"]
    search_fields = ["name", "town__name", "town__code"]
    list_select_related = ["town", "task_area"]
    raw_id_fields = ["town"]
    readonly_fields = [
        "status",
        "completed_investment",
        "percent_complete",
        "last_reported_period",
        "created_by",
    ]
    inlines = [ProgressReportInline]
