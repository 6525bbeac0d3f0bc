"""This app's API viewsets; config/api_urls.py merges this router into the one API v1 router."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("debt-quotas", views.DebtQuotaViewSet, basename="api-debt-quota")
router.register("allocations", views.AllocationViewSet, basename="api-allocation")
router.register("allocation-proposals", views.AllocationProposalViewSet, basename="api-allocation-proposal")

urlpatterns = router.urls
