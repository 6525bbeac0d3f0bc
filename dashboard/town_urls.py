"""A town's page under /towns/, composed on the top floor (dashboard.views): config/urls.py includes these
after selection's and the towns app's own paths under /towns/ (rounds/, quotas/, inbox/ …), so that no fixed
path is taken for a town code."""

from django.urls import path

from . import views

urlpatterns = [
    # R2 tier changes outside a round
    path("<str:code>/tier-change/", views.town_tier_change, name="town-tier-change"),
    path("<str:code>/", views.town_detail, name="town-detail"),
]
