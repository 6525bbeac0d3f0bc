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

from core.permission_map import may_read_audit_log, may_read_security_events
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
# Who reads the audit log: core.permission_map (三员, ADR 12) decides; kept here under its old name.
AUDIT_READERS = frozenset({Role.AUDIT_ADMIN, Role.AUDITOR})


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


def _region_scope(code: str) -> Scope:
    level = RegionLevel.CITY if len(code) == 4 else RegionLevel.COUNTY if len(code) == 6 else None
    return NOTHING if level is None else Scope(level=level, code=code)


def scope_of(user: PortalUser | None) -> Scope:
    """The region the user's role and region let them see (NOTHING for an anonymous or inactive user).

    A request authenticated by an API token that carries a region (accounts.ApiToken.region, set on the user
    as `token_region_id` by accounts.authentication) sees only that region, and only where it lies inside the
    user's own scope: a token narrows, never widens."""
    scope = _user_scope(user)
    token_region = getattr(user, "token_region_id", None)
    if token_region is None or scope.is_empty:
        return scope
    narrowed = _region_scope(str(token_region))
    if narrowed.is_empty or not scope.covers_code(narrowed.code):
        return NOTHING
    return narrowed


def _user_scope(user: PortalUser | None) -> Scope:
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
    """A writing role inside its scope, unless the request came with a read-only API token."""
    if getattr(user, "token_read_only", False):
        return False
    return scope_of(user) is not NOTHING and getattr(user, "role", None) in WRITING_ROLES


def can_read_audit_log(user: PortalUser | None) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and may_read_audit_log(user.role))


def can_read_security_events(user: PortalUser | None) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and may_read_security_events(user.role)
    )


def sees_refused_attempts(user: PortalUser | None) -> bool:
    """Whether a workflow's refused attempts (selection's SubmissionEvent accepted=False) show in its history:
    to the audit log's readers, and to province_admin, who runs the workflow (it lost the audit log page to
    三员, ADR 12, not the business's own history)."""
    return can_read_audit_log(user) or is_province_admin(user)


def is_province_admin(user: PortalUser | None) -> bool:
    """province_admin with its whole province (a token narrowed to a region acts only as far as that region)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.PROVINCE_ADMIN
        and scope_of(user).province_wide
    )


def sees_province_totals(user: PortalUser | None) -> bool:
    return scope_of(user).province_wide
