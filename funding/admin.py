from django.contrib import admin

from .models import Allocation, DebtQuota


@admin.register(DebtQuota)
class DebtQuotaAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "general_amount", "special_amount"]
    list_filter = ["year"]
    search_fields = ["region__name", "region__code"]
    raw_id_fields = ["region"]


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    """Read here; allocations are made through the funding pages or API, which check quotas (R6)."""

    list_display = ["project", "source", "amount", "year", "quota", "created_by"]
    list_filter = ["year", "source"]
    search_fields = ["project__name", "project__town__name"]
    list_select_related = ["project", "quota", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
