"""约谈 of the criticised towns (R8), tracked until held."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.exports import xlsx_response
from core.scoping import is_province_admin

from .. import exports, selectors, services
from ..forms import (
    TalkHeldForm,
)
from ..models import (
    TalkStatus,
)
from ._common import _require_admin, _round

# --- talks ---------------------------------------------------------------------------------------------


def _talks(request, assessment_round):
    return selectors.round_talks(request.user, assessment_round)


@login_required
def talk_list(request, year):
    """约谈 of the criticised towns (R8), tracked until held."""
    assessment_round = _round(year)
    talks = _talks(request, assessment_round)
    context = {
        "assessment_round": assessment_round,
        "talks": talks,
        "pending": sum(1 for talk in talks if talk.status == TalkStatus.PENDING),
        "may_mark": is_province_admin(request.user),
        "form": TalkHeldForm(initial={"held_on": timezone.localdate()}),
        "today": timezone.localdate(),
    }
    return render(request, "assessment/talks.html", context)


@login_required
def talk_export(request, year):
    talks = _talks(request, _round(year))
    return xlsx_response(
        f"{year}年度约谈情况.xlsx",
        f"{year}年度通报批评示范镇约谈情况",
        exports.TALK_COLUMNS,
        exports.talk_rows(talks),
        unit_note=f"共 {len(talks)} 个镇，待约谈 {sum(1 for t in talks if t.status == TalkStatus.PENDING)} 个",
    )


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
            request, f"已登记{talk.town.name}的约谈（{form.cleaned_data['held_on']:%Y-%m-%d}）。"
        )
    return redirect("assessment-talks", year=year)
