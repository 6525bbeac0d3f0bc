"""Template filters of the programme's vocabulary (R1, R2): tiers, development types, quota shortfalls."""

from django import template

from core.vocabulary import label

from .. import rules
from ..choices import DevType, Tier

register = template.Library()

TIER_BADGES = {Tier.PROVINCIAL: "tier-provincial", Tier.CITY: "tier-city", Tier.COUNTY: "tier-county"}


@register.filter
def tier_label(value):
    """省级 / 市级 / 县级 for a tier value, "—" for none."""
    return label(Tier, value)


@register.filter
def tier_badge(value):
    return TIER_BADGES.get(value, "")


@register.filter
def dev_type_label(value):
    return label(DevType, value)


@register.filter
def shortfall_text(quota):
    """省级缺 1 个、市级缺 2 个 for a RegionQuota that misses its minimums."""
    return rules.shortfall_text(quota)


@register.filter
def quota_line(quota, tier):
    return quota.line(tier)
