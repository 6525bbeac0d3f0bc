"""Pages of the annual assessment (issue 5; R7–R9): the years, a year's round with its settings, indicator
system, unassessed towns and job; score entry and import; vetoes; the ranking table; the notices (printable
and PDF); the elimination review; the talks. Thin: the services decide and write, the selectors read (what a
role may see of proposed and published results), the forms collect."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from accounts.models import Role
from core.errors import DomainError, checked_year
from core.exports import xlsx_response
from core.scoping import is_province_admin, restrict, scope_of
from towns import selectors as town_selectors
from towns.choices import Tier
from towns.models import Region, Town

from . import exports, selectors, services
from .forms import (
    CopySystemForm,
    ExemptionForm,
    IndicatorFormSet,
    PublishForm,
    RankingFilterForm,
    ReopenForm,
    ScoreForm,
    ScoreImportForm,
    SettingsForm,
    SimulationForm,
    TalkHeldForm,
    VetoForm,
    YearForm,
    indicator_rows,
    plain_points,
)
from .models import (
    AssessmentRound,
    Elimination,
    IndicatorSystem,
    JobState,
    NoticeKind,
    Result,
    ResultStatus,
    RoundState,
    TalkStatus,
)
from .pdf import notice_pdf
from .rules import GRADE_LABELS, PROVINCIAL_CITY_MINIMUM, TIER_LABELS, cities_under_minimum

TIER_ORDER = {Tier.PROVINCIAL: 0, Tier.CITY: 1, Tier.COUNTY: 2}
ACTIVE_JOB = (JobState.QUEUED, JobState.RUNNING)


def _round(year):
    """The year's round, or its defaults until the first write creates it (a page visit never does); a
    year outside 2000–2100 is a page that does not exist."""
    try:
        year = checked_year(year)
    except DomainError:
        raise Http404("未找到。") from None
    return selectors.round_or_default(year)


def _require_admin(request, what):
    if not is_province_admin(request.user):
        raise PermissionDenied(f"只有省级管理员可以{what}。")


def _indicators(assessment_round):
    return selectors.round_indicators(assessment_round)


# --- the years -----------------------------------------------------------------------------------------


@login_required
def assessment_index(request):
    """The years' rounds, and the current year's (its defaults until its first write)."""
    form = YearForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("assessment-round", year=form.cleaned_data["year"])
    current = _round(timezone.localdate().year)
    rounds = AssessmentRound.objects.select_related("system").order_by("-year")
    return render(request, "assessment/index.html", {"rounds": rounds, "current": current, "form": form})


# --- a year's round ------------------------------------------------------------------------------------


def _result_summary(assessment_round, status):
    """Per tier: designated, assessed, 未评, per grade and vetoed, from the round's results (one query)."""
    if assessment_round.pk is None:
        return []
    counts = (
        Result.objects.filter(round=assessment_round, status=status)
        .values_list("tier", "assessed", "grade", "vetoed")
        .annotate(n=Count("id"))
    )
    tiers = {}
    for tier, assessed, grade, vetoed, n in counts:
        line = tiers.setdefault(tier, Counter())
        line["total"] += n
        line["assessed" if assessed else "unassessed"] += n
        if assessed:
            line[grade] += n
        if vetoed:
            line["vetoed"] += n
    return [
        {"tier": tier, "label": TIER_LABELS.get(tier, tier), **tiers[tier]}
        for tier in sorted(tiers, key=lambda t: TIER_ORDER.get(t, 9))
    ]


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
    correcting = saved and state == RoundState.OPEN and assessment_round.publications.exists()
    configurable = admin and state == RoundState.OPEN and not has_scores
    status = selectors.shown_status(user, assessment_round)
    context = {
        "assessment_round": assessment_round,
        "indicators": indicators,
        "indicator_total": sum((indicator.max_points for indicator in indicators), Decimal("0")),
        "has_scores": has_scores,
        "configurable": configurable,
        "settings_editable": admin and state == RoundState.OPEN and (not has_scores or correcting),
        "is_admin": admin,
        "sees_proposed": province,
        "job_state": job_state,
        "job_state_label": JobState(job_state).label,
        "job_message": job_message,
        "job_active": job_state in ACTIVE_JOB,
        "may_run": admin and not frozen and job_state not in ACTIVE_JOB,
        "notices": [],
        "publications": [],
    }
    if saved:
        notices = (
            selectors.visible_notices(user).prefetch_related(None).filter(round__year=assessment_round.year)
        )
        if status == ResultStatus.PUBLISHED:
            notices = notices.exclude(status=ResultStatus.PROPOSED)
        context["notices"] = list(notices.annotate(towns=Count("results")).order_by("kind", "-id"))
        context["publications"] = list(
            assessment_round.publications.select_related("published_by").prefetch_related("notices")
        )
    if context["settings_editable"]:
        context["settings_form"] = forms.get("settings_form") or SettingsForm(
            initial=SettingsForm.initial_for(assessment_round)
        )
    if configurable:
        years = IndicatorSystem.objects.exclude(year=year).order_by("-year").values_list("year", flat=True)
        context["copy_form"] = forms.get("copy_form") or CopySystemForm(years=list(years))
    if (province or user.role == Role.CITY_OFFICIAL) and state == RoundState.OPEN:
        # Shown before a run so that no designated town is forgotten (R7, issue 8 point 7).
        incomplete, unassessed = selectors.scoring_gaps(user, assessment_round)
        context["incomplete"] = incomplete
        context["unassessed"] = [(gap.town, gap.tier) for gap in unassessed]
        context["has_gaps"] = bool(incomplete or unassessed)
    if admin and state == RoundState.COMPUTED:
        context["publish_form"] = forms.get("publish_form") or PublishForm()
        try:
            context["preview"] = selectors.publication_preview(selectors.publication_plan(assessment_round))
        except DomainError:
            context["preview"] = None
    if admin and saved and state != RoundState.OPEN and job_state not in ACTIVE_JOB:
        context["reopen_form"] = forms.get("reopen_form") or ReopenForm()
    if province:
        context["summary"] = _result_summary(assessment_round, status)
    else:
        mine = selectors.visible_results(user).filter(
            round__year=assessment_round.year, status=ResultStatus.PUBLISHED
        )
        context["my_results"] = sorted(
            mine, key=lambda r: (TIER_ORDER.get(r.tier, 9), not r.assessed, r.rank or 0, r.town_id)
        )
    return render(request, "assessment/round_detail.html", context)


@login_required
def round_detail(request, year):
    return _round_page(request, _round(year))


@login_required
def round_progress(request, year):
    """The job's progress for the page's progress bar (polled every second while the job runs)."""
    assessment_round = get_object_or_404(AssessmentRound, year=year)
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
        services.update_settings(request.user, year, **form.cleaned_data)
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
    years = IndicatorSystem.objects.exclude(year=year).values_list("year", flat=True)
    form = CopySystemForm(request.POST, years=list(years))
    if not form.is_valid():
        messages.error(request, "请选择要复制的年度。")
        return _round_page(request, assessment_round, copy_form=form)
    from_year = form.cleaned_data["from_year"]
    try:
        services.copy_system(request.user, year, from_year)
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
    if request.method != "POST" and (
        assessment_round.state != RoundState.OPEN or selectors.has_scores(assessment_round)
    ):
        messages.error(request, "评分已经开始，指标体系和评价设置不能再修改。")
        return redirect("assessment-round", year=year)
    refusal = None
    if request.method == "POST":
        formset = IndicatorFormSet(request.POST)
        if formset.is_valid():
            try:
                services.save_indicators(request.user, year, indicator_rows(formset))
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
                    "max_points": plain_points(indicator.max_points),
                }
                for indicator in _indicators(assessment_round)
            ]
        )
    context = {"assessment_round": assessment_round, "formset": formset, "refusal": refusal}
    return render(request, "assessment/indicator_form.html", context)


@login_required
def indicator_export(request, year):
    assessment_round = _round(year)
    indicators = _indicators(assessment_round)
    total = sum((indicator.max_points for indicator in indicators), Decimal("0"))
    return xlsx_response(
        f"{year}年度示范镇评价指标体系.xlsx",
        assessment_round.system.name,
        exports.INDICATOR_COLUMNS,
        exports.indicator_rows(indicators),
        unit_note=f"共 {len(indicators)} 项指标，满分合计 {plain_points(total)} 分",
    )


@login_required
def unassessed_export(request, year):
    if not selectors.sees_proposed(request.user):
        raise PermissionDenied("只有省级用户可以查看未录入得分的示范镇。")
    _incomplete, gaps = selectors.scoring_gaps(request.user, _round(year))
    tiers = {gap.town.code: gap.tier for gap in gaps}
    towns = [gap.town for gap in gaps]
    return xlsx_response(
        f"{year}年度未录入得分的示范镇.xlsx",
        f"{year}年度未录入得分的示范镇",
        exports.UNASSESSED_COLUMNS,
        exports.unassessed_rows(towns, tiers),
        unit_note=f"共 {len(towns)} 个镇",
    )


@login_required
@require_POST
def round_run(request, year):
    """Queue the year's computation (R7–R9); the page then follows its progress."""
    _require_admin(request, "运行评价计算")
    _round(year)
    confirm = request.POST.get("confirm_incomplete") in ("1", "on", "true")
    try:
        _round_after, started = services.start_assessment(request.user, year, confirm_incomplete=confirm)
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
        published = services.publish(request.user, year, form.cleaned_data["doc_prefix"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        notices = sorted(published.notices.all(), key=lambda notice: notice.kind != NoticeKind.PRAISE)
        numbers = "、".join(
            f"{notice.get_kind_display()} {notice.doc_no}" for notice in notices if notice.doc_no
        )
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
        services.reopen(request.user, year, form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已重新开放{year}年度评价：可更正得分、一票否决和设置，重新计算后再次发布。"
        )
    return redirect("assessment-round", year=year)


# --- scores --------------------------------------------------------------------------------------------


def _may_score(user, town):
    """Who may enter a town's points (R7): province_admin, or an official of the town's city."""
    if is_province_admin(user):
        return True
    return user.role == Role.CITY_OFFICIAL and user.region_id == town.city_id


@dataclass(frozen=True)
class ScoreLine:
    town: Town
    tier: str
    points: dict
    may_enter: bool

    @property
    def filled(self):
        return len(self.points)

    @property
    def composite(self):
        return sum(self.points.values(), Decimal("0")) if self.points else None


def _score_lines(request, assessment_round):
    scoring = assessment_round.state == RoundState.OPEN
    return [
        ScoreLine(town, tier, points, scoring and _may_score(request.user, town))
        for town, tier, points in selectors.scoring_sheet(request.user, assessment_round)
    ]


def _score_list_page(request, assessment_round, import_form=None, failure=None):
    admin = is_province_admin(request.user)
    lines = _score_lines(request, assessment_round)
    context = {
        "assessment_round": assessment_round,
        "indicators": _indicators(assessment_round),
        "lines": lines,
        "scored": sum(1 for line in lines if line.points),
        "may_import": admin and assessment_round.state == RoundState.OPEN,
        "import_form": import_form or ScoreImportForm(),
        "failure": failure,
    }
    return render(request, "assessment/score_list.html", context)


@login_required
def score_list(request, year):
    return _score_list_page(request, _round(year))


@login_required
def score_export(request, year):
    assessment_round = _round(year)
    indicators = _indicators(assessment_round)
    lines = _score_lines(request, assessment_round)
    return xlsx_response(
        f"{year}年度示范镇评价得分.xlsx",
        f"{year}年度示范镇评价得分",
        exports.score_columns(indicators),
        exports.score_rows(lines, indicators),
        unit_note=f"单位：分　共 {len(lines)} 个示范镇，已录入得分 {sum(1 for line in lines if line.points)} 个",
    )


@login_required
@require_POST
def score_import(request, year):
    """Import a score file (R7): every row checked first; one bad row imports nothing and is listed."""
    _require_admin(request, "导入得分")
    assessment_round = _round(year)
    form = ScoreImportForm(request.POST, request.FILES)
    failure = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = services.import_scores(upload.name, upload.read(), year, actor=request.user)
        except DomainError as exc:
            failure = exc
        else:
            messages.success(request, f"导入完成：{summary.towns} 个镇的 {summary.rows} 项得分。")
            return redirect("assessment-scores", year=year)
    return _score_list_page(request, assessment_round, import_form=form, failure=failure)


def _show_refusal(form, exc):
    """Put each reason of refused points under the indicator it names ("T01 …："), else above the form."""
    if not exc.details:
        form.add_error(None, exc.message)
        return
    form.add_error(None, "得分未保存，请修改标出的内容。")
    for detail in exc.details:
        code = detail.split(" ", 1)[0]
        form.add_error(code if code in form.fields else None, detail)


@login_required
def score_town(request, year, code):
    """One town's points per indicator: entered by its city or the province (R7), read by the others."""
    assessment_round = _round(year)
    town = get_object_or_404(restrict(Town.objects.select_related("county", "city"), request.user), code=code)
    held = selectors.designated_in_year(assessment_round.year, [town.code])
    if town.code not in held:
        raise Http404("未找到。")
    indicators = _indicators(assessment_round)
    may_enter = _may_score(request.user, town)
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied("只有省级管理员或该镇所在市（州）的工作人员可以录入得分。")
        form = ScoreForm(request.POST, indicators=indicators)
        if form.is_valid():
            try:
                saved = services.save_scores(request.user, year, town, form.points())
            except DomainError as exc:
                _show_refusal(form, exc)
            else:
                messages.success(request, f"已保存{town.name}的 {saved} 项得分。")
                return redirect("assessment-score-town", year=year, code=town.code)
    current = dict(
        selectors.visible_scores(request.user)
        .filter(round__year=assessment_round.year, town=town)
        .values_list("indicator__code", "points")
    )
    if request.method != "POST":
        form = ScoreForm(
            initial={code: plain_points(points) for code, points in current.items()}, indicators=indicators
        )
    rows = [(indicator, form[indicator.code], current.get(indicator.code)) for indicator in indicators]
    context = {
        "assessment_round": assessment_round,
        "town": town,
        "tier": held[town.code][0],
        "form": form,
        "rows": rows,
        "composite": sum(current.values(), Decimal("0")) if current else None,
        "max_total": sum((indicator.max_points for indicator in indicators), Decimal("0")),
        "may_enter": may_enter and assessment_round.state == RoundState.OPEN,
        "may_enter_role": may_enter,
    }
    return render(request, "assessment/score_form.html", context)


# --- vetoes --------------------------------------------------------------------------------------------


def _vetoes(request, assessment_round):
    return list(
        selectors.visible_vetoes(request.user)
        .filter(round__year=assessment_round.year)
        .select_related("town__county", "town__city")
        .order_by("town_id", "id")
    )


def _refusals_as_messages(request, form, shown):
    """A refused POST whose form the page no longer shows (scoring closed) says why in messages."""
    if form is None or shown:
        return
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


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
            town = Town.objects.filter(code=data["town"]).first()
            if town is None:
                form.add_error("town", f"区划代码 {data['town']} 不存在。")
            else:
                try:
                    services.record_veto(
                        request.user, year, town, data["reason"], data["doc_no"], document=data["document"]
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, f"已登记{town.name}的一票否决事项。")
                    return redirect("assessment-vetoes", year=year)
    may_record = admin and assessment_round.state == RoundState.OPEN
    _refusals_as_messages(request, form, may_record)
    context = {
        "assessment_round": assessment_round,
        "vetoes": _vetoes(request, assessment_round),
        "form": (form or VetoForm()) if may_record else None,
        "towns": (
            Town.objects.filter(code__in=list(selectors.designated_in_year(year)))
            .select_related("county")
            .order_by("code")
            if may_record
            else []
        ),
    }
    return render(request, "assessment/veto_list.html", context)


@login_required
def veto_export(request, year):
    vetoes = _vetoes(request, _round(year))
    return xlsx_response(
        f"{year}年度一票否决事项.xlsx",
        f"{year}年度示范镇一票否决事项",
        exports.VETO_COLUMNS,
        exports.veto_rows(vetoes),
        unit_note=f"共 {len(vetoes)} 项",
    )


@login_required
def veto_document(request, year, pk):
    veto = get_object_or_404(selectors.visible_vetoes(request.user), pk=pk, round__year=year)
    if not veto.document:
        raise Http404("未找到。")
    try:
        handle = veto.document.open("rb")
    except FileNotFoundError:
        raise Http404("未找到。") from None
    return FileResponse(handle, as_attachment=True, filename=PurePath(veto.document.name).name)


# --- ranking -------------------------------------------------------------------------------------------


def _ranking_context(request, assessment_round):
    user = request.user
    cities, _counties = town_selectors.directory_regions(user)
    form = RankingFilterForm(request.GET, cities=cities)
    valid = form.is_valid()
    tier = form.cleaned_data["tier"] if valid else Tier.PROVINCIAL
    city = form.cleaned_data["city"] if valid else ""
    grade = form.cleaned_data["grade"] if valid else ""
    results = selectors.visible_results(user).filter(
        round__year=assessment_round.year, tier=tier, status=selectors.shown_status(user, assessment_round)
    )
    if not valid:
        results = results.none()
    if city:
        results = results.filter(town__city_id=city)
    if grade:
        results = results.filter(assessed=True, grade=grade)
    results = list(results.order_by(F("rank").asc(nulls_last=True), "town_id"))
    history = selectors.earlier_ranks(user, [result.town_id for result in results], assessment_round.year)
    years = sorted({entry[0] for entries in history.values() for entry in entries}, reverse=True)
    rows = exports.ranking_rows(results, history, years, tier)
    return {
        "assessment_round": assessment_round,
        "form": form,
        "tier": tier,
        "tier_label": TIER_LABELS[tier],
        "tiers": [(value, f"{label}示范镇") for value, label in TIER_LABELS.items()],
        "cities": cities,
        "selected_city": city,
        "grades": list(GRADE_LABELS.items()),
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


# --- notices -------------------------------------------------------------------------------------------


def _notice(request, year, kind):
    """The notice's content as the user may see it (R8): proposed notices for province roles only; a
    regional user finds the towns of their own scope listed."""
    assessment_round = _round(year)
    notices = (
        selectors.visible_notices(request.user)
        .prefetch_related(None)
        .filter(round__year=assessment_round.year, kind=kind)
    )
    wanted = request.GET.get("notice", "")
    if wanted:
        # A superseded notice stays readable under its own number.
        notice = notices.filter(pk=wanted).first() if wanted.isdigit() else None
    else:
        notice = notices.filter(status=selectors.shown_status(request.user, assessment_round)).first()
    if notice is None:
        raise Http404("未找到。")
    results = notice.results.select_related("town__county", "town__city").order_by(
        F("rank").asc(nulls_last=True), "town_id"
    )
    partial = not scope_of(request.user).province_wide
    listed = None
    if partial:
        listed = results.count()
        results = restrict(results, request.user)
    count = assessment_round.top_count if kind == NoticeKind.PRAISE else assessment_round.bottom_count
    return assessment_round, exports.notice_content(
        notice, list(results), count, listed=listed, partial=partial
    )


@login_required
def notice_page(request, year, kind):
    assessment_round, content = _notice(request, year, kind)
    return render(
        request, "assessment/notice.html", {"assessment_round": assessment_round, "notice": content}
    )


@login_required
def notice_pdf_view(request, year, kind):
    _assessment_round, content = _notice(request, year, kind)
    response = HttpResponse(notice_pdf(content), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=content.filename
    )
    return response


# --- eliminations --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityUnderMinimum:
    code: str
    name: str
    current: int
    eliminated: int
    substituted: int
    after: int

    @property
    def shortfall(self):
        return PROVINCIAL_CITY_MINIMUM - self.after


def _elimination_context(request, assessment_round):
    user = request.user
    status = selectors.shown_status(user, assessment_round)
    eliminations = list(
        selectors.visible_eliminations(user)
        .filter(round__year=assessment_round.year, status=status)
        .select_related("town__county", "substitute__county")
        .order_by("town_id")
    )
    results = {
        result.town_id: result
        for result in selectors.visible_results(user).filter(
            round__year=assessment_round.year, status=status, town_id__in=[e.town_id for e in eliminations]
        )
    }
    # The substitute of a regional user's town may lie outside their scope: then it is not named.
    hidden = {e.pk for e in eliminations if not selectors.substitute_disclosed(user, e)}

    # R9 / R1: the provincial towns per city before the year's publication, after its changes.
    pending = []
    if status == ResultStatus.PROPOSED:
        pending = list(
            Elimination.objects.filter(
                round__year=assessment_round.year, status=ResultStatus.PROPOSED
            ).select_related("town", "substitute")
        )
    view = selectors.designation_view(assessment_round.year)
    current = dict(view.provincial_by_city()) if pending else selectors.provincial_counts_by_city()
    out_cities = [e.town.city_id for e in pending if view.active.get(e.town_id) == Tier.PROVINCIAL]
    in_cities = [e.substitute.city_id for e in pending if e.substitute_id]
    try:
        under = cities_under_minimum(current, out_cities, in_cities)
    except ValueError as exc:
        messages.error(request, str(exc))
        under = {}
    scope = scope_of(user)
    names = dict(Region.objects.filter(code__in=list(under)).values_list("code", "name"))
    out_count, in_count = Counter(out_cities), Counter(in_cities)
    cities = [
        CityUnderMinimum(
            code, names.get(code, code), current.get(code, 0), out_count[code], in_count[code], after
        )
        for code, after in under.items()
        if scope.covers_code(code)
    ]
    return {
        "assessment_round": assessment_round,
        "eliminations": eliminations,
        "results": results,
        "hidden": hidden,
        "cities": cities,
        "pending": bool(pending),
        "minimum": PROVINCIAL_CITY_MINIMUM,
        "sees_proposed": selectors.sees_proposed(user),
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


# --- talks ---------------------------------------------------------------------------------------------


def _talks(request, assessment_round):
    return list(
        selectors.visible_talks(request.user)
        .filter(round__year=assessment_round.year)
        .select_related("town__county")
        .order_by("status", "town_id")
    )


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
    talk = get_object_or_404(
        selectors.visible_talks(request.user).select_related("town"), pk=pk, round__year=year
    )
    form = TalkHeldForm(request.POST)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, "未登记：" + "；".join(errors))
        return redirect("assessment-talks", year=year)
    try:
        services.mark_talk_held(request.user, talk, form.cleaned_data["held_on"], form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已登记{talk.town.name}的约谈（{form.cleaned_data['held_on']:%Y-%m-%d}）。"
        )
    return redirect("assessment-talks", year=year)


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
            town = restrict(Town.objects.all(), request.user).filter(code=data["town"]).first()
            if town is None:
                form.add_error("town", f"乡镇“{data['town']}”不存在。")
            else:
                try:
                    services.record_exemption(request.user, year, town, data["reason"], data["doc_no"])
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, f"已登记{town.name}的免评。")
                    return redirect("assessment-exemptions", year=year)
    may_record = admin and assessment_round.state == RoundState.OPEN
    _refusals_as_messages(request, form, may_record)
    exemptions = []
    if assessment_round.pk is not None:
        exemptions = list(
            selectors.visible_exemptions(request.user)
            .filter(round__year=assessment_round.year)
            .select_related("town__county", "town__city")
            .order_by("town_id")
        )
    candidates = []
    if may_record:
        _incomplete, unassessed = selectors.scoring_gaps(request.user, assessment_round)
        candidates = [gap.town for gap in unassessed]
    context = {
        "assessment_round": assessment_round,
        "exemptions": exemptions,
        "form": (form or ExemptionForm()) if may_record else None,
        "towns": candidates,
    }
    return render(request, "assessment/exemptions.html", context)


# --- what-if (模拟推演) ------------------------------------------------------------------------------------


@login_required
def simulate(request, year):
    """Simulate the year with changed settings, vetoes or points beside the draft (issue 8, point 8).
    A POST here computes and shows; it saves nothing."""
    _require_admin(request, "模拟推演")
    assessment_round = _round(year)
    result = None
    if request.method == "POST":
        form = SimulationForm(request.POST)
        if form.is_valid():
            try:
                simulation = selectors.simulate(
                    assessment_round,
                    settings=services.parse_settings(form.settings()),
                    vetoes=form.cleaned_data["vetoes"],
                    scores=form.cleaned_data["scores"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                result = selectors.simulation_payload(simulation, request.user)
    else:
        form = SimulationForm(initial=SettingsForm.initial_for(assessment_round))
    context = {"assessment_round": assessment_round, "form": form, "result": result}
    return render(request, "assessment/simulate.html", context)
