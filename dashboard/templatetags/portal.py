"""Template filters of the portal's pages: labels by dict lookup (no query per row)."""

from django import template

from core import audit_display
from towns.choices import DevType, Tier

register = template.Library()

TIER_LABELS = dict(Tier.choices)
DEV_TYPE_LABELS = dict(DevType.choices)
TIER_BADGES = {Tier.PROVINCIAL: "tier-provincial", Tier.CITY: "tier-city", Tier.COUNTY: "tier-county"}


@register.filter
def tier_label(value):
    """省级 / 市级 / 县级 for a tier value, "—" for none."""
    if not value:
        return "—"
    return TIER_LABELS.get(value, value)


@register.filter
def tier_badge(value):
    return TIER_BADGES.get(value, "")


@register.filter
def dev_type_label(value):
    if not value:
        return "—"
    return DEV_TYPE_LABELS.get(value, value)


@register.filter
def with_class(bound_field, css_class):
    """Render a form field's widget with the given CSS classes."""
    return bound_field.as_widget(attrs={"class": css_class})


@register.filter
def shortfall_text(quota):
    """省级缺 1 个、市级缺 2 个 for a RegionQuota that misses its minimums."""
    parts = [f"{tier_label(line.tier)}缺 {line.shortfall} 个" for line in quota.lines if line.shortfall]
    return "、".join(parts)


@register.filter
def quota_line(quota, tier):
    return quota.line(tier)


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
    return audit_display.changes(entry)


@register.filter
def elided_pages(page):
    """Page numbers around the current page, with … where pages are left out."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag(takes_context=True)
def unread_notice_count(context):
    """How many of the signed-in user's in-app notices are unread (the navbar bell), one query."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return user.notifications.filter(read_at__isnull=True).count()
