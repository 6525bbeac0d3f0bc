"""Eliminations, substitutes and the cities left under their minimum (R9)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.exports import xlsx_response

from .. import exports, selectors
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
    context = _elimination_context(request, _round(year))
    rows = list(exports.elimination_rows(context["eliminations"], context["results"], context["hidden"]))
    return xlsx_response(
        f"{year}年度省级示范镇淘汰与递补.xlsx",
        f"{year}年度省级示范镇淘汰与递补",
        exports.ELIMINATION_COLUMNS,
        rows,
        unit_note=f"单位：分　淘汰 {len(rows)} 个",
    )


@login_required
def under_minimum_export(request, year):
    context = _elimination_context(request, _round(year))
    cities = context["cities"]
    return xlsx_response(
        f"{year}年度省级示范镇不足{PROVINCIAL_CITY_MINIMUM}个的市（州）.xlsx",
        f"{year}年度省级示范镇不足{PROVINCIAL_CITY_MINIMUM}个的市（州）",
        exports.UNDER_MINIMUM_COLUMNS,
        exports.under_minimum_rows(cities),
        unit_note=f"共 {len(cities)} 个市（州）",
    )
