"""The roles and the levels of region they are scoped to: shared by accounts, towns and the scoping policy.

`accounts.models.Role` and `towns.models.RegionLevel` are these same classes, kept importable there.
"""

from django.db import models

from .vocabulary import label


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", "省级管理员"
    PROVINCE_VIEWER = "province_viewer", "省直部门（只读）"
    CITY_OFFICIAL = "city_official", "市（州）工作人员"
    COUNTY_OFFICIAL = "county_official", "县（市、区）工作人员"
    PARTNER = "partner", "合作机构（API）"
    AUDITOR = "auditor", "内部审计"
    # 三员 (等保 2.0 level 3, issue 12 point 2): administrators of the system itself, holding no business data.
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市（州）"
    COUNTY = "county", "县（市、区）"


# Which level of region each role is scoped to; None means province-wide (no region allowed).
ROLE_REGION_LEVEL = {
    Role.PROVINCE_ADMIN: None,
    Role.PROVINCE_VIEWER: None,
    Role.AUDITOR: None,
    Role.CITY_OFFICIAL: RegionLevel.CITY,
    Role.COUNTY_OFFICIAL: RegionLevel.COUNTY,
    Role.PARTNER: "any",  # province-wide, or limited to the city or county granted
    Role.SYSTEM_ADMIN: None,
    Role.SECURITY_ADMIN: None,
    Role.AUDIT_ADMIN: None,
}

# The three administrators of 三员 separation (system, security, audit).
ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles that must sign in with a second factor (TOTP or a one-time backup code); optional for the others.
TWO_FACTOR_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.AUDITOR}) | ADMINISTRATOR_ROLES


def region_level_scope_label(level: str) -> str:
    """A region's level as a report's first column names it: 全省 for the province (its row is the whole
    province's total), the level's label otherwise (市（州）, 县（市、区）)."""
    if level == RegionLevel.PROVINCE:
        return "全省"
    return label(RegionLevel, level)
