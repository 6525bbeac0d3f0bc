"""The selection app's API viewsets; config/api_urls.py merges this router into the one API v1 router."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("selection-rounds", views.SelectionRoundViewSet, basename="api-selection-round")
router.register("submissions", views.SubmissionViewSet, basename="api-submission")

urlpatterns = router.urls
