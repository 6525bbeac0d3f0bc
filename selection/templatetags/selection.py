"""Template filters of the selection pages (R3): statuses, figures, yes/no."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from selection.rules import STATUS_LABELS, TRANSITIONS

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
    return STATUS_LABELS.get(value, value or EMPTY)


@register.filter
def status_badge(value):
    return STATUS_BADGES.get(value, "text-bg-light")


@register.filter
def action_label(value):
    transition = TRANSITIONS.get(value)
    return transition.label if transition else value


@register.filter
def figure(value, places=2):
    """A number with thousands separators and a fixed number of decimals (2 by default), "—" when empty."""
    if value is None or value == "":
        return EMPTY
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    places = int(places)
    quantum = Decimal(1).scaleb(-places)
    return f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


@register.filter
def yes_no(value):
    return "是" if value else "否"
