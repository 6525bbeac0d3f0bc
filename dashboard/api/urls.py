"""The top floor's API viewsets; config/api_urls.py merges this router into the one API v1 router."""

from rest_framework.routers import SimpleRouter

from .views import TodoViewSet

router = SimpleRouter()
router.register("todo", TodoViewSet, basename="api-todo")

urlpatterns = router.urls
