from django.urls import path

from . import import_views, views

urlpatterns = [
    path("", views.summary, name="funding-summary"),
    path("export.xlsx", views.summary_export, name="funding-summary-export"),
    path("task-areas/export.xlsx", views.task_area_export, name="funding-task-area-export"),
    path("quotas/", views.quota_list, name="funding-quotas"),
    path("quotas/export.xlsx", views.quota_export, name="funding-quota-export"),
    path("quotas/import/", import_views.quota_import, name="funding-quota-import"),
    path("quotas/set/", views.quota_set, name="funding-quota-set"),
    path("allocations/", views.allocation_list, name="funding-allocations"),
    path("allocations/export.xlsx", views.allocation_export, name="funding-allocation-export"),
    path("allocations/import/", import_views.allocation_import, name="funding-allocation-import"),
    path("allocations/new/", views.allocation_create, name="funding-allocation-create"),
    path("proposals/", views.proposal_page, name="funding-proposal"),
    path("proposals/export.xlsx", views.proposal_export, name="funding-proposal-export"),
    path("proposals/accept/", views.proposal_accept, name="funding-proposal-accept"),
]
