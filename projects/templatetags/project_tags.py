"""Template filters of the project pages: labels from the choices, badges by dict lookup (no query per row)."""

from django import template

from core.vocabulary import label
from projects import display
from projects.choices import BondType, ProjectStatus

register = template.Library()


@register.filter
def project_status_label(value):
    """储备 / 已批复 / 在建 / 已完工 / 已终止."""
    return label(ProjectStatus, value)


@register.filter
def project_status_badge(value):
    return display.STATUS_BADGES.get(value, "text-bg-light")


@register.filter
def bond_label(value):
    """一般债券 / 专项债券 / 不适用债券."""
    return label(BondType, value)


@register.filter
def bond_badge(value):
    return display.BOND_BADGES.get(value, "text-bg-light")


@register.filter
def period_key_label(value):
    """A stored period key ("2026-05", "2026-Q2") as users read it (2026年5月, 2026年第2季度)."""
    return display.period_key_label(value)


@register.filter
def may_file_projects(user):
    """Whether the user files projects and their progress (a county official): who sees the 导入 buttons."""
    from projects.services import may_file_projects as may_file

    return may_file(user)
