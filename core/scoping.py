"""The one scoping policy: what a user may see and change.

Pages, API views, exports and jobs all call `restrict()` on their querysets (or `covers()` for a single
object). A record outside the caller's region is treated exactly as if it did not exist.

Each scoped model declares `scope_lookups`: for "city" and "county", the lookup that ties a row to the
region code of that level, e.g. {"city": "town__city_id", "county": "town__county_id"}.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.db.models import Model, QuerySet

from core.roles import RegionLevel, Role

_M = TypeVar("_M", bound=Model)


class PortalUser(Protocol):
    """What the policy reads of a user: accounts.User (core lies below accounts), or an anonymous user, which
    carries no role and no region and sees nothing."""

    is_active: bool

    @property
    def is_authenticated(self) -> bool: ...


PROVINCE_WIDE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_VIEWER, Role.AUDITOR})
WRITING_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICIAL, Role.COUNTY_OFFICIAL})
AUDIT_READERS = frozenset({Role.PROVINCE_ADMIN, Role.AUDITOR})


@dataclass(frozen=True)
class Scope:
    """province_wide, or a region (level + code), or nothing at all."""

    province_wide: bool = False
    level: str | None = None  # RegionLevel.CITY | RegionLevel.COUNTY
    code: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.province_wide and self.code is None

    def covers_code(self, code: str | None) -> bool:
        """Whether a region or town code lies inside this scope (codes are prefixes of their children's)."""
        if self.province_wide:
            return True
        if self.code is None or code is None:
            return False
        return str(code).startswith(self.code)


NOTHING = Scope()
EVERYTHING = Scope(province_wide=True)


def scope_of(user: PortalUser | None) -> Scope:
    """The region the user's role and region let them see (NOTHING for an anonymous or inactive user)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    role = getattr(user, "role", None)
    if role in PROVINCE_WIDE_ROLES:
        return EVERYTHING
    region_id = getattr(user, "region_id", None)
    if role == Role.PARTNER and region_id is None:
        return EVERYTHING
    if region_id is None:
        # A regional role without a region is misconfigured: it sees nothing rather than everything.
        return NOTHING
    level = RegionLevel.CITY if len(region_id) == 4 else RegionLevel.COUNTY if len(region_id) == 6 else None
    if level is None:
        return NOTHING
    if role == Role.CITY_OFFICIAL and level != RegionLevel.CITY:
        return NOTHING
    if role == Role.COUNTY_OFFICIAL and level != RegionLevel.COUNTY:
        return NOTHING
    return Scope(level=level, code=region_id)


def restrict(queryset: QuerySet[_M], user: PortalUser | None) -> QuerySet[_M]:
    """The rows of queryset that user may see."""
    scope = scope_of(user)
    if scope.province_wide:
        return queryset
    if scope.is_empty:
        return queryset.none()
    lookup = queryset.model.scope_lookups[scope.level]
    return queryset.filter(**{lookup: scope.code})


def covers(user: PortalUser | None, code: str | None) -> bool:
    """Whether a region or town code lies inside the user's scope (for a single object)."""
    return scope_of(user).covers_code(code)


def can_write(user: PortalUser | None) -> bool:
    return scope_of(user) is not NOTHING and getattr(user, "role", None) in WRITING_ROLES


def can_read_audit_log(user: PortalUser | None) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active and user.role in AUDIT_READERS


def is_province_admin(user: PortalUser | None) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.PROVINCE_ADMIN


def sees_province_totals(user: PortalUser | None) -> bool:
    return scope_of(user).province_wide
