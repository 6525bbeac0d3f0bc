"""The towns app's API viewsets; config/api_urls.py merges this router into the one API v1 router."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("regions", views.RegionViewSet, basename="api-region")
router.register("towns", views.TownViewSet, basename="api-town")
router.register("designations", views.DesignationViewSet, basename="api-designation")
router.register("quotas", views.QuotaViewSet, basename="api-quota")

urlpatterns = router.urls
