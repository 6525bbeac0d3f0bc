from django.contrib import admin

from .models import DocumentNumber, Job, SecurityEvent


@admin.register(DocumentNumber)
class DocumentNumberAdmin(admin.ModelAdmin):
    """The document numbers the portal issued: shown, never edited (they are never reused or renumbered)."""

    list_display = ["doc_no", "kind", "subject", "issued_at"]
    list_filter = ["prefix", "year", "kind"]
    search_fields = ["doc_no", "subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Tracked jobs, read-only: they are started by the pages, the API and beat, and end by themselves."""

    list_display = ["id", "title", "kind", "state", "progress", "started_by", "created_at", "finished_at"]
    list_filter = ["state", "kind"]
    search_fields = ["title", "kind", "started_by__username"]
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SecurityEventAdmin(admin.ModelAdmin):
    """Security events, read-only (the audit administrator reads them; core.permission_map): append-only."""

    list_display = ["occurred_at", "kind", "username", "remote_addr", "method", "path"]
    list_filter = ["kind"]
    search_fields = ["username", "path", "remote_addr"]
    readonly_fields = [field.name for field in SecurityEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


if not admin.site.is_registered(SecurityEvent):
    admin.site.register(SecurityEvent, SecurityEventAdmin)
