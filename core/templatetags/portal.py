"""Template filters every page may use: numbers as users read them, forms, pagination, the audit trail, the
navbar's unread count. Labels of a domain vocabulary live with their app (towns, selection, projects, assessment)."""

from django import template

from core import audit_display, formats, notifications

register = template.Library()


@register.filter
def figure(value, places=2):
    """A number with thousands separators and a fixed number of decimals (2 by default), "—" when empty."""
    return formats.figure(value, places)


@register.filter
def money(value):
    """A sum in 万元: 1,200.00, "—" when empty."""
    return formats.money(value)


@register.filter
def points(value):
    """10, 7.5: points as an indicator system writes them; "—" when empty."""
    return formats.points(value)


@register.filter
def percent_width(value):
    """A percentage as a bar's CSS width: 0–100 without grouping or locale ("37.5"); 0 when empty."""
    return formats.percent_width(value)


@register.filter
def yes_no(value):
    return "是" if value else "否"


@register.filter
def with_class(bound_field, css_class):
    """Render a form field's widget with the given CSS classes."""
    return bound_field.as_widget(attrs={"class": css_class})


@register.filter
def elided_pages(page):
    """Page numbers around the current page, with … where pages are left out."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.filter
def row_count(paginator):
    """A list's row count as its page says it: the number, or 约 N where it is the planner's estimate
    (core.counting: lists above LIST_COUNT_ESTIMATE_ABOVE rows)."""
    count = paginator.count
    return f"约 {count}" if getattr(paginator, "count_estimated", False) else count


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def audit_action(entry):
    return audit_display.action_label(entry)


@register.filter
def audit_via(entry):
    return audit_display.via_label(entry)


@register.filter
def audit_actor(entry):
    return audit_display.actor_label(entry)


@register.filter
def audit_object_type(entry):
    return audit_display.object_type_label(entry)


@register.filter
def audit_changes(entry):
    return audit_display.shown_changes(entry)


@register.simple_tag(takes_context=True)
def unread_notification_count(context):
    """How many of the signed-in user's in-app notifications are unread (the navbar bell), one query."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return notifications.unread_count(user)
