"""Pages of candidate selection (R3), under /towns/ beside the directory (included before towns.urls)."""

from django.urls import path, re_path

from . import views
from .rules import TRANSITIONS

ACTIONS = "|".join(TRANSITIONS)

urlpatterns = [
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/export.xlsx", views.round_list_export, name="round-list-export"),
    path("rounds/new/", views.round_create, name="round-create"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/export.xlsx", views.round_detail_export, name="round-detail-export"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round-edit"),
    path("rounds/<int:pk>/review/", views.round_review, name="round-review"),
    path("rounds/<int:pk>/review/export.xlsx", views.round_review_export, name="round-review-export"),
    path("rounds/<int:pk>/submissions/new/", views.submission_create, name="submission-create"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission-detail"),
    path("submissions/<int:pk>/edit/", views.submission_edit, name="submission-edit"),
    path("submissions/<int:pk>/delete/", views.submission_delete, name="submission-delete"),
    path("submissions/<int:pk>/documents/", views.submission_upload, name="submission-upload"),
    path("submissions/<int:pk>/documents/<str:kind>/", views.submission_document, name="submission-document"),
    re_path(
        rf"^submissions/(?P<pk>[0-9]+)/(?P<action>{ACTIONS})/$",
        views.submission_transition,
        name="submission-transition",
    ),
]
