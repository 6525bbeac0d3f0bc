"""Each tier ranked province-wide (R8)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from core.exports import xlsx_response
from towns import selectors as town_selectors
from towns.choices import Tier

from .. import exports, selectors
from ..choices import Grade
from ..forms import TIER_CHOICES, RankingFilterForm
from ..models import ResultStatus
from ._common import _round

# --- ranking -------------------------------------------------------------------------------------------


def _ranking_context(request, assessment_round):
    user = request.user
    cities, _counties = town_selectors.directory_regions(user)
    form = RankingFilterForm(request.GET, cities=cities)
    valid = form.is_valid()
    tier = form.cleaned_data["tier"] if valid else Tier.PROVINCIAL
    city = form.cleaned_data["city"] if valid else ""
    grade = form.cleaned_data["grade"] if valid else ""
    results = selectors.ranking_results(user, assessment_round, tier, city, grade) if valid else []
    history = selectors.earlier_ranks(user, [result.town_id for result in results], assessment_round.year)
    years = sorted({entry[0] for entries in history.values() for entry in entries}, reverse=True)
    rows = exports.ranking_rows(results, history, years, tier)
    return {
        "assessment_round": assessment_round,
        "form": form,
        "tier": tier,
        "tier_label": Tier(tier).label,
        "tiers": TIER_CHOICES,
        "cities": cities,
        "selected_city": city,
        "grades": Grade.choices,
        "selected_grade": grade,
        "rows": rows,
        "years": years,
        "ranked": sum(1 for row in rows if row.result.assessed),
        "proposed": any(row.result.status == ResultStatus.PROPOSED for row in rows),
        "sees_proposed": selectors.sees_proposed(user),
    }


@login_required
def rankings(request, year):
    """Each tier ranked province-wide (R8): ties share a rank, vetoed towns last, 未评 towns after them."""
    return render(request, "assessment/rankings.html", _ranking_context(request, _round(year)))


@login_required
def rankings_export(request, year):
    context = _ranking_context(request, _round(year))
    if not context["form"].is_valid():
        messages.error(request, "筛选条件有误，未导出。")
        return redirect("assessment-rankings", year=year)
    rows = context["rows"]
    return xlsx_response(
        f"{year}年度{context['tier_label']}示范镇评价排名.xlsx",
        f"{year}年度{context['tier_label']}示范镇评价排名",
        exports.ranking_columns(context["years"]),
        exports.ranking_export_rows(rows),
        unit_note=f"单位：分　参评 {context['ranked']} 个，未评 {len(rows) - context['ranked']} 个",
    )
