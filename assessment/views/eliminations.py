"""Eliminations, substitutes and the cities left under their minimum (R9)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.exports import export_response

from .. import selectors
from ..rules import PROVINCIAL_CITY_MINIMUM
from ._common import (
    _round,
)

# --- eliminations --------------------------------------------------------------------------------------


def _elimination_context(request, assessment_round):
    review = selectors.elimination_review(request.user, assessment_round)
    if review.problem:
        messages.error(request, review.problem)
    return {
        "assessment_round": assessment_round,
        "eliminations": review.eliminations,
        "results": review.results,
        "hidden": review.hidden,
        "cities": review.cities,
        "pending": review.pending,
        "minimum": PROVINCIAL_CITY_MINIMUM,
        "sees_proposed": selectors.sees_proposed(request.user),
    }


@login_required
def eliminations(request, year):
    """Towns eliminated after two years in the bottom N, their substitutes, cities left under 2 (R9)."""
    context = _elimination_context(request, _round(year))
    context["rows"] = [
        (elimination, context["results"].get(elimination.town_id), elimination.pk in context["hidden"])
        for elimination in context["eliminations"]
    ]
    return render(request, "assessment/eliminations.html", context)


@login_required
def eliminations_export(request, year):
    return export_response(request, "assessment.eliminations", year=year)


@login_required
def under_minimum_export(request, year):
    return export_response(request, "assessment.under_minimum", year=year)
