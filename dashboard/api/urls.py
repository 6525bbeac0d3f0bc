"""The top floor's API: its viewsets on `router` (config/api_urls.py merges it into the one API v1 router) and
its paths of their own in `urlpatterns` (included beside the router: a town's summary lies under the towns
app's towns/{code}/, the global search and the dashboard)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("todo", views.TodoViewSet, basename="api-todo")

urlpatterns = [
    path("towns/<str:code>/summary/", views.TownSummaryView.as_view(), name="api-town-summary"),
    path("search/", views.SearchView.as_view(), name="api-search"),
    path("dashboard/", views.DashboardView.as_view(), name="api-dashboard"),
]
