"""三员 (issue 12 point 2, ADR 12): the permission map, without a database."""

import pytest

from core.permission_map import (
    UNDELETABLE_MODELS,
    admin_may,
    admin_module_visible,
    editable_user_fields,
    may_manage_all_tokens,
    may_read_audit_log,
    may_read_security_events,
    may_reset_second_factor,
    may_unlock,
    may_use_admin_site,
)
from core.roles import Role

BUSINESS = ["towns.town", "towns.designation", "projects.project", "funding.allocation", "assessment.notice"]


@pytest.mark.parametrize(
    "role", [Role.PROVINCE_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]
)
def test_the_admin_site_is_for_province_admin_and_the_three_administrators(role):
    assert may_use_admin_site(role)


@pytest.mark.parametrize(
    "role", [Role.PROVINCE_VIEWER, Role.CITY_OFFICIAL, Role.COUNTY_OFFICIAL, Role.PARTNER, Role.AUDITOR, ""]
)
def test_the_admin_site_is_closed_to_the_other_roles_but_not_to_the_superuser(role):
    assert not may_use_admin_site(role)
    assert may_use_admin_site(role, superuser=True)
    assert not admin_may(role, "towns.town", "view")


def test_system_admin_keeps_users_and_regions_but_not_roles_audit_or_business():
    role = Role.SYSTEM_ADMIN
    for action in ("view", "add", "change"):
        assert admin_may(role, "accounts.user", action)
    assert not admin_may(role, "accounts.user", "delete")  # deactivated, never deleted
    for action in ("view", "add", "change", "delete"):
        assert admin_may(role, "towns.region", action)
    assert editable_user_fields(role) >= {"first_name", "region", "is_active", "organization"}
    assert "role" not in editable_user_fields(role)
    assert not may_reset_second_factor(role) and not may_unlock(role) and not may_manage_all_tokens(role)
    assert not admin_may(role, "accounts.apitoken", "view")
    assert not admin_may(role, "auditlog.logentry", "view") and not admin_may(
        role, "core.securityevent", "view"
    )
    assert not may_read_audit_log(role) and not may_read_security_events(role)
    assert not any(admin_may(role, model, "change") for model in BUSINESS)
    assert not admin_may(role, "auth.group", "view")  # no permissions to hand out


def test_security_admin_keeps_roles_lockouts_tokens_and_second_factors_but_no_business():
    role = Role.SECURITY_ADMIN
    assert editable_user_fields(role) == {"role"}
    assert admin_may(role, "accounts.user", "change") and not admin_may(role, "accounts.user", "add")
    assert admin_may(role, "axes.accessattempt", "delete")  # unlocking
    assert admin_may(role, "otp_totp.totpdevice", "delete")  # a second-factor reset
    assert may_reset_second_factor(role) and may_unlock(role) and may_manage_all_tokens(role)
    assert admin_may(role, "accounts.apitoken", "change")
    for model in [*BUSINESS, "towns.region", "selection.submission", "assessment.result"]:
        for action in ("add", "change", "delete"):
            assert not admin_may(role, model, action), (model, action)
    assert not may_read_audit_log(role) and not admin_may(role, "auditlog.logentry", "view")


def test_audit_admin_reads_the_audit_trail_and_changes_nothing():
    role = Role.AUDIT_ADMIN
    assert may_read_audit_log(role) and may_read_security_events(role)
    assert admin_may(role, "auditlog.logentry", "view") and admin_may(role, "core.securityevent", "view")
    for model in ["auditlog.logentry", "core.securityevent", "accounts.user", "accounts.apitoken", *BUSINESS]:
        for action in ("add", "change", "delete"):
            assert not admin_may(role, model, action), (model, action)
    assert editable_user_fields(role) == frozenset()


def test_province_admin_runs_the_business_but_not_users_nor_the_audit_log():
    role = Role.PROVINCE_ADMIN
    for model in BUSINESS:
        assert admin_may(role, model, "change")
    assert not admin_may(role, "accounts.user", "view")
    assert not admin_may(role, "accounts.user", "change")
    assert not admin_may(role, "auditlog.logentry", "view")
    assert not may_read_audit_log(role) and not may_read_security_events(role)
    assert not admin_may(role, "towns.region", "change")  # reference data is the system administrator's
    assert admin_module_visible(role, ["towns.region", "towns.town"])
    assert not admin_module_visible(role, ["auditlog.logentry"])


def test_the_auditor_keeps_reading_the_audit_log():
    assert may_read_audit_log(Role.AUDITOR) and may_read_security_events(Role.AUDITOR)


@pytest.mark.parametrize("model", sorted(UNDELETABLE_MODELS))
@pytest.mark.parametrize("role", [*Role.values, ""])
def test_nobody_deletes_a_notice_a_designation_or_an_audit_record(model, role):
    assert not admin_may(role, model, "delete")
    assert not admin_may(role, model, "delete", superuser=True)


def test_the_undeletable_records_are_the_ones_named():
    assert {
        "assessment.notice",
        "assessment.publication",
        "towns.designation",
        "auditlog.logentry",
        "core.securityevent",
    } <= UNDELETABLE_MODELS


def test_the_superuser_may_do_everything_else():
    assert admin_may("", "towns.town", "delete", superuser=True)
    assert editable_user_fields("", superuser=True) >= {"role", "region", "is_active"}
