"""Template filters of the assessment pages (R7–R9): labels and badges by dict lookup (no query per row)."""

from django import template

from core.vocabulary import label

from ..choices import Grade
from ..models import JobState, RoundState, TalkStatus

register = template.Library()

GRADE_BADGES = {
    "excellent": "text-bg-success",
    "good": "text-bg-primary",
    "pass": "text-bg-secondary",
    "fail": "text-bg-danger",
}
ROUND_STATE_BADGES = {
    RoundState.OPEN: "text-bg-success",
    RoundState.SCORING_CLOSED: "text-bg-warning",
    RoundState.COMPUTED: "text-bg-info",
    RoundState.PUBLISHED: "text-bg-primary",
}
JOB_STATE_BADGES = {
    JobState.IDLE: "text-bg-light border",
    JobState.QUEUED: "text-bg-warning",
    JobState.RUNNING: "text-bg-info",
    JobState.DONE: "text-bg-success",
    JobState.FAILED: "text-bg-danger",
}
TALK_BADGES = {TalkStatus.PENDING: "text-bg-warning", TalkStatus.HELD: "text-bg-success"}


@register.filter
def grade_label(value):
    """优秀 / 良好 / 合格 / 不合格 for a grade value, 未评 for none."""
    return label(Grade, value, empty="未评")


@register.filter
def grade_badge(value):
    return GRADE_BADGES.get(value, "text-bg-light border")


@register.filter
def round_state_badge(value):
    return ROUND_STATE_BADGES.get(value, "text-bg-light border")


@register.filter
def job_state_badge(value):
    return JOB_STATE_BADGES.get(value, "text-bg-light border")


@register.filter
def talk_badge(value):
    return TALK_BADGES.get(value, "text-bg-light border")
