from django.contrib import admin

from .models import (
    AssessmentRound,
    Elimination,
    Indicator,
    IndicatorSystem,
    Notice,
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

    list_display = ["year", "state", "job_state", "job_progress", "published_at", "doc_prefix"]
    readonly_fields = [
        "state",
        "job_state",
        "job_progress",
        "job_message",
        "job_started_at",
        "job_finished_at",
        "published_at",
        "published_by",
        "doc_prefix",
        "reopened_reason",
    ]


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
