"""API v1: one router; each app contributes its viewsets from its api/urls.py."""

from django.urls import include, path

from accounts.api.views import ObtainTokenView

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include("towns.api.urls")),
]
