"""Template filters of the selection pages (R3): submission statuses and workflow steps."""

from django import template

from core.vocabulary import EMPTY, label

from ..choices import SubmissionAction, SubmissionStatus

register = template.Library()

STATUS_BADGES = {
    SubmissionStatus.DRAFT: "text-bg-secondary",
    SubmissionStatus.SUBMITTED: "text-bg-primary",
    SubmissionStatus.RECOMMENDED: "text-bg-warning",
    SubmissionStatus.SELECTED: "text-bg-success",
    SubmissionStatus.REJECTED: "text-bg-danger",
}


@register.filter
def status_label(value):
    """草稿 / 已上报 / 市级已推荐 / 已入选 / 未入选."""
    if not value:
        return EMPTY
    try:
        return SubmissionStatus(value).short_label
    except ValueError:
        return value


@register.filter
def status_badge(value):
    return STATUS_BADGES.get(value, "text-bg-light")


@register.filter
def action_label(value):
    """上报 / 推荐 / 退回修改 / 审定入选 / 审定不入选."""
    return label(SubmissionAction, value)
