"""Template filters of the selection pages (R3): submission statuses and workflow steps."""

from django import template

from ..choices import SubmissionStatus
from ..rules import TRANSITIONS

register = template.Library()

STATUS_BADGES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "recommended": "text-bg-warning",
    "selected": "text-bg-success",
    "rejected": "text-bg-danger",
}
EMPTY = "—"


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
    transition = TRANSITIONS.get(value)
    return transition.label if transition else value
