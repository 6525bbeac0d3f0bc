"""一票否决 (R7) and 免评 (issue 8): recorded by the province while scoring is open."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from core.choices import SecurityEventKind
from core.errors import DomainError
from core.exports import export_response
from core.scoping import is_province_admin
from core.security_log import record_security_event

from .. import exports, selectors, services
from ..filtersets import VETO_SORTS
from ..forms import (
    ExemptionForm,
    VetoForm,
)
from ._common import _refusals_as_messages, _require_admin, _round

# --- vetoes --------------------------------------------------------------------------------------------


def _vetoes(request, assessment_round):
    """The year's vetoes in the order the request asks for (the page and its export alike)."""
    return exports.round_vetoes(request.user, request.GET, assessment_round)[0]


@login_required
def veto_list(request, year):
    """一票否决 of the year (R7), and for province_admin the form that records one."""
    assessment_round = _round(year)
    admin = is_province_admin(request.user)
    form = None
    if request.method == "POST":
        _require_admin(request, "登记一票否决")
        form = VetoForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            town = selectors.town_in_scope(request.user, data["town"])
            if town is None:
                form.add_error("town", f"区划代码 {data['town']} 不存在。")
            else:
                try:
                    services.record_veto(
                        request.user,
                        year=year,
                        town=town,
                        reason=data["reason"],
                        doc_no=data["doc_no"],
                        document=data["document"],
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, f"已登记{town.name}的一票否决事项。")
                    return redirect("assessment-vetoes", year=year)
    may_record = admin and services.scoring_open(assessment_round)
    _refusals_as_messages(request, form, may_record)
    context = {
        "assessment_round": assessment_round,
        "vetoes": _vetoes(request, assessment_round),
        "sorting": VETO_SORTS.sorting(request),
        "form": (form or VetoForm()) if may_record else None,
    }
    return render(request, "assessment/veto_list.html", context)


@login_required
def veto_export(request, year):
    return export_response(request, "assessment.vetoes", year=year)


@login_required
def veto_document(request, year, pk):
    veto = get_object_or_404(selectors.visible_vetoes(request.user), pk=pk, round__year=year)
    if not veto.document:
        raise Http404("未找到。")
    try:
        handle = veto.document.open("rb")
    except FileNotFoundError:
        raise Http404("未找到。") from None
    # The user's name for the file, as cleaned when it was stored; older rows have only the generated one.
    name = veto.document_name or PurePath(veto.document.name).name
    record_security_event(SecurityEventKind.DOWNLOADED, request=request, veto=veto.pk, file=name)
    return FileResponse(handle, as_attachment=True, filename=name)


# --- exemptions (免评) -----------------------------------------------------------------------------------


@login_required
def exemption_list(request, year):
    """免评 of the year (R7; issue 8, point 7): a provincial town without scores is published only so."""
    assessment_round = _round(year)
    admin = is_province_admin(request.user)
    form = None
    if request.method == "POST":
        _require_admin(request, "登记免评")
        form = ExemptionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            town = selectors.town_in_scope(request.user, data["town"])
            if town is None:
                form.add_error("town", f"乡镇“{data['town']}”不存在。")
            else:
                try:
                    services.record_exemption(
                        request.user, year=year, town=town, reason=data["reason"], doc_no=data["doc_no"]
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, f"已登记{town.name}的免评。")
                    return redirect("assessment-exemptions", year=year)
    may_record = admin and services.scoring_open(assessment_round)
    _refusals_as_messages(request, form, may_record)
    exemptions, sorting = exports.round_exemptions(request.user, request.GET, assessment_round)
    candidates = []
    if may_record:
        _incomplete, unassessed = selectors.scoring_gaps(request.user, assessment_round)
        candidates = [gap.town for gap in unassessed]
    context = {
        "assessment_round": assessment_round,
        "exemptions": exemptions,
        "sorting": sorting,
        "form": (form or ExemptionForm()) if may_record else None,
        "towns": candidates,
    }
    return render(request, "assessment/exemptions.html", context)


@login_required
def exemption_export(request, year):
    return export_response(request, "assessment.exemptions", year=year)
