"""Each tier ranked province-wide (R8)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from core.exports import export_response
from towns import selectors as town_selectors
from towns.choices import Tier

from .. import exports, selectors
from ..choices import Grade, ResultStatus
from ..filtersets import ranking_result_sorts
from ..forms import TIER_CHOICES, RankingFilterForm
from ._common import _page, _round

# --- ranking -------------------------------------------------------------------------------------------


def _ranking_context(request, assessment_round):
    """One page of a tier's ranking (tier tabs, city and grade filters, sorted in SQL); the export keeps
    the whole tier (exports.ranking_context)."""
    user = request.user
    cities, _counties = town_selectors.directory_regions(user)
    form = RankingFilterForm(request.GET, cities=cities)
    valid = form.is_valid()
    tier = form.cleaned_data["tier"] if valid else Tier.PROVINCIAL
    city = form.cleaned_data["city"] if valid else ""
    grade = form.cleaned_data["grade"] if valid else ""
    results = selectors.ranking_page_results(user, assessment_round, tier, city, grade)
    if not valid:
        results = results.none()
    years = selectors.ranked_earlier_years(user, results, assessment_round.year) if valid else []
    sorting = ranking_result_sorts(years).sorting(request)
    if sorting.sort.key.startswith("earlier_"):
        results = results.annotate(**selectors.earlier_rank_annotations(user, years))
    # The page is chosen on the ids alone (the ranking index walks past earlier pages without joining their
    # towns), then its rows are read with their towns.
    context = _page(request, sorting.apply(results).values_list("pk", flat=True))
    page_results = selectors.results_in_order(user, list(context["page"].object_list))
    history = selectors.earlier_ranks(
        user, [result.town_id for result in page_results], assessment_round.year
    )
    counts = results.aggregate(ranked=Count("pk", filter=Q(assessed=True)))
    context.update(
        {
            "assessment_round": assessment_round,
            "form": form,
            "tier": tier,
            "tier_label": Tier(tier).label,
            "cities": cities,
            "selected_city": city,
            "selected_grade": grade,
            "rows": [exports.ranking_row(result, history, years, tier) for result in page_results],
            "sorting": sorting,
            "years": years,
            "ranked": counts["ranked"],
            "proposed": bool(page_results)
            and selectors.shown_status(user, assessment_round) == ResultStatus.PROPOSED,
            "tiers": TIER_CHOICES,
            "grades": Grade.choices,
            "sees_proposed": selectors.sees_proposed(user),
        }
    )
    return context


@login_required
def rankings(request, year):
    """Each tier ranked province-wide (R8): ties share a rank, vetoed towns last, 未评 towns after them."""
    return render(request, "assessment/rankings.html", _ranking_context(request, _round(year)))


@login_required
def rankings_export(request, year):
    return export_response(request, "assessment.rankings", year=year)
