from django.contrib import admin

from .models import SelectionRound, Submission, SubmissionDocument, SubmissionEvent


@admin.register(SelectionRound)
class SelectionRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "deadline", "year", "tiers"]
    search_fields = ["name"]
    readonly_fields = ["created_by"]


class SubmissionDocumentInline(admin.TabularInline):
    model = SubmissionDocument
    extra = 0
    fields = ["kind", "original_name", "file_type", "size", "sha256", "uploaded_by", "created_at"]
    readonly_fields = fields
    can_delete = False


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    fields = ["at", "actor", "action", "from_status", "to_status", "comment", "doc_no", "accepted", "refusal"]
    readonly_fields = fields
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Information may be corrected here; the workflow itself moves only through its actions (pages, API)."""

    list_display = ["town", "round", "tier", "status", "decision_doc_no"]
    list_filter = ["round", "status", "tier", "town__city"]
    search_fields = ["town__code", "town__name"]
    list_select_related = ["town", "round"]
    raw_id_fields = ["town", "designation"]
    readonly_fields = ["round", "town", "tier", "status", "designation", "decision_doc_no", "created_by"]
    inlines = [SubmissionDocumentInline, SubmissionEventInline]

    def has_add_permission(self, request):
        return False
