"""Pages of candidate selection (R3): rounds, submissions with their documents and workflow, and the
reviewers' comparison table (what awaits each user is on the to-do list, dashboard.todo). Thin: the services decide and write, the selectors read."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.audit import history_for
from core.choices import SecurityEventKind
from core.errors import Conflict, DomainError, NotVisible
from core.exports import export_response
from core.formats import chinese_date
from core.forms import refuse_stale
from core.scoping import sees_refused_attempts
from core.security_log import record_security_event
from towns import selectors as town_selectors
from towns.choices import Tier
from towns.services.designations import actor_of

from . import exports, selectors
from .choices import DocumentKind, PriorityFactor, SubmissionAction, SubmissionStatus
from .forms import DocumentUploadForm, RoundForm, SubmissionCreateForm, SubmissionForm
from .models import Submission
from .rules import (
    ONLY_COUNTY_DRAFTS,
    ONLY_PROVINCE_SETS_ROUNDS,
    TRANSITIONS,
    available_actions,
    deletion_refusal,
    draft_refusal,
    may_draft,
    may_review,
    may_set_rounds,
)
from .services import (
    attach_document,
    create_submission,
    delete_submission,
    save_round,
    transition,
    update_submission,
)


def _status_counts(counts):
    return [(status.value, status.short_label, counts.get(status, 0)) for status in SubmissionStatus]


def _closed_text(selection_round):
    return f"本批次申报已于 {chinese_date(selection_round.deadline)} 截止，县（市、区）不能再上报"


# --- rounds ------------------------------------------------------------------------------------------


def _selection_round(pk):
    return exports.selection_round(pk)


@login_required
def round_list(request):
    rows, sorting = exports.round_rows(request.user, request.GET)
    context = {
        "rows": rows,
        "sorting": sorting,
        "statuses": [(status.value, status.short_label) for status in SubmissionStatus],
        "may_manage": may_set_rounds(actor_of(request.user)),
    }
    return render(request, "selection/round_list.html", context)


@login_required
def round_list_export(request):
    return export_response(request, "selection.rounds")


def _require_round_admin(request):
    if not may_set_rounds(actor_of(request.user)):
        raise PermissionDenied(ONLY_PROVINCE_SETS_ROUNDS)


def _round_form_page(request, selection_round=None):
    _require_round_admin(request)
    stale = None
    if request.method == "POST":
        form = RoundForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = save_round(
                    request.user,
                    name=data["name"],
                    tiers=data["tiers"],
                    deadline=data["deadline"],
                    year=data["year"],
                    selection_round=selection_round,
                    version=data["version"] if selection_round else None,
                )
            except Conflict as exc:
                current = _selection_round(selection_round.pk)
                stale = refuse_stale(form, exc.message, RoundForm.initial_for(current), current.version)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已保存评选批次“{saved.name}”。")
                return redirect("round-detail", pk=saved.pk)
    else:
        form = RoundForm(initial=RoundForm.initial_for(selection_round) if selection_round else None)
    context = {"form": form, "selection_round": selection_round, "stale": stale}
    return render(request, "selection/round_form.html", context)


@login_required
def round_create(request):
    return _round_form_page(request)


@login_required
def round_edit(request, pk):
    _require_round_admin(request)
    return _round_form_page(request, _selection_round(pk))


@login_required
def round_detail(request, pk):
    selection_round = _selection_round(pk)
    submissions, sorting = exports.round_candidates(request.user, request.GET, selection_round)
    counts = Counter(submission.status for submission in submissions)
    is_open = selection_round.is_open()
    actor = actor_of(request.user)
    context = {
        "selection_round": selection_round,
        "is_open": is_open,
        "closed_text": _closed_text(selection_round),
        "submissions": submissions,
        "sorting": sorting,
        "status_counts": _status_counts(counts),
        "may_add": is_open and may_draft(actor),
        "may_manage": may_set_rounds(actor),
        "may_review": may_review(actor),
    }
    return render(request, "selection/round_detail.html", context)


@login_required
def round_detail_export(request, pk):
    return export_response(request, "selection.round", pk=pk)


# --- submissions -------------------------------------------------------------------------------------


@login_required
def submission_create(request, pk):
    selection_round = _selection_round(pk)
    user = request.user
    if not may_draft(actor_of(user)):
        raise PermissionDenied(ONLY_COUNTY_DRAFTS)
    if not selection_round.is_open():
        messages.error(request, _closed_text(selection_round) + "。")
        return redirect("round-detail", pk=pk)
    options = {
        "towns": selectors.candidate_towns(user, selection_round=selection_round),
        "tiers": selection_round.tiers,
    }
    form = SubmissionCreateForm(request.POST or None, **options)
    if request.method == "POST" and form.is_valid():
        try:
            submission = create_submission(
                user,
                selection_round=selection_round,
                town=form.cleaned_data["town"],
                tier=form.cleaned_data["tier"],
                information=form.information(),
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
    refusal = selectors.draft_edit_refusal(request.user, submission=submission)
    if refusal:
        messages.error(request, refusal)
        return redirect("submission-detail", pk=pk)
    # The instance is a copy: a refused save must not leave the form's values on the record shown beside it.
    form = SubmissionForm(request.POST or None, instance=_visible_submission(request, pk))
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            update_submission(
                request.user,
                submission=submission,
                information=form.information(),
                version=form.cleaned_data["version"],
            )
        except Conflict as exc:
            current = _visible_submission(request, pk)
            stale = refuse_stale(form, exc.message, SubmissionForm.current_of(current), current.version)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存基本信息。")
            return redirect("submission-detail", pk=pk)
    context = {"form": form, "selection_round": submission.round, "submission": submission, "stale": stale}
    return render(request, "selection/submission_form.html", context)


def _confirmations(submission, facts):
    """What each step that cannot be undone will change, asked before it is taken (data-confirm)."""
    town = submission.town.name
    tier = Tier(submission.tier).label
    ends = f"，原{Tier(facts.active_tier).label}示范镇认定同时终止" if facts.active_tier else ""
    return {
        SubmissionAction.SUBMIT: f"上报后县级不能再修改，将提交{submission.town.city.name}审核。确定上报{town}吗？",
        SubmissionAction.RECOMMEND: f"推荐后将提交省级审定，市（州）不能再退回修改。确定推荐{town}吗？",
        SubmissionAction.SELECT: (
            f"审定入选后，{town}自 {submission.round.year} 年起认定为{tier}示范镇{ends}，"
            "记入认定历史，不能撤回。确定审定入选吗？"
        ),
        SubmissionAction.REJECT: f"审定不入选后，{town}在本批次的申报即告结束，不能撤回。确定审定不入选吗？",
    }


def _submission_page(request, submission, upload_form=None, status=200):
    user = request.user
    facts = selectors.submission_facts(submission)
    actor = actor_of(user)
    actions = [TRANSITIONS[action] for action in available_actions(facts, actor)]
    documents = {document.kind: document for document in submission.documents.all()}
    may_edit = draft_refusal(facts, actor) is None
    events = selectors.events_shown_to(user, submission=submission)
    was_submitted = any(event.accepted for event in events)
    context = {
        "submission": submission,
        "facts": facts,
        "information": [
            (Submission._meta.get_field(name).verbose_name, name, getattr(submission, name))
            for name in (*Submission.INFORMATION_FIELDS, "industrial_park")
        ],
        "factors": [(factor.label, getattr(submission, factor)) for factor in PriorityFactor],
        "documents": [(kind, kind.label, documents.get(kind)) for kind in DocumentKind],
        "returned_comment": selectors.returned_comment(submission),
        "events": events,
        "may_delete": deletion_refusal(facts, actor, was_submitted=was_submitted) is None,
        "shows_refusals": sees_refused_attempts(user),
        "actions": actions,
        "confirmations": _confirmations(submission, facts),
        "asks_comment": any(a.action != SubmissionAction.SELECT for a in actions),
        "comment_required": "、".join(a.label for a in actions if a.needs_comment),
        "asks_doc_no": any(a.action in (SubmissionAction.SELECT, SubmissionAction.REJECT) for a in actions),
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
                attach_document(request.user, submission=submission, kind=kind, upload=upload)
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
        delete_submission(request.user, submission=submission)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("submission-detail", pk=pk)
    messages.success(request, f"已删除{submission.town.name}的申报草稿。")
    return redirect("round-detail", pk=submission.round_id)


@login_required
def submission_document(request, pk, kind):
    try:
        document = selectors.document_for(request.user, submission_id=pk, kind=kind)
    except NotVisible:
        raise Http404("未找到。") from None
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("未找到。") from None
    record_security_event(
        SecurityEventKind.DOWNLOADED, request=request, document=document.pk, file=document.original_name
    )
    return FileResponse(handle, as_attachment=True, filename=document.original_name)


@login_required
@require_POST
def submission_transition(request, pk, action):
    comment, doc_no = request.POST.get("comment", ""), request.POST.get("doc_no", "")
    try:
        transition(request.user, submission_id=pk, action=action, comment=comment, doc_no=doc_no)
    except NotVisible:
        raise Http404("未找到。") from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{TRANSITIONS[action].label}。")
    return redirect("submission-detail", pk=pk)


# --- review ------------------------------------------------------------------------------------------


def _review(request, pk):
    if not may_review(actor_of(request.user)):
        raise PermissionDenied(exports.REVIEW_READERS)
    selection_round = _selection_round(pk)
    return selection_round, *exports.review_list(request.user, request.GET, selection_round)


REVIEW_PAGE_SIZES = (20, 50, 100, 200)
REVIEW_PAGE_SIZE = 50
# The quota aside names this many unmet regions of each level; the quota page lists them all.
UNMET_SHOWN = 20


def _review_page_size(request):
    try:
        size = int(request.GET.get("page_size", REVIEW_PAGE_SIZE))
    except ValueError:
        return REVIEW_PAGE_SIZE
    return size if size in REVIEW_PAGE_SIZES else REVIEW_PAGE_SIZE


@login_required
def round_review(request, pk):
    """One page of the round's candidates (a national round has thousands), filtered and sorted in SQL; the
    export is the whole filtered table. Beside it, the first UNMET_SHOWN unmet regions of each level with
    their number, the quota page listing all of them."""
    selection_round, filterset, submissions, sorting = _review(request, pk)
    page = Paginator(submissions, _review_page_size(request)).get_page(request.GET.get("page"))
    cities, counties = town_selectors.directory_regions(request.user)
    city_names = {city.code: city.name for city in cities}
    province, quota_cities, quota_counties = town_selectors.quota_report(request.user)
    unmet_cities = [quota for quota in quota_cities if not quota.met]
    unmet_counties = [quota for quota in quota_counties if quota.applicable and not quota.met]
    context = {
        "selection_round": selection_round,
        "filterset": filterset,
        "page": page,
        "submissions": page.object_list,
        "page_sizes": REVIEW_PAGE_SIZES,
        "page_size": page.paginator.per_page,
        "sorting": sorting,
        "cities": cities,
        "counties": counties,
        "selected_city": request.GET.get("city", ""),
        "selected_county": request.GET.get("county", ""),
        "tiers": [(tier, Tier(tier).label) for tier in selection_round.tiers],
        "province_quota": province,
        "unmet_cities": unmet_cities[:UNMET_SHOWN],
        "unmet_city_count": len(unmet_cities),
        "unmet_counties": unmet_counties[:UNMET_SHOWN],
        "unmet_county_count": len(unmet_counties),
        "city_names": city_names,
        "factor_labels": [(factor.short_label, factor.label) for factor in PriorityFactor],
    }
    return render(request, "selection/review.html", context)


@login_required
def round_review_export(request, pk):
    return export_response(request, "selection.review", pk=pk)
