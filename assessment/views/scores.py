"""Score entry and import (R7): entered by a town's city or the province, read by the others."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from core import formats, import_views
from core.errors import Conflict, DomainError
from core.exports import export_response
from core.forms import ImportUploadForm, refuse_stale
from core.scoping import is_province_admin

from .. import exports, selectors, services
from ..filtersets import SCORE_SHEET_SORTS
from ..forms import ScoreForm
from ._common import (
    _indicators,
    _page,
    _round,
    _show_refusal,
)

# --- scores --------------------------------------------------------------------------------------------


def _score_list_page(request, assessment_round):
    """The score sheet, one page of towns at a time (sorted and filtered by 评分情况 in SQL)."""
    user = request.user
    admin = is_province_admin(user)
    indicators = _indicators(assessment_round)
    filled = request.GET.get("filled", "")
    filled = filled if filled in selectors.SCORE_FILLED else ""
    sorting = SCORE_SHEET_SORTS.sorting(request)
    towns = selectors.score_sheet_towns(user, assessment_round, len(indicators), filled=filled)
    context = _page(request, sorting.apply(towns))
    page_towns = list(context["page"].object_list)
    points = selectors.score_sheet_points(user, assessment_round, page_towns)
    scoring = services.scoring_open(assessment_round)
    lines = [
        exports.ScoreLine(
            town, town.held_tier, points.get(town.code, {}), scoring and services.may_score(user, town)
        )
        for town in page_towns
    ]
    context.update(
        {
            "assessment_round": assessment_round,
            "indicators": indicators,
            "lines": lines,
            "sorting": sorting,
            "filled": filled,
            "filled_label": selectors.SCORE_FILLED.get(filled, ""),
            "filled_choices": selectors.SCORE_FILLED.items(),
            "scored": selectors.scored_town_count(user, assessment_round),
            "may_import": admin and scoring,
            "import_form": ImportUploadForm(),
        }
    )
    return render(request, "assessment/score_list.html", context)


@login_required
def score_list(request, year):
    return _score_list_page(request, _round(year))


@login_required
def score_export(request, year):
    return export_response(request, "assessment.scores", year=year)


@login_required
def score_import(request, year):
    """The score import's upload page (R7, province_admin): core's two-step import, kind assessment.scores,
    in either layout (the exported score sheet, or one row per town and indicator); a good file goes to its
    preview (/imports/<id>/). The score list's import card posts here too."""
    assessment_round = _round(year)
    return import_views.upload_page(request, services.SCORE_IMPORT, {"year": assessment_round.year})


@login_required
def score_town(request, year, code):
    """One town's points per indicator: entered by its city or the province (R7), read by the others."""
    assessment_round = _round(year)
    town = selectors.town_in_scope(request.user, code)
    if town is None:
        raise Http404("未找到。")
    held = selectors.designated_in_year(assessment_round.year, [town.code])
    if town.code not in held:
        raise Http404("未找到。")
    indicators = _indicators(assessment_round)
    may_enter = services.may_score(request.user, town)
    stale = None
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied("只有省级管理员或该镇所在市（州）的工作人员可以录入得分。")
        form = ScoreForm(request.POST, indicators=indicators)
        if form.is_valid():
            try:
                saved = services.save_scores(
                    request.user,
                    year=year,
                    town=town,
                    points_by_code=form.points(),
                    version=form.cleaned_data["version"],
                )
            except Conflict as exc:
                now = selectors.town_points(request.user, assessment_round, town)
                shown = {code: formats.points(points) for code, points in now.items()}
                stale = refuse_stale(form, exc.message, shown, services.sheet_version(assessment_round, town))
            except DomainError as exc:
                _show_refusal(form, exc)
            else:
                messages.success(request, f"已保存{town.name}的 {saved} 项得分。")
                return redirect("assessment-score-town", year=year, code=town.code)
    current = selectors.town_points(request.user, assessment_round, town)
    if request.method != "POST":
        initial = {code: formats.points(points) for code, points in current.items()}
        initial["version"] = services.sheet_version(assessment_round, town) if assessment_round.pk else ""
        form = ScoreForm(initial=initial, indicators=indicators)
    rows = [(indicator, form[indicator.code], current.get(indicator.code)) for indicator in indicators]
    context = {
        "assessment_round": assessment_round,
        "town": town,
        "tier": held[town.code][0],
        "form": form,
        "rows": rows,
        "composite": sum(current.values(), Decimal("0")) if current else None,
        "max_total": sum((indicator.max_points for indicator in indicators), Decimal("0")),
        "may_enter": may_enter and services.scoring_open(assessment_round),
        "may_enter_role": may_enter,
        "stale": stale,
    }
    return render(request, "assessment/score_form.html", context)
