from django.contrib import admin

from .models import (
    AssessmentRound,
    Elimination,
    Exemption,
    Indicator,
    IndicatorSystem,
    Notice,
    Publication,
    PublicationChange,
    Result,
    TalkFollowUp,
    Veto,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(IndicatorSystem)
class IndicatorSystemAdmin(admin.ModelAdmin):
    list_display = ["year", "name", "copied_from"]
    inlines = [IndicatorInline]


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(admin.ModelAdmin):
    """Settings may be read here; running, publishing and reopening go through the round page or API."""

    list_display = ["year", "state", "run_state", "run_progress", "published_at", "doc_prefix"]
    list_select_related = ["job"]
    readonly_fields = [
        "state",
        "job",
        "run_state",
        "run_progress",
        "run_message",
        "published_at",
        "published_by",
        "doc_prefix",
        "reopened_reason",
        "run_by",
        "run_confirmed_incomplete",
        "run_confirmation",
        # Settings change through the round page or PATCH /api/v1/assessment-rounds/{year}/ (their rules).
        "excellent_threshold",
        "good_threshold",
        "pass_threshold",
        "top_count",
        "bottom_count",
        "system",
    ]

    # The run is the round's tracked job (core.jobs; its own admin page lists its lease and outcome).
    @admin.display(description="计算任务状态")
    def run_state(self, assessment_round):
        return assessment_round.get_job_state_display()

    @admin.display(description="进度（%）")
    def run_progress(self, assessment_round):
        return assessment_round.job_progress

    @admin.display(description="任务说明")
    def run_message(self, assessment_round):
        return assessment_round.job_message


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["round", "town", "tier", "score", "grade", "rank", "vetoed", "assessed", "status"]
    list_filter = ["round", "tier", "grade", "status", "vetoed"]
    search_fields = ["town__name", "town__code"]
    list_select_related = ["round", "town"]

    def has_change_permission(self, request, obj=None):
        return False  # results come from the job only

    def has_add_permission(self, request):
        return False


@admin.register(Veto)
class VetoAdmin(admin.ModelAdmin):
    list_display = ["round", "town", "reason", "doc_no", "recorded_by"]
    raw_id_fields = ["town"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["round", "kind", "doc_no", "date", "status"]
    readonly_fields = ["results"]


@admin.register(Elimination)
class EliminationAdmin(admin.ModelAdmin):
    list_display = [
        "round",
        "town",
        "substitute",
        "substitute_tier",
        "substitute_score",
        "same_city",
        "status",
    ]
    raw_id_fields = ["town", "substitute"]


@admin.register(TalkFollowUp)
class TalkFollowUpAdmin(admin.ModelAdmin):
    list_display = ["round", "town", "status", "held_on"]
    list_filter = ["status", "round"]
    raw_id_fields = ["town"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the services only (publication, exemptions): the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Exemption)
class ExemptionAdmin(ReadOnlyAdmin):
    list_display = ["round", "town", "reason", "doc_no", "recorded_by", "created_at"]
    list_filter = ["round"]
    search_fields = ["town__name", "town__code", "doc_no"]
    list_select_related = ["round", "town", "recorded_by"]


class PublicationChangeInline(admin.TabularInline):
    model = PublicationChange
    extra = 0
    can_delete = False
    fields = ["town", "designation", "effect", "cause", "doc_no"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ["round", "number", "published_at", "published_by", "correction_doc_no", "summary"]
    list_filter = ["round"]
    list_select_related = ["round", "published_by"]
    inlines = [PublicationChangeInline]
