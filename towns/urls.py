from django.urls import path, re_path

from . import selection_views, views
from .rules import TRANSITIONS

ACTIONS = "|".join(TRANSITIONS)

urlpatterns = [
    path("", views.town_list, name="town-list"),
    path("export.xlsx", views.town_export, name="town-export"),
    path("quotas/", views.quota_page, name="quota-page"),
    path("quotas/export.xlsx", views.quota_export, name="quota-export"),
    path("designations/import/", views.designation_import, name="designation-import"),
    path(
        "designations/import/template.xlsx",
        views.designation_import_template,
        name="designation-import-template",
    ),
    # R3 selection
    path("rounds/", selection_views.round_list, name="round-list"),
    path("rounds/new/", selection_views.round_create, name="round-create"),
    path("rounds/<int:pk>/", selection_views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/edit/", selection_views.round_edit, name="round-edit"),
    path("rounds/<int:pk>/review/", selection_views.round_review, name="round-review"),
    path(
        "rounds/<int:pk>/review/export.xlsx",
        selection_views.round_review_export,
        name="round-review-export",
    ),
    path("rounds/<int:pk>/submissions/new/", selection_views.submission_create, name="submission-create"),
    path("submissions/<int:pk>/", selection_views.submission_detail, name="submission-detail"),
    path("submissions/<int:pk>/edit/", selection_views.submission_edit, name="submission-edit"),
    path("submissions/<int:pk>/delete/", selection_views.submission_delete, name="submission-delete"),
    path("submissions/<int:pk>/documents/", selection_views.submission_upload, name="submission-upload"),
    path(
        "submissions/<int:pk>/documents/<str:kind>/",
        selection_views.submission_document,
        name="submission-document",
    ),
    re_path(
        rf"^submissions/(?P<pk>[0-9]+)/(?P<action>{ACTIONS})/$",
        selection_views.submission_transition,
        name="submission-transition",
    ),
    path("inbox/", selection_views.inbox, name="inbox"),
    # R2 tier changes outside a round
    path("<str:code>/tier-change/", views.town_tier_change, name="town-tier-change"),
    path("<str:code>/", views.town_detail, name="town-detail"),
]
