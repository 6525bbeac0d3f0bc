"""Spreadsheets of the selection pages (R3): the rounds, a round's candidates, and the reviewers' comparison
table. Each list registers its export (core.exports): the page's sort and filters over the user's scope, read
by the page and by its export alike."""

from collections.abc import Iterable, Iterator

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.errors import DomainError
from core.exports import FILTERS_REFUSED, Column, ExportSpec, filter_note, register_export
from core.vocabulary import label
from towns.choices import Tier
from towns.exports import place_values
from towns.services.designations import actor_of

from . import selectors
from .choices import DocumentKind, PriorityFactor, SubmissionStatus
from .filtersets import ROUND_SORTS, ROUND_SUBMISSION_SORTS, SUBMISSION_SORTS, SubmissionFilterSet
from .models import Submission
from .rules import may_review

REVIEW_READERS = "候选镇比选表供市（州）、省级和审计人员查看。"


def _today():
    return f"{timezone.localdate():%Y%m%d}"


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# --- the rounds --------------------------------------------------------------------------------------


def round_rows(user, query):
    """The rounds' list as a user asked for it: each round, whether it is open, its submissions by status
    inside the user's scope; sorted as asked (the page and its export alike)."""
    counts = selectors.status_counts_by_round(user)
    today = timezone.localdate()
    rows = []
    for selection_round in selectors.rounds():
        by_status = counts.get(selection_round.pk, {})
        rows.append(
            {
                "round": selection_round,
                "is_open": selection_round.is_open(today),
                "counts": [
                    (status.value, status.short_label, by_status.get(status, 0))
                    for status in SubmissionStatus
                ],
                "by_status": {status.value: by_status.get(status, 0) for status in SubmissionStatus},
                "total": sum(by_status.values()),
            }
        )
    sorting = ROUND_SORTS.sorting(query=query)
    return sorting.apply(rows), sorting


ROUND_COLUMNS = (
    Column("批次名称", 28),
    Column("评选层级", 16),
    Column("申报截止日期", 12),
    Column("认定年度", 10, kind="int"),
    Column("状态", 8),
    *(Column(status.short_label, 8, kind="int") for status in SubmissionStatus),
    Column("合计", 8, kind="int"),
)


def round_export_rows(rows):
    for row in rows:
        selection_round = row["round"]
        yield (
            selection_round.name,
            selection_round.tier_labels,
            selection_round.deadline.strftime("%Y-%m-%d"),
            selection_round.year,
            "申报中" if row["is_open"] else "已截止",
            *(row["by_status"][status] for status in SubmissionStatus.values),
            row["total"],
        )


@register_export("selection.rounds", page="round-list")
def rounds_export(user, query):
    rows, sorting = round_rows(user, query)
    return ExportSpec(
        title="候选镇评选批次",
        filename=f"候选镇评选批次-{_today()}.xlsx",
        columns=ROUND_COLUMNS,
        rows=round_export_rows(rows),
        count=len(rows),
        unit_note=f"共 {len(rows)} 个批次；申报数量为导出人查看范围内的候选镇",
        filters=filter_note(None, sorting),
    )


# --- a round's candidates ------------------------------------------------------------------------------


def selection_round(pk):
    return get_object_or_404(selectors.rounds(), pk=pk)


def round_candidates(user, query, selection_round):
    """The round's candidates inside the user's scope (documents prefetched), in the order asked for."""
    sorting = ROUND_SUBMISSION_SORTS.sorting(query=query)
    return sorting.apply(list(selectors.round_submissions(user, selection_round=selection_round))), sorting


ROUND_SUBMISSION_COLUMNS = (
    Column("镇区划代码", 12),
    Column("镇", 12),
    Column("县（市、区）", 12),
    Column("市（州）", 12),
    Column("申报层级", 8),
    Column("状态", 10),
    Column("申报材料", 36),
    Column("更新时间", 18),
)


def _documents(submission):
    kind_order = {kind: index for index, kind in enumerate(DocumentKind.values)}
    documents = sorted(submission.documents.all(), key=lambda document: kind_order.get(document.kind, 9))
    return "；".join(f"{document.get_kind_display()}：{document.original_name}" for document in documents)


def round_submission_rows(submissions):
    for submission in submissions:
        yield (
            submission.town_id,
            submission.town.name,
            submission.town.county.name,
            submission.town.city.name,
            label(Tier, submission.tier),
            SubmissionStatus(submission.status).short_label,
            _documents(submission),
            _local(submission.updated_at),
        )


@register_export("selection.round", page="round-detail")
def round_export(user, query, pk):
    chosen = selection_round(pk)
    submissions, sorting = round_candidates(user, query, chosen)
    return ExportSpec(
        title=f"{chosen.name} 候选镇",
        filename=f"候选镇-{chosen.name}-{_today()}.xlsx",
        columns=ROUND_SUBMISSION_COLUMNS,
        rows=round_submission_rows(submissions),
        count=len(submissions),
        unit_note=f"共 {len(submissions)} 个候选镇（导出人查看范围内）",
        filters=filter_note(None, sorting, extra=[("评选批次", chosen.name)]),
    )


# --- the reviewers' comparison table -------------------------------------------------------------------


def review_list(user, query, selection_round):
    """The review table as a user asked for it: the SubmissionFilterSet over the round's candidates in the
    user's scope (drafts left out unless a status is asked for), and its sort."""
    queryset = selectors.round_submissions(user, selection_round=selection_round)
    params = query.copy()
    params.pop("round", None)  # the round is the page's own
    filterset = SubmissionFilterSet(params, queryset=queryset)
    submissions = filterset.qs if filterset.is_valid() else queryset.none()
    if not params.get("status"):
        # A draft is still the county's: reviewers compare what has been submitted, unless they ask.
        submissions = submissions.exclude(status=SubmissionStatus.DRAFT)
    sorting = SUBMISSION_SORTS.sorting(query=query)
    return filterset, sorting.apply(submissions), sorting


def _field_column(name: str, width: int, kind: str = "text") -> Column:
    """A column headed by the Submission field's own name."""
    return Column(str(Submission._meta.get_field(name).verbose_name), width, kind=kind)


REVIEW_COLUMNS = (
    Column("镇区划代码", 12),
    Column("镇", 12),
    Column("县（市、区）", 12),
    Column("市（州）", 12),
    _field_column("tier", 8),
    _field_column("status", 10),
    *(Column(factor.label, 10 if len(factor.label) > 6 else 8) for factor in PriorityFactor),
    _field_column("registered_population", 12, kind="int"),
    _field_column("resident_population", 12, kind="int"),
    _field_column("area_km2", 12, kind="money"),
    _field_column("gdp", 16, kind="money"),
    _field_column("fiscal_revenue", 16, kind="money"),
    _field_column("characteristic_industry", 20),
    _field_column("industrial_park", 20),
    _field_column("distance_to_county_km", 10, kind="money"),
    _field_column("distance_to_city_km", 10, kind="money"),
    Column("申报材料", 36),
    _field_column("decision_doc_no", 24),
)


def review_rows(submissions: Iterable[Submission]) -> Iterator[tuple]:
    """One row per submission (fetched with_town() and its documents prefetched), as in the review table."""
    kind_order = {kind: index for index, kind in enumerate(DocumentKind.values)}
    for submission in submissions:
        documents = sorted(submission.documents.all(), key=lambda document: kind_order.get(document.kind, 9))
        yield (
            submission.town_id,
            submission.town.name,
            submission.town.county.name,
            submission.town.city.name,
            label(Tier, submission.tier),
            SubmissionStatus(submission.status).short_label,
            *("是" if getattr(submission, factor) else "否" for factor in PriorityFactor),
            submission.registered_population,
            submission.resident_population,
            submission.area_km2,
            submission.gdp,
            submission.fiscal_revenue,
            submission.characteristic_industry,
            submission.industrial_park,
            submission.distance_to_county_km,
            submission.distance_to_city_km,
            "；".join(f"{document.get_kind_display()}：{document.original_name}" for document in documents),
            submission.decision_doc_no,
        )


@register_export("selection.review", page="round-review")
def review_export(user, query, pk):
    if not may_review(actor_of(user)):
        raise PermissionDenied(REVIEW_READERS)
    chosen = selection_round(pk)
    filterset, submissions, sorting = review_list(user, query, chosen)
    if not filterset.is_valid():
        raise DomainError(FILTERS_REFUSED)
    rows = list(submissions)
    return ExportSpec(
        title=f"{chosen.name} 候选镇比选表",
        filename=f"候选镇比选表-{chosen.name}-{_today()}.xlsx",
        columns=REVIEW_COLUMNS,
        rows=review_rows(rows),
        count=len(rows),
        unit_note=f"共 {len(rows)} 个候选镇；金额单位：万元；面积：平方公里；距离：公里",
        filters=filter_note(
            filterset, sorting, values=place_values(filterset), extra=[("评选批次", chosen.name)]
        ),
    )
