from django import forms
from django.contrib import admin
from django.db import transaction

from core.formats import money

from .models import Allocation, DebtQuota


class DebtQuotaAdminForm(forms.ModelForm):
    """A correction never takes a quota below the bond allocations drawing on it (as set_quota)."""

    class Meta:
        model = DebtQuota
        fields = ["region", "year", "general_amount", "special_amount"]

    def clean(self):
        from .selectors import remaining_of

        cleaned = super().clean()
        if self.instance.pk and not self.errors:
            for kind, label in (("general", "一般"), ("special", "专项")):
                used = remaining_of(self.instance, kind, used_only=True)
                if cleaned.get(f"{kind}_amount") is not None and cleaned[f"{kind}_amount"] < used:
                    self.add_error(
                        f"{kind}_amount", f"已安排{label}债券 {money(used)} 万元，限额不能低于该数。"
                    )
        return cleaned


@admin.register(DebtQuota)
class DebtQuotaAdmin(admin.ModelAdmin):
    """Corrections held to set_quota's rule; the version moves on, so a form opened before is refused."""

    form = DebtQuotaAdminForm
    list_display = ["region", "year", "general_amount", "special_amount"]
    list_filter = ["year"]
    search_fields = ["region__name", "region__code"]
    raw_id_fields = ["region"]
    readonly_fields = ["version"]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if change:
                obj.version = DebtQuota.objects.select_for_update().get(pk=obj.pk).version + 1
            super().save_model(request, obj, form, change)


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
