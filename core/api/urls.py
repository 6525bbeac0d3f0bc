"""Core's API viewsets; config/api_urls.py merges this router into the one API v1 router."""

from rest_framework.routers import SimpleRouter

from .audit import AuditLogViewSet, SecurityEventViewSet
from .imports import ImportViewSet
from .jobs import JobViewSet
from .notifications import NotificationViewSet

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="api-notification")
router.register("jobs", JobViewSet, basename="api-job")
router.register("imports", ImportViewSet, basename="api-import")
router.register("audit", AuditLogViewSet, basename="api-audit")
router.register("security-events", SecurityEventViewSet, basename="api-security-event")

urlpatterns = router.urls
