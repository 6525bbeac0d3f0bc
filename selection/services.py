"""Writes of candidate selection (R3), one transaction per operation: rounds, submissions, their documents
and their workflow. Selecting a candidate designates its town through towns.services.designations, the only
way selection writes into towns."""

import logging
from collections.abc import Iterable, Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from accounts.models import Role, User
from core.choices import NotificationKind
from core.concurrency import stale_version_refusal
from core.errors import Conflict, DomainError, NotVisible, from_validation_error
from core.files import MAX_DOCUMENT_BYTES, check_document
from core.formats import chinese_date
from core.notifications import Audience, audience, notify
from core.scoping import covers
from towns.choices import Began, Ended, Tier
from towns.models import Town
from towns.selectors import town_fact
from towns.services.designations import actor_of, replace_designation

from .choices import DocumentKind, SubmissionAction
from .models import SelectionRound, Submission, SubmissionDocument, SubmissionEvent
from .rules import (
    ONLY_COUNTY_DRAFTS,
    ONLY_PROVINCE_SETS_ROUNDS,
    TRANSITIONS,
    candidate_refusal,
    deletion_refusal,
    may_set_rounds,
    transition_refusal,
)
from .selectors import draft_edit_refusal, has_submission, submission_facts, was_ever_submitted

security_log = logging.getLogger("portal.security")


# --- rounds ------------------------------------------------------------------------------------------


def save_round(
    user: User,
    *,
    name: str,
    tiers: Iterable[str] | None,
    deadline: date,
    year: int | None = None,
    selection_round: SelectionRound | None = None,
    version: int | None = None,
) -> SelectionRound:
    """Create (or edit) a selection round; province_admin only. With `version` (what an edit was made from),
    a round changed since is refused with Conflict."""
    if not may_set_rounds(actor_of(user)):
        raise DomainError(ONLY_PROVINCE_SETS_ROUNDS)
    tiers = list(dict.fromkeys(tiers or []))
    if not tiers or any(tier not in Tier.values for tier in tiers):
        raise DomainError("请选择评选层级：provincial、city、county 中的一个或多个。")
    if not isinstance(deadline, date):
        raise DomainError("请填写有效的申报截止日期。")
    with transaction.atomic():
        if selection_round is None:
            selection_round = SelectionRound(created_by=user)
        else:
            selection_round = SelectionRound.objects.select_for_update().get(pk=selection_round.pk)
            refusal = stale_version_refusal(version, selection_round.version, what="评选批次")
            if refusal:
                raise Conflict(refusal)
            selection_round.version += 1
        selection_round.name = (name or "").strip()
        selection_round.tiers = [tier for tier in Tier.values if tier in tiers]
        selection_round.deadline = deadline
        selection_round.year = year or deadline.year
        try:
            selection_round.full_clean()
        except ValidationError as exc:
            raise from_validation_error(exc, SelectionRound) from exc
        selection_round.save()
    return selection_round


# --- drafts ------------------------------------------------------------------------------------------


def _apply_information(submission: Submission, information: Mapping[str, object]) -> None:
    unknown = (
        set(information)
        - set(Submission.INFORMATION_FIELDS)
        - set(Submission.PRIORITY_FACTORS)
        - {"industrial_park"}
    )
    if unknown:
        raise DomainError(f"不能填写的字段：{'、'.join(sorted(unknown))}")
    for name, value in information.items():
        setattr(submission, name, value)
    try:
        submission.full_clean(
            exclude=["round", "town", "designation", "created_by"], validate_constraints=False
        )
    except ValidationError as exc:
        raise from_validation_error(exc, Submission) from exc


def create_submission(
    user: User,
    *,
    selection_round: SelectionRound,
    town: Town,
    tier: str,
    information: Mapping[str, object] | None = None,
) -> Submission:
    """A county official's new draft for one of its towns (R3)."""
    facts = town_fact(town)
    if user.role != Role.COUNTY_OFFICIAL:
        raise DomainError(ONLY_COUNTY_DRAFTS)
    if user.region_id != town.county_id:
        # Not named: the caller may not learn which town that code is.
        raise DomainError("该镇不在您的管辖范围内，只能为本县（市、区）的镇申报。")
    refusal = candidate_refusal(
        facts,
        tier,
        round_tiers=selection_round.tiers,
        round_open=selection_round.is_open(),
        deadline_text=chinese_date(selection_round.deadline),
        already_submitted=has_submission(selection_round=selection_round, town=town),
    )
    if refusal:
        raise DomainError(refusal)
    submission = Submission(round=selection_round, town=town, tier=tier, created_by=user)
    _apply_information(submission, information or {})
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError as exc:
        raise DomainError(f"{town.name}在本批次中已有申报。") from exc
    return submission


def _check_draft(user: User, submission: Submission) -> None:
    refusal = draft_edit_refusal(user, submission=submission)
    if refusal:
        raise DomainError(refusal)


def update_submission(
    user: User, *, submission: Submission, information: Mapping[str, object], version: int | None = None
) -> Submission:
    """Edit the basic information of a draft (the owning county, before the deadline). With `version` (what
    the edit was made from), a submission changed since is refused with Conflict."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().with_town().get(pk=submission.pk)
        _check_draft(user, submission)
        refusal = stale_version_refusal(version, submission.version, what="申报")
        if refusal:
            raise Conflict(refusal)
        _apply_information(submission, information)
        submission.version += 1
        submission.save()
    return submission


def attach_document(
    user: User, *, submission: Submission, kind: str, upload: UploadedFile | None
) -> SubmissionDocument:
    """Store one of the two plan documents of a draft, replacing the previous file of that kind.

    The type is checked from the content (core.files); the file lands under MEDIA_ROOT with a random name.
    """
    if kind not in DocumentKind.values:
        raise DomainError(f"材料类型应为：{'、'.join(DocumentKind.values)}")
    if upload is None:
        raise DomainError("请选择要上传的文件。")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise DomainError(
            f"文件大小 {upload.size / 1024 / 1024:.1f} MB，超过 {MAX_DOCUMENT_BYTES // 1024 // 1024} MB 的上限。"
        )
    data = upload.read()
    checked = check_document(upload.name, data)
    with transaction.atomic():
        submission = Submission.objects.select_for_update().with_town().get(pk=submission.pk)
        _check_draft(user, submission)
        # A new plan document is a change of the submission: an edit opened before it is stale.
        Submission.objects.filter(pk=submission.pk).update(version=F("version") + 1)
        previous = SubmissionDocument.objects.filter(submission=submission, kind=kind).first()
        if previous is not None:
            old_file = previous.file
            previous.delete()
            transaction.on_commit(lambda: old_file.storage.delete(old_file.name))
        document = SubmissionDocument(
            submission=submission,
            kind=kind,
            original_name=upload.name[-255:],
            file_type=checked.file_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=user,
        )
        document.file.save(upload.name, ContentFile(data), save=False)
        stored_name = document.file.name
        try:
            document.save()
        except Exception:
            document.file.storage.delete(stored_name)
            raise
    return document


def delete_submission(user: User, *, submission: Submission) -> None:
    """Delete a draft created by mistake, with its documents (R3: never once it has been submitted)."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().with_town().get(pk=submission.pk)
        refusal = deletion_refusal(
            submission_facts(submission), actor_of(user), was_submitted=was_ever_submitted(submission)
        )
        if refusal:
            raise DomainError(refusal)
        files = [document.file for document in submission.documents.all()]
        for document in submission.documents.all():
            document.delete()
        submission.delete()
        for stored in files:
            transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))


# --- workflow ----------------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, submission: Submission, action: str, message: str, visible: bool = True) -> None:
        super().__init__(message)
        self.submission, self.action, self.message, self.visible = submission, action, message, visible


def _record_refusal(user: User, refused: _Refused, comment: str, doc_no: str) -> None:
    SubmissionEvent.objects.create(
        submission=refused.submission,
        action=refused.action,
        from_status=refused.submission.status,
        actor=user,
        actor_role=user.role,
        comment=comment[:2000],
        doc_no=doc_no[:100],
        accepted=False,
        refusal=refused.message[:300],
    )
    security_log.warning(
        "refused %s on submission %s by %s (%s): %s",
        refused.action,
        refused.submission.pk,
        user.username,
        user.role,
        refused.message,
    )


def transition(
    user: User, *, submission_id: int, action: str, comment: str = "", doc_no: str = ""
) -> Submission:
    """Apply a workflow action (R3): submit, recommend, return, select, reject.

    Allowed only to the action's role and region, in the right state. A refused attempt changes nothing,
    is recorded as a refused event and logged, and raises DomainError (or NotVisible outside the scope).
    Selecting creates the designation with the decision's document number in the same transaction.
    """
    comment, doc_no = (comment or "").strip(), (doc_no or "").strip()
    if action not in TRANSITIONS:
        raise DomainError(f"未知操作“{action}”，应为：{'、'.join(TRANSITIONS)}。")
    try:
        with transaction.atomic():
            submission = Submission.objects.select_for_update().filter(pk=submission_id).first()
            if submission is None:
                raise NotVisible()
            submission = Submission.objects.with_town().get(pk=submission.pk)
            if not covers(user, submission.town_id):
                raise _Refused(submission, action, "不在权限范围内", visible=False)
            facts = submission_facts(submission)
            refusal = transition_refusal(action, facts, actor_of(user), comment=comment, doc_no=doc_no)
            if refusal:
                raise _Refused(submission, action, refusal)
            step = TRANSITIONS[action]
            from_status = submission.status
            submission.status = step.target
            if action == SubmissionAction.SELECT:
                submission.designation = replace_designation(
                    submission.town,
                    submission.tier,
                    submission.round.year,
                    doc_no=doc_no,
                    began=Began.SELECTED,
                    ended=Ended.PROMOTED,
                )
                submission.decision_doc_no = doc_no
            elif action == SubmissionAction.REJECT:
                submission.decision_doc_no = doc_no
            submission.version += 1
            submission.save()
            event = SubmissionEvent.objects.create(
                submission=submission,
                action=action,
                from_status=from_status,
                to_status=step.target,
                actor=user,
                actor_role=user.role,
                comment=comment,
                doc_no=doc_no,
            )
            _tell_next_actor(user, submission, event)
    except _Refused as refused:
        _record_refusal(user, refused, comment, doc_no)
        if not refused.visible:
            raise NotVisible() from None
        raise DomainError(refused.message) from None
    return submission


def _sentence(text: str) -> str:
    return text if text.endswith(("。", "！", "？", ".", "!", "?")) else f"{text}。"


def _tell_next_actor(user: User, submission: Submission, event: SubmissionEvent) -> None:
    """The in-app notification of a workflow step (issue 10, point 4), in the step's transaction: submitted →
    the town's city, recommended → the province, returned → the county with the comment, selected or
    rejected → the county and the city. The actor is never told of their own step."""
    town, selection_round = submission.town, submission.round
    place = town.place_name
    tier = Tier(submission.tier).label
    called = f"“{selection_round.name}”{tier}示范镇评选"
    said = f"意见：{_sentence(event.comment)}" if event.comment else ""
    recipients: Audience
    if event.action == SubmissionAction.SUBMIT:
        kind, recipients = NotificationKind.SUBMISSION_SUBMITTED, audience(cities=[town.city_id])
        title = f"待审核：{place}申报{tier}示范镇"
        body = f"{town.county.name}已上报{town.name}参加{called}，请审核后推荐或退回。{said}"
    elif event.action == SubmissionAction.RECOMMEND:
        kind, recipients = NotificationKind.SUBMISSION_RECOMMENDED, audience(province=[Role.PROVINCE_ADMIN])
        title = f"待审定：{town.city.name}推荐{place}为{tier}示范镇候选"
        body = f"{town.city.name}已推荐{place}参加{called}，请审定入选或不予入选。{said and '推荐' + said}"
    elif event.action == SubmissionAction.RETURN:
        kind, recipients = NotificationKind.SUBMISSION_RETURNED, audience(counties=[town.county_id])
        title = f"已退回：{town.name}的候选镇申报"
        body = (
            f"{town.city.name}退回了{town.name}参加{called}的申报。退回意见：{_sentence(event.comment)}"
            f"请修改后于 {chinese_date(selection_round.deadline)} 前重新上报。"
        )
    else:
        kind = NotificationKind.SUBMISSION_DECIDED
        recipients = audience(counties=[town.county_id], cities=[town.city_id])
        if event.action == SubmissionAction.SELECT:
            title = f"已入选：{place}认定为{tier}示范镇"
            body = f"省级审定{place}入选{tier}示范镇（{event.doc_no}），参加{called}。{said}"
        else:
            title = f"未入选：{place}的{tier}示范镇申报"
            body = f"省级审定{place}未入选{called}（{event.doc_no or '无文号'}）。{said}"
    notify(
        recipients,
        kind=kind,
        title=title,
        body=body.strip(),
        link=reverse("submission-detail", args=[submission.pk]),
        dedupe_key=f"submission-event:{event.pk}",
        exclude=user,
    )


__all__ = [
    "attach_document",
    "create_submission",
    "delete_submission",
    "save_round",
    "transition",
    "update_submission",
]
