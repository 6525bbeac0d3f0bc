"""This app's API viewsets; config/api_urls.py merges this router into the one API v1 router."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()

urlpatterns = router.urls
