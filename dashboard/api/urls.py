"""The dashboard's API path; config/api_urls.py includes these urlpatterns beside the one router."""

from django.urls import path

from .views import DashboardView

urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="api-dashboard"),
]
