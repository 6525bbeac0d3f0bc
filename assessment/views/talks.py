"""约谈 of the criticised towns (R8), tracked until held."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.exports import export_response
from core.formats import chinese_date
from core.scoping import is_province_admin

from .. import exports, selectors, services
from ..filtersets import TALK_SORTS
from ..forms import (
    TalkHeldForm,
)
from ..models import (
    TalkStatus,
)
from ._common import _require_admin, _round

# --- talks ---------------------------------------------------------------------------------------------


def _talks(request, assessment_round):
    """The year's talks in the order the request asks for (the page and its export alike)."""
    return exports.round_talks(request.user, request.GET, assessment_round)[0]


@login_required
def talk_list(request, year):
    """约谈 of the criticised towns (R8), tracked until held."""
    assessment_round = _round(year)
    talks = _talks(request, assessment_round)
    context = {
        "assessment_round": assessment_round,
        "talks": talks,
        "sorting": TALK_SORTS.sorting(request),
        "pending": sum(1 for talk in talks if talk.status == TalkStatus.PENDING),
        "may_mark": is_province_admin(request.user),
        "form": TalkHeldForm(initial={"held_on": timezone.localdate()}),
        "today": timezone.localdate(),
    }
    return render(request, "assessment/talks.html", context)


@login_required
def talk_export(request, year):
    return export_response(request, "assessment.talks", year=year)


@login_required
@require_POST
def talk_held(request, year, pk):
    _require_admin(request, "登记约谈情况")
    talk = get_object_or_404(selectors.visible_talks(request.user), pk=pk, round__year=year)
    form = TalkHeldForm(request.POST)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, "未登记：" + "；".join(errors))
        return redirect("assessment-talks", year=year)
    try:
        services.mark_talk_held(
            request.user, talk=talk, held_on=form.cleaned_data["held_on"], note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已登记{talk.town.name}的约谈（{chinese_date(form.cleaned_data['held_on'])}）。"
        )
    return redirect("assessment-talks", year=year)
