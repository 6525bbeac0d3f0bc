from django.contrib import admin

from .models import Designation, Region, Town


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "county", "city", "dev_type"]
    list_filter = ["kind", "dev_type", "city"]
    search_fields = ["code", "name"]
    list_select_related = ["county", "city"]
    raw_id_fields = ["county", "city", "province"]


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ["town", "tier", "from_year", "to_year", "began", "ended", "doc_no", "dev_type"]
    list_filter = ["tier", "began", "ended", "dev_type", "town__city"]
    search_fields = ["town__code", "town__name", "doc_no"]
    list_select_related = ["town"]
    raw_id_fields = ["town"]
