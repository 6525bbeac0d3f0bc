"""API v1: one router; each app contributes its viewsets from its api/urls.py (its `router`)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api.urls import router as accounts_router
from accounts.api.views import ObtainTokenView
from assessment.api.urls import router as assessment_router
from core.api.urls import router as core_router
from dashboard.api.urls import router as dashboard_router
from funding.api.urls import router as funding_router
from projects.api.urls import router as projects_router
from selection.api.urls import router as selection_router
from towns.api.urls import router as towns_router

APP_ROUTERS = [
    core_router,
    accounts_router,
    towns_router,
    selection_router,
    projects_router,
    funding_router,
    assessment_router,
    dashboard_router,
]


class APIRootView(DefaultRouter.APIRootView):
    """示范镇 Portal API v1：各资源的入口。令牌由 POST auth/token/ 获取。"""


router = DefaultRouter()
router.APIRootView = APIRootView
for app_router in APP_ROUTERS:
    router.registry.extend(app_router.registry)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include("dashboard.api.urls")),  # a town's summary, the global search and the dashboard
    path("", include(router.urls)),
]
