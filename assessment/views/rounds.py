"""The years and a year's round: settings, indicator system, towns still to score, the job, publication and reopening (R7–R9)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from core import formats
from core.errors import Conflict, DomainError
from core.exports import export_response
from core.forms import refuse_stale
from core.scoping import is_province_admin, scope_of

from .. import exports, selectors, services
from ..forms import (
    AssessmentYearForm,
    CopySystemForm,
    IndicatorFormSet,
    PublishForm,
    ReopenForm,
    SettingsForm,
    indicator_rows,
)
from ..models import (
    AssessmentRound,
    JobState,
    NoticeKind,
    RoundState,
)
from ._common import (
    ACTIVE_JOB,
    _indicators,
    _require_admin,
    _round,
)

# --- the years -----------------------------------------------------------------------------------------


@login_required
def assessment_index(request):
    """The years' rounds, and the current year's (its defaults until its first write)."""
    form = AssessmentYearForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("assessment-round", year=form.cleaned_data["year"])
    current = _round(timezone.localdate().year)
    rounds, sorting = exports.round_list(request.GET)
    context = {"rounds": rounds, "sorting": sorting, "current": current, "form": form}
    return render(request, "assessment/index.html", context)


# --- a year's round ------------------------------------------------------------------------------------

PUBLISH_CONFIRMATION = "发布后将编发通报文号、调整示范镇认定（淘汰与递补），结果冻结。确定发布吗？"


def _publish_confirmation(preview):
    """The publish button's question, naming what the publication will change (its preview)."""
    if not preview:
        return PUBLISH_CONFIRMATION
    if preview["changes_nothing"]:
        return "结果与已发布的一致：不重新发文，示范镇认定不变。确定发布吗？"
    lines = [f"发布后将取用 {preview['new_documents']} 个新文号编发通报，结果冻结。"]
    designations = [change["description"] for change in preview["designations"]]
    if designations:
        lines.append("示范镇认定将调整：")
        lines.extend(f"· {description}" for description in designations)
    else:
        lines.append("示范镇认定不变。")
    talks = [town["town_name"] for town in preview["talks_added"]]
    if talks:
        lines.append(f"新增约谈：{'、'.join(talks)}")
    lines.append("确定发布吗？")
    return "\n".join(lines)


def _round_page(request, assessment_round, **forms):
    user = request.user
    admin = is_province_admin(user)
    province = selectors.sees_proposed(user)
    year = assessment_round.year
    indicators = _indicators(assessment_round)
    has_scores = selectors.has_scores(assessment_round)
    saved = assessment_round.pk is not None
    state = assessment_round.state
    job_state, job_message = selectors.effective_job(assessment_round)
    frozen = assessment_round.is_frozen
    configurable = admin and services.indicators_editable(assessment_round)
    status = selectors.shown_status(user, assessment_round)
    context = {
        "assessment_round": assessment_round,
        "indicators": indicators,
        "indicator_total": sum((indicator.max_points for indicator in indicators), Decimal("0")),
        "has_scores": has_scores,
        "configurable": configurable,
        "settings_editable": admin and services.settings_editable(assessment_round),
        "is_admin": admin,
        "sees_proposed": province,
        "job_state": job_state,
        "job_state_label": JobState(job_state).label,
        "job_message": job_message,
        "job_active": job_state in ACTIVE_JOB,
        # The run's job page (/jobs/<id>/) is province-wide data: linked for the users whose scope covers it.
        "job_url": (
            reverse("job-detail", args=[assessment_round.job_id])
            if assessment_round.job_id and scope_of(user).province_wide
            else ""
        ),
        "may_run": admin and not frozen and job_state not in ACTIVE_JOB,
        "notices": selectors.round_notices(user, assessment_round),
        "publications": selectors.round_publications(assessment_round),
    }
    if context["settings_editable"]:
        context["settings_form"] = forms.get("settings_form") or SettingsForm(
            initial=SettingsForm.initial_for(assessment_round)
        )
        context["stale"] = forms.get("stale")
    if configurable:
        context["copy_form"] = forms.get("copy_form") or CopySystemForm(
            years=selectors.other_system_years(year)
        )
    if (province or user.role == Role.CITY_OFFICIAL) and state == RoundState.OPEN:
        # Shown before a run so that no designated town is forgotten (R7, issue 8 point 7).
        # Counted in SQL and listed up to selectors.GAP_ROWS each: the score sheet lists every one of them.
        gaps = selectors.gap_summary(user, assessment_round, [indicator.code for indicator in indicators])
        context["gaps"] = gaps
        context["incomplete"] = gaps.incomplete
        context["unassessed"] = [(gap.town, gap.tier) for gap in gaps.unassessed]
        context["has_gaps"] = gaps.any
    if admin and state == RoundState.COMPUTED:
        context["publish_form"] = forms.get("publish_form") or PublishForm()
        try:
            context["preview"] = selectors.publication_preview(selectors.publication_plan(assessment_round))
        except DomainError:
            context["preview"] = None
        context["publish_confirmation"] = _publish_confirmation(context["preview"])
    if admin and saved and state != RoundState.OPEN and job_state not in ACTIVE_JOB:
        context["reopen_form"] = forms.get("reopen_form") or ReopenForm()
    if province:
        context["summary"] = selectors.result_summary(assessment_round, status)
    else:
        context["my_results"] = selectors.published_results_of_region(user, assessment_round)
    return render(request, "assessment/round_detail.html", context)


@login_required
def round_detail(request, year):
    return _round_page(request, _round(year))


@login_required
def round_progress(request, year):
    """The job's progress for the page's progress bar (polled every second while the job runs)."""
    assessment_round = get_object_or_404(AssessmentRound.objects.select_related("job"), year=year)
    job_state, job_message = selectors.effective_job(assessment_round)
    return JsonResponse(
        {
            "year": assessment_round.year,
            "state": assessment_round.state,
            "state_label": assessment_round.get_state_display(),
            "job_state": job_state,
            "job_state_label": JobState(job_state).label,
            "job_progress": assessment_round.job_progress,
            "job_message": job_message,
        }
    )


@login_required
@require_POST
def round_settings(request, year):
    _require_admin(request, "修改评价设置")
    assessment_round = _round(year)
    form = SettingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "评价设置未保存，请修改标出的内容。")
        return _round_page(request, assessment_round, settings_form=form)
    try:
        services.update_settings(request.user, year=year, **form.cleaned_data)
    except Conflict as exc:
        current = _round(year)
        stale = refuse_stale(form, exc.message, SettingsForm.initial_for(current), current.version)
        return _round_page(request, current, settings_form=form, stale=stale)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已保存{year}年度评价设置。")
    return redirect("assessment-round", year=year)


@login_required
@require_POST
def round_copy_system(request, year):
    _require_admin(request, "修改评价指标体系")
    assessment_round = _round(year)
    form = CopySystemForm(request.POST, years=selectors.other_system_years(year))
    if not form.is_valid():
        messages.error(request, "请选择要复制的年度。")
        return _round_page(request, assessment_round, copy_form=form)
    from_year = form.cleaned_data["from_year"]
    try:
        services.copy_system(request.user, year=year, from_year=from_year)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将{from_year}年的评价指标体系复制为{year}年度指标体系。")
    return redirect("assessment-round", year=year)


@login_required
def indicator_edit(request, year):
    """Edit the year's indicators before scoring starts (R7): the maximums must add up to 100."""
    _require_admin(request, "修改评价指标体系")
    assessment_round = _round(year)
    if request.method != "POST" and (not services.indicators_editable(assessment_round)):
        messages.error(request, "评分已经开始，指标体系和评价设置不能再修改。")
        return redirect("assessment-round", year=year)
    refusal = None
    if request.method == "POST":
        formset = IndicatorFormSet(request.POST)
        if formset.is_valid():
            try:
                services.save_indicators(request.user, year=year, indicators=indicator_rows(formset))
            except DomainError as exc:
                refusal = exc.message
            else:
                messages.success(request, f"已保存{year}年度评价指标体系。")
                return redirect("assessment-round", year=year)
        else:
            refusal = "指标体系未保存，请修改标出的内容。"
    else:
        formset = IndicatorFormSet(
            initial=[
                {
                    "code": indicator.code,
                    "name": indicator.name,
                    "task_area": indicator.task_area_id,
                    "max_points": formats.points(indicator.max_points),
                }
                for indicator in _indicators(assessment_round)
            ]
        )
    context = {"assessment_round": assessment_round, "formset": formset, "refusal": refusal}
    return render(request, "assessment/indicator_form.html", context)


@login_required
def indicator_export(request, year):
    return export_response(request, "assessment.indicators", year=year)


@login_required
def unassessed_export(request, year):
    return export_response(request, "assessment.unassessed", year=year)


@login_required
def round_list_export(request):
    return export_response(request, "assessment.rounds")


@login_required
@require_POST
def round_run(request, year):
    """Queue the year's computation (R7–R9); the page then follows its progress."""
    _require_admin(request, "运行评价计算")
    _round(year)
    confirm = request.POST.get("confirm_incomplete") in ("1", "on", "true")
    try:
        _round_after, started = services.start_assessment(request.user, year=year, confirm_incomplete=confirm)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if started:
            messages.success(request, f"已提交{year}年度评价计算。")
        else:
            messages.info(request, "计算任务已在进行中，请等待完成。")
    return redirect("assessment-round", year=year)


@login_required
@require_POST
def round_publish(request, year):
    _require_admin(request, "发布评价结果")
    assessment_round = _round(year)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未发布，请修改标出的内容。")
        return _round_page(request, assessment_round, publish_form=form)
    try:
        published = services.publish(
            request.user, year=year, doc_prefix=form.cleaned_data["doc_prefix"], **form.parameters()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        # The documents this publication issued: a re-publication re-issues changed notices only.
        publication = selectors.latest_publication(published)
        notices = sorted(publication.notices.all(), key=lambda notice: notice.kind != NoticeKind.PRAISE)
        issued = [f"{notice.get_kind_display()} {notice.doc_no}" for notice in notices]
        if publication.correction_doc_no:
            issued.append(f"更正通知 {publication.correction_doc_no}")
        numbers = "、".join(issued) or "结果与已发布的一致，未重新发文"
        messages.success(request, f"已发布{year}年度评价结果（{numbers}）。")
    return redirect("assessment-round", year=year)


@login_required
@require_POST
def round_reopen(request, year):
    _require_admin(request, "重新开放年度评价")
    assessment_round = _round(year)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未重新开放，请填写原因。")
        return _round_page(request, assessment_round, reopen_form=form)
    try:
        services.reopen(request.user, year=year, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已重新开放{year}年度评价：可更正得分、一票否决和设置，重新计算后再次发布。"
        )
    return redirect("assessment-round", year=year)
