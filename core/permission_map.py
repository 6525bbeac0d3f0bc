"""三员 separation (等保 2.0 level 3, issue 12 point 2; ADR 12): what each role may do in the Django admin and in
the portal's administrative pages. Pure: roles and model labels ("app_label.model_name") in, booleans out, so it
is tested without a database (tests/core/rules/test_permission_map.py).

The admin site's per-model permissions (core.admin_site.RoleMapAdmin) and the portal's pages (audit log, security
events, API tokens, user administration) read this module and nothing else; a role's Django permissions and
groups are not used. Business data (what a user may see of towns, projects …) stays core.scoping's: the three
administrators get no business scope there.
"""

from __future__ import annotations

from enum import StrEnum

from .roles import Role


class Action(StrEnum):
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"


ALL = frozenset(Action)
READ = frozenset({Action.VIEW})
NO_DELETE = frozenset({Action.VIEW, Action.ADD, Action.CHANGE})

# A user created by the system administrator has no role until the security administrator gives one: the
# empty role sees nothing (core.scoping) and may do nothing here.
UNASSIGNED_ROLE = ""

# The business apps: province_admin's in the admin site, and nobody else's.
BUSINESS_APPS = frozenset({"towns", "selection", "projects", "assessment", "funding"})
# Reference data of the system itself (the administrative divisions), the system administrator's.
REFERENCE_MODELS = frozenset({"towns.region"})
USER_MODEL = "accounts.user"
TOKEN_MODEL = "accounts.apitoken"
LOCKOUT_MODELS = frozenset({"axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"})
# The second factors of django-otp (issue 12 point 1): the security administrator's to reset.
OTP_APPS = frozenset({"otp_totp", "otp_static", "otp_email"})
AUDIT_MODELS = frozenset({"auditlog.logentry", "core.securityevent"})

# Records no role deletes, not even a superuser through the admin: a published notice, the designation
# history, the audit trail. (Their API has no DELETE route either; tests/security/test_three_administrators.py.)
UNDELETABLE_MODELS = frozenset(
    {"assessment.notice", "assessment.publication", "towns.designation"} | AUDIT_MODELS
)

# The fields of a user row each administrator may change in the admin (the others are shown read-only).
USER_PROFILE_FIELDS = frozenset(
    {"username", "first_name", "last_name", "email", "organization", "region", "is_active", "password"}
)
USER_SECURITY_FIELDS = frozenset({"role"})

ADMIN_SITE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
AUDIT_LOG_READERS = frozenset({Role.AUDIT_ADMIN, Role.AUDITOR})
SECURITY_EVENT_READERS = frozenset({Role.AUDIT_ADMIN, Role.AUDITOR})
TOKEN_ADMINISTRATORS = frozenset({Role.SECURITY_ADMIN})
USER_ADMINISTRATORS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})


def _model_actions(role: str, model: str) -> frozenset[Action]:
    app = model.split(".", 1)[0]
    if role == Role.PROVINCE_ADMIN:
        if app in BUSINESS_APPS and model not in REFERENCE_MODELS:
            return ALL
        if model in {"core.documentnumber", "core.job"}:
            return READ
        if model == "towns.region":
            return READ
        return frozenset()
    if role == Role.SYSTEM_ADMIN:
        if model == USER_MODEL:
            return NO_DELETE  # a user is deactivated, never deleted: the audit trail names them
        if model in REFERENCE_MODELS:
            return ALL
        if model == "core.job":
            return READ
        return frozenset()
    if role == Role.SECURITY_ADMIN:
        if model == USER_MODEL:
            return frozenset({Action.VIEW, Action.CHANGE})  # the role only (USER_SECURITY_FIELDS)
        if model == TOKEN_MODEL:
            return frozenset({Action.VIEW, Action.CHANGE})  # revoke; issued through the token page
        if model == "axes.accessattempt":
            return frozenset({Action.VIEW, Action.DELETE})  # deleting the attempts unlocks the account
        if model in LOCKOUT_MODELS:
            return READ
        if app in OTP_APPS:
            return frozenset({Action.VIEW, Action.DELETE})  # a reset deletes the devices
        return frozenset()
    if role == Role.AUDIT_ADMIN:
        if model in AUDIT_MODELS or model in LOCKOUT_MODELS or model == TOKEN_MODEL:
            return READ
        return frozenset()
    return frozenset()


def may_use_admin_site(role: str, *, superuser: bool = False) -> bool:
    return superuser or role in ADMIN_SITE_ROLES


def admin_may(role: str, model: str, action: str, *, superuser: bool = False) -> bool:
    """Whether a user of role (or the break-glass superuser) may take action on model in the Django admin."""
    model = model.lower()
    if action == Action.DELETE and model in UNDELETABLE_MODELS:
        return False
    if superuser:
        return True
    if not may_use_admin_site(role):
        return False
    return Action(action) in _model_actions(role, model)


def admin_module_visible(role: str, models: list[str], *, superuser: bool = False) -> bool:
    """Whether an app's section shows on the admin index: some model in it may at least be viewed."""
    return any(admin_may(role, model, Action.VIEW, superuser=superuser) for model in models)


def editable_user_fields(role: str, *, superuser: bool = False) -> frozenset[str]:
    """The user fields an administrator may change: the system administrator the profile, the region and
    activation; the security administrator the role; nobody else any (the superuser both)."""
    if superuser:
        return USER_PROFILE_FIELDS | USER_SECURITY_FIELDS
    if role == Role.SYSTEM_ADMIN:
        return USER_PROFILE_FIELDS
    if role == Role.SECURITY_ADMIN:
        return USER_SECURITY_FIELDS
    return frozenset()


def may_reset_second_factor(role: str, *, superuser: bool = False) -> bool:
    return superuser or role == Role.SECURITY_ADMIN


def may_unlock(role: str, *, superuser: bool = False) -> bool:
    return superuser or role == Role.SECURITY_ADMIN


def may_read_audit_log(role: str) -> bool:
    return role in AUDIT_LOG_READERS


def may_read_security_events(role: str) -> bool:
    return role in SECURITY_EVENT_READERS


def may_manage_all_tokens(role: str) -> bool:
    """See and revoke every user's API tokens (the security administrator); everyone manages their own."""
    return role in TOKEN_ADMINISTRATORS
