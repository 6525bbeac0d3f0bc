from django.urls import path

from . import views

urlpatterns = [
    path("", views.town_list, name="town-list"),
    path("export.xlsx", views.town_export, name="town-export"),
    path("suggest/", views.town_suggest, name="town-suggest"),
    path("quotas/", views.quota_page, name="quota-page"),
    path("quotas/export.xlsx", views.quota_export, name="quota-export"),
    path("designations/", views.designation_list, name="designation-list"),
    path("designations/export.xlsx", views.designation_export, name="designation-export"),
    path("designations/import/", views.designation_import, name="designation-import"),
    path(
        "designations/import/template.xlsx",
        views.designation_import_template,
        name="designation-import-template",
    ),
    # A town's page and its tier changes (R2): dashboard/town_urls.py, included after these.
]
