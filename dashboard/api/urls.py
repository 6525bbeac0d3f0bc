"""The top floor's API paths; config/api_urls.py includes them beside the one router (the towns routes are
the towns app's: a summary is a path of its own under towns/{code}/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("towns/<str:code>/summary/", views.TownSummaryView.as_view(), name="api-town-summary"),
    path("search/", views.SearchView.as_view(), name="api-search"),
]
