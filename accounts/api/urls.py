"""Accounts' API viewsets; config/api_urls.py merges this router into the one API v1 router."""

from rest_framework.routers import SimpleRouter

from .views import ApiTokenViewSet

router = SimpleRouter()
router.register("tokens", ApiTokenViewSet, basename="api-token-manage")

urlpatterns = router.urls
