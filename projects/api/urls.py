"""This app's API viewsets; config/api_urls.py merges this router into the one API v1 router."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("task-areas", views.TaskAreaViewSet, basename="api-task-area")
router.register("projects", views.ProjectViewSet, basename="api-project")
router.register("progress-reports", views.ProgressReportViewSet, basename="api-progress-report")

urlpatterns = router.urls
