"""Each tier ranked province-wide (R8)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.exports import export_response

from .. import exports, selectors
from ..choices import Grade
from ..forms import TIER_CHOICES
from ._common import _round

# --- ranking -------------------------------------------------------------------------------------------


def _ranking_context(request, assessment_round):
    context = exports.ranking_context(request.user, request.GET, assessment_round)
    context.update(
        tiers=TIER_CHOICES, grades=Grade.choices, sees_proposed=selectors.sees_proposed(request.user)
    )
    return context


@login_required
def rankings(request, year):
    """Each tier ranked province-wide (R8): ties share a rank, vetoed towns last, 未评 towns after them."""
    return render(request, "assessment/rankings.html", _ranking_context(request, _round(year)))


@login_required
def rankings_export(request, year):
    return export_response(request, "assessment.rankings", year=year)
