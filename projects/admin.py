from django import forms
from django.contrib import admin
from django.db import transaction

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


class ProjectAdminForm(forms.ModelForm):
    """A correction keeps R5/R6 as the services do (projects.rules.edit_refusals)."""

    class Meta:
        model = Project
        fields = [  # ProjectAdmin shows these and its read-only ones
            "town",
            "task_area",
            "name",
            "public_welfare",
            "special_bond_field",
            "investment",
            "annual_revenue",
            "annual_debt_service",
            "start_year",
            "end_year",
            "planning_approval_date",
            "planning_approval_doc_no",
            "design_approval_date",
            "design_approval_doc_no",
        ]

    def clean(self):
        from dataclasses import fields, replace

        from .rules import ProjectTerms, edit_refusals
        from .selectors import allocations_of, project_terms

        cleaned = super().clean()
        if self.instance.pk and not self.errors:
            before = project_terms(Project.objects.get(pk=self.instance.pk))
            names = {field.name for field in fields(ProjectTerms)} & set(cleaned)
            after = replace(before, **{name: cleaned[name] for name in names})
            allocated, bonds = allocations_of(self.instance)
            for refusal in edit_refusals(before, after, allocated, bonds):
                self.add_error(None, refusal)
        return cleaned


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Corrections only; reports, statuses and funding go through their services (pages, API). A correction
    is held to the same R5/R6 rules and moves the version on, so a form opened before it is refused."""

    form = ProjectAdminForm

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
        "completion_note",
        "version",
        "created_by",
    ]
    inlines = [ProgressReportInline]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if change:
                obj.version = Project.objects.select_for_update().get(pk=obj.pk).version + 1
            super().save_model(request, obj, form, change)
