"""Pages of candidate selection (R3): rounds, submissions with their documents and workflow, the inbox and
the reviewers' comparison table. Thin: the services decide and write, the selectors read."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Role
from core.audit import history_for
from core.errors import DomainError, NotVisible
from core.exports import xlsx_response
from core.scoping import can_read_audit_log, is_province_admin, restrict
from towns import selectors as town_selectors
from towns.choices import Tier
from towns.services.designations import actor_of

from . import exports, selectors
from .choices import DocumentKind, SubmissionStatus
from .filtersets import SUBMISSION_SORTS, SubmissionFilterSet, sort_submissions
from .forms import DocumentUploadForm, RoundForm, SubmissionCreateForm, SubmissionForm
from .models import SelectionRound, Submission
from .rules import (
    TRANSITIONS,
    available_actions,
    deletion_refusal,
    draft_refusal,
)
from .services import (
    attach_document,
    create_submission,
    delete_submission,
    document_for,
    returned_comment,
    save_round,
    transition,
    update_submission,
)

REVIEWER_ROLES = frozenset({Role.CITY_OFFICIAL, Role.PROVINCE_ADMIN, Role.PROVINCE_VIEWER, Role.AUDITOR})
INBOX_TITLES = {
    Role.COUNTY_OFFICIAL: "待填报、待上报的候选镇（草稿，含被退回的）",
    Role.CITY_OFFICIAL: "待审核推荐的候选镇（县级已上报）",
    Role.PROVINCE_ADMIN: "待审定的候选镇（市级已推荐）",
}
FACTOR_SHORT_LABELS = {
    "in_changchun_metro": "长春都市圈",
    "near_other_city": "其他城市周边",
    "key_assistance_county": "重点帮扶县",
    "border_area": "边境地区",
    "spatial_plan_node": "规划节点镇",
}


def _status_counts(counts):
    return [(status.value, status.short_label, counts.get(status, 0)) for status in SubmissionStatus]


def _closed_text(selection_round):
    return f"本批次申报已于 {selection_round.deadline:%Y-%m-%d} 截止，县（市、区）不能再上报"


# --- rounds ------------------------------------------------------------------------------------------


@login_required
def round_list(request):
    rounds = list(SelectionRound.objects.all())
    counts = defaultdict(dict)
    rows = (
        restrict(Submission.objects.all(), request.user)
        .order_by()
        .values("round_id", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["round_id"]][row["status"]] = row["n"]
    today = timezone.localdate()
    context = {
        "rows": [
            (
                selection_round,
                selection_round.is_open(today),
                _status_counts(counts[selection_round.pk]),
                sum(counts[selection_round.pk].values()),
            )
            for selection_round in rounds
        ],
        "statuses": [(status.value, status.short_label) for status in SubmissionStatus],
        "may_manage": is_province_admin(request.user),
    }
    return render(request, "selection/round_list.html", context)


def _require_round_admin(request):
    if not is_province_admin(request.user):
        raise PermissionDenied("只有省级管理员可以设置评选批次。")


def _round_form_page(request, selection_round=None):
    _require_round_admin(request)
    if request.method == "POST":
        form = RoundForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = save_round(
                    request.user,
                    data["name"],
                    data["tiers"],
                    data["deadline"],
                    year=data["year"],
                    selection_round=selection_round,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已保存评选批次“{saved.name}”。")
                return redirect("round-detail", pk=saved.pk)
    else:
        form = RoundForm(initial=RoundForm.initial_for(selection_round) if selection_round else None)
    return render(request, "selection/round_form.html", {"form": form, "selection_round": selection_round})


@login_required
def round_create(request):
    return _round_form_page(request)


@login_required
def round_edit(request, pk):
    _require_round_admin(request)
    return _round_form_page(request, get_object_or_404(SelectionRound, pk=pk))


@login_required
def round_detail(request, pk):
    selection_round = get_object_or_404(SelectionRound, pk=pk)
    submissions = list(
        selectors.visible_submissions(request.user).filter(round=selection_round).order_by("town_id")
    )
    counts = defaultdict(int)
    for submission in submissions:
        counts[submission.status] += 1
    is_open = selection_round.is_open()
    user = request.user
    context = {
        "selection_round": selection_round,
        "is_open": is_open,
        "closed_text": _closed_text(selection_round),
        "submissions": submissions,
        "status_counts": _status_counts(counts),
        "may_add": is_open and user.role == Role.COUNTY_OFFICIAL and user.region_id is not None,
        "may_manage": is_province_admin(user),
        "may_review": user.role in REVIEWER_ROLES,
    }
    return render(request, "selection/round_detail.html", context)


# --- submissions -------------------------------------------------------------------------------------


@login_required
def submission_create(request, pk):
    selection_round = get_object_or_404(SelectionRound, pk=pk)
    user = request.user
    if user.role != Role.COUNTY_OFFICIAL or user.region_id is None:
        raise PermissionDenied("只有县（市、区）工作人员可以填报候选镇。")
    if not selection_round.is_open():
        messages.error(request, _closed_text(selection_round) + "。")
        return redirect("round-detail", pk=pk)
    options = {"towns": selectors.candidate_towns(user, selection_round), "tiers": selection_round.tiers}
    form = SubmissionCreateForm(request.POST or None, **options)
    if request.method == "POST" and form.is_valid():
        try:
            submission = create_submission(
                user,
                selection_round,
                form.cleaned_data["town"],
                form.cleaned_data["tier"],
                form.information(),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已保存{submission.town.name}的申报草稿，请上传两份申报材料后上报。")
            return redirect("submission-detail", pk=submission.pk)
    context = {"form": form, "selection_round": selection_round, "submission": None}
    return render(request, "selection/submission_form.html", context)


def _visible_submission(request, pk):
    return get_object_or_404(selectors.visible_submissions(request.user), pk=pk)


@login_required
def submission_edit(request, pk):
    submission = _visible_submission(request, pk)
    refusal = draft_refusal(selectors.submission_facts(submission), actor_of(request.user))
    if refusal:
        messages.error(request, refusal)
        return redirect("submission-detail", pk=pk)
    form = SubmissionForm(request.POST or None, instance=submission)
    if request.method == "POST" and form.is_valid():
        try:
            update_submission(request.user, submission, form.information())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存基本信息。")
            return redirect("submission-detail", pk=pk)
    context = {"form": form, "selection_round": submission.round, "submission": submission}
    return render(request, "selection/submission_form.html", context)


def _events(submission, user):
    events = submission.events.select_related("actor", "actor__region").order_by("at", "id")
    if not can_read_audit_log(user):
        events = events.filter(accepted=True)
    return list(events)


def _submission_page(request, submission, upload_form=None, status=200):
    user = request.user
    facts = selectors.submission_facts(submission)
    actor = actor_of(user)
    actions = [TRANSITIONS[action] for action in available_actions(facts, actor)]
    documents = {document.kind: document for document in submission.documents.all()}
    may_edit = draft_refusal(facts, actor) is None
    events = _events(submission, user)
    was_submitted = any(event.accepted for event in events)
    context = {
        "submission": submission,
        "facts": facts,
        "information": [
            (Submission._meta.get_field(name).verbose_name, name, getattr(submission, name))
            for name in (*Submission.INFORMATION_FIELDS, "industrial_park")
        ],
        "factors": [
            (Submission._meta.get_field(name).verbose_name, getattr(submission, name))
            for name in Submission.PRIORITY_FACTORS
        ],
        "documents": [(kind, label, documents.get(kind)) for kind, label in DocumentKind.choices],
        "returned_comment": returned_comment(submission),
        "events": events,
        "may_delete": deletion_refusal(facts, actor, was_submitted) is None,
        "shows_refusals": can_read_audit_log(user),
        "actions": actions,
        "asks_comment": any(a.action != "select" for a in actions),
        "comment_required": "、".join(a.label for a in actions if a.needs_comment),
        "asks_doc_no": any(a.action in ("select", "reject") for a in actions),
        "may_edit": may_edit,
        "upload_form": upload_form or (DocumentUploadForm() if may_edit else None),
        "history": history_for(submission, *documents.values()),
    }
    return render(request, "selection/submission_detail.html", context, status=status)


@login_required
def submission_detail(request, pk):
    return _submission_page(request, _visible_submission(request, pk))


@login_required
@require_POST
def submission_upload(request, pk):
    submission = _visible_submission(request, pk)
    form = DocumentUploadForm(request.POST, request.FILES)
    stored = []
    if form.is_valid():
        for kind, upload in form.uploads():
            try:
                attach_document(request.user, submission, kind, upload)
            except DomainError as exc:
                form.add_error(kind, exc.message)
            else:
                stored.append(DocumentKind(kind).label)
    if stored:
        messages.success(request, f"已上传：{'、'.join(stored)}。")
    if form.errors:
        return _submission_page(request, _visible_submission(request, pk), upload_form=form)
    return redirect("submission-detail", pk=pk)


@login_required
@require_POST
def submission_delete(request, pk):
    """Delete a draft created by mistake (its county, before it was ever submitted)."""
    submission = _visible_submission(request, pk)
    try:
        delete_submission(request.user, submission)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("submission-detail", pk=pk)
    messages.success(request, f"已删除{submission.town.name}的申报草稿。")
    return redirect("round-detail", pk=submission.round_id)


@login_required
def submission_document(request, pk, kind):
    try:
        document = document_for(request.user, pk, kind)
    except NotVisible:
        raise Http404("未找到。") from None
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("未找到。") from None
    return FileResponse(handle, as_attachment=True, filename=document.original_name)


@login_required
@require_POST
def submission_transition(request, pk, action):
    comment, doc_no = request.POST.get("comment", ""), request.POST.get("doc_no", "")
    try:
        transition(request.user, pk, action, comment=comment, doc_no=doc_no)
    except NotVisible:
        raise Http404("未找到。") from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{TRANSITIONS[action].label}。")
    return redirect("submission-detail", pk=pk)


# --- what awaits the user ------------------------------------------------------------------------------


@login_required
def inbox(request):
    submissions = list(selectors.awaiting_action(request.user).order_by("round__deadline", "town_id"))
    context = {"submissions": submissions, "inbox_title": INBOX_TITLES.get(request.user.role)}
    return render(request, "selection/inbox.html", context)


# --- review ------------------------------------------------------------------------------------------


def _review(request, pk):
    if request.user.role not in REVIEWER_ROLES:
        raise PermissionDenied("候选镇比选表供市（州）、省级和审计人员查看。")
    selection_round = get_object_or_404(SelectionRound, pk=pk)
    queryset = selectors.visible_submissions(request.user).filter(round=selection_round)
    params = request.GET.copy()
    params.pop("round", None)  # the round is the page's own
    filterset = SubmissionFilterSet(params, queryset=queryset)
    submissions = filterset.qs if filterset.is_valid() else queryset.none()
    if not params.get("status"):
        # A draft is still the county's: reviewers compare what has been submitted, unless they ask.
        submissions = submissions.exclude(status=SubmissionStatus.DRAFT)
    submissions, sort = sort_submissions(submissions, request.GET.get("sort"))
    return selection_round, filterset, submissions, sort


@login_required
def round_review(request, pk):
    selection_round, filterset, submissions, sort = _review(request, pk)
    rows = list(submissions)
    cities, counties = town_selectors.directory_regions(request.user)
    city_names = {city.code: city.name for city in cities}
    province, quota_cities, quota_counties = town_selectors.quota_report(request.user)
    sort_key = sort.removeprefix("-")
    context = {
        "selection_round": selection_round,
        "filterset": filterset,
        "submissions": rows,
        "sort": sort,
        "sort_links": {
            key: {
                "param": f"-{key}" if sort == key else key,
                "arrow": ("▼" if sort.startswith("-") else "▲") if sort_key == key else "",
            }
            for key in SUBMISSION_SORTS
        },
        "cities": cities,
        "counties": counties,
        "selected_city": request.GET.get("city", ""),
        "selected_county": request.GET.get("county", ""),
        "tiers": [(tier, Tier(tier).label) for tier in selection_round.tiers],
        "province_quota": province,
        "unmet_cities": [quota for quota in quota_cities if not quota.met],
        "unmet_counties": [quota for quota in quota_counties if quota.applicable and not quota.met],
        "city_names": city_names,
        "factor_labels": [
            (FACTOR_SHORT_LABELS[name], Submission._meta.get_field(name).verbose_name)
            for name in Submission.PRIORITY_FACTORS
        ],
    }
    return render(request, "selection/review.html", context)


@login_required
def round_review_export(request, pk):
    selection_round, filterset, submissions, _sort = _review(request, pk)
    if not filterset.is_valid():
        messages.error(request, "筛选条件有误，未导出。")
        return redirect("round-review", pk=pk)
    rows = list(submissions)
    filename = f"候选镇比选表-{selection_round.name}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(
        filename,
        f"{selection_round.name} 候选镇比选表",
        exports.REVIEW_COLUMNS,
        exports.review_rows(rows),
        unit_note=f"共 {len(rows)} 个候选镇；金额单位：万元；面积：平方公里；距离：公里",
    )
