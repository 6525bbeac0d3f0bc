from django.contrib import admin

from .models import DocumentNumber


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
