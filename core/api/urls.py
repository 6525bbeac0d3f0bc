"""Core's API viewsets; config/api_urls.py merges this router into the one API v1 router."""

from rest_framework.routers import SimpleRouter

from .jobs import JobViewSet
from .imports import ImportViewSet
from .notifications import NotificationViewSet

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="api-notification")
router.register("jobs", JobViewSet, basename="api-job")
router.register("imports", ImportViewSet, basename="api-import")

urlpatterns = router.urls
