"""This app's API viewsets; config/api_urls.py merges this router into the one API v1 router."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("indicator-systems", views.IndicatorSystemViewSet, basename="api-indicator-system")
router.register("assessment-rounds", views.AssessmentRoundViewSet, basename="api-assessment-round")
router.register("scores", views.ScoreViewSet, basename="api-score")
router.register("rankings", views.RankingViewSet, basename="api-ranking")
router.register("notices", views.NoticeViewSet, basename="api-notice")
router.register("eliminations", views.EliminationViewSet, basename="api-elimination")
router.register("vetoes", views.VetoViewSet, basename="api-veto")
router.register("exemptions", views.ExemptionViewSet, basename="api-exemption")
router.register("talks", views.TalkViewSet, basename="api-talk")

urlpatterns = router.urls
