"""三员 separation (issue 12 point 2, ADR 12) through the admin site and the pages: each administrator can do
their part and nothing else; province_admin is no superuser; nobody deletes a published notice, a designation's
history or an audit record, through the admin or the API."""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.contrib import admin
from django.test import RequestFactory

from accounts.models import Role, User
from config.api_urls import router
from core.choices import SecurityEventKind
from core.models import SecurityEvent
from core.security_log import record_security_event
from towns.models import Designation, Region

from ..conftest import SHUANGYANG, town_in

pytestmark = pytest.mark.django_db


def events(kind):
    return SecurityEvent.objects.filter(kind=kind)


# --- who enters the admin, and province_admin is no superuser -------------------------------------------


@pytest.mark.parametrize(
    "fixture", ["province_admin", "system_admin", "security_admin", "audit_admin", "break_glass"]
)
def test_the_admin_site_opens_to_province_admin_the_three_administrators_and_the_superuser(
    client, request, fixture
):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get("/admin/").status_code == 200


def test_a_province_admin_is_no_superuser_whatever_it_saves(province_admin):
    assert province_admin.is_staff and not province_admin.is_superuser
    province_admin.first_name = "张"
    province_admin.save()
    province_admin.refresh_from_db()
    assert not province_admin.is_superuser


def test_the_migration_takes_the_superuser_flag_from_province_admins(jilin, make_user):
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "accounts.migrations.0004_superuser_is_break_glass_only_and_authtoken_keys_move"
    )
    boss = make_user(Role.PROVINCE_ADMIN, username="boss")
    viewer = make_user(Role.PROVINCE_VIEWER, username="v")
    User.objects.filter(pk__in=[boss.pk, viewer.pk]).update(is_superuser=True, is_staff=True)
    User.objects.filter(pk=viewer.pk).update(is_superuser=False)
    migration.separate_superuser(apps, None)
    boss.refresh_from_db()
    viewer.refresh_from_db()
    assert boss.is_staff and not boss.is_superuser
    assert not viewer.is_staff


# --- system administrator -----------------------------------------------------------------------------


def test_system_admin_creates_a_user_without_a_role_and_edits_the_profile_but_not_the_role(
    client, system_admin
):
    client.force_login(system_admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newbie",
            "password1": "Xyz-2024-abcd",
            "password2": "Xyz-2024-abcd",
            "role": "province_admin",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    newbie = User.objects.get(username="newbie")
    assert newbie.role == ""  # the security administrator gives the role; the posted one is ignored
    assert not newbie.is_superuser

    page = client.get(f"/admin/accounts/user/{newbie.pk}/change/").content.decode()
    assert 'name="first_name"' in page and 'name="is_active"' in page
    assert 'name="role"' not in page
    response = client.post(
        f"/admin/accounts/user/{newbie.pk}/change/",
        {"username": "newbie", "first_name": "新", "organization": "信息中心", "role": "province_admin"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    newbie.refresh_from_db()
    assert newbie.first_name == "新" and newbie.role == "" and not newbie.is_active


def test_system_admin_edits_regions_but_not_business_data_nor_the_audit_trail(client, jilin, system_admin):
    client.force_login(system_admin)
    assert client.get("/admin/towns/region/").status_code == 200
    assert client.get("/admin/towns/region/2201/change/").status_code == 200
    assert client.get("/admin/towns/town/").status_code == 403
    assert client.get("/admin/towns/designation/add/").status_code == 403
    assert client.get("/admin/auditlog/logentry/").status_code == 403
    assert client.get("/admin/core/securityevent/").status_code == 403
    assert client.get("/admin/accounts/apitoken/").status_code == 403
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/security/").status_code == 403


def test_system_admin_cannot_reset_a_password_through_the_security_admin_either(
    client, system_admin, security_admin
):
    client.force_login(security_admin)
    assert client.get(f"/admin/accounts/user/{system_admin.pk}/password/").status_code == 403


# --- security administrator ---------------------------------------------------------------------------


def test_security_admin_changes_a_role_and_it_is_recorded(client, jilin, security_admin, make_user):
    user = make_user(Role.PROVINCE_VIEWER, username="x")
    client.force_login(security_admin)
    page = client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert 'name="role"' in page and 'name="first_name"' not in page and 'name="is_active"' not in page
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", {"role": "auditor", "first_name": "改"})
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.role == "auditor" and user.first_name == ""
    event = events(SecurityEventKind.ROLE_CHANGED).get()
    assert event.username == "x"
    assert (
        event.details["before"]["role"] == "province_viewer" and event.details["after"]["role"] == "auditor"
    )
    assert event.details["by"] == "secadmin"


def test_security_admin_cannot_change_their_own_role(client, jilin, security_admin):
    client.force_login(security_admin)
    page = client.get(f"/admin/accounts/user/{security_admin.pk}/change/").content.decode()
    assert 'name="role"' not in page
    client.post(f"/admin/accounts/user/{security_admin.pk}/change/", {"role": "province_admin"})
    security_admin.refresh_from_db()
    assert security_admin.role == "security_admin"
    assert not events(SecurityEventKind.ROLE_CHANGED).exists()


def test_security_admin_role_change_must_fit_the_region(client, jilin, security_admin, make_user):
    user = make_user(Role.COUNTY_OFFICIAL, SHUANGYANG, username="x")
    client.force_login(security_admin)
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", {"role": "city_official"})
    assert response.status_code == 200
    assert "必须指定一个市（州）" in response.content.decode()


def test_security_admin_cannot_change_business_data(client, jilin, security_admin):
    client.force_login(security_admin)
    town = town_in(SHUANGYANG)
    for path in (
        "/admin/towns/designation/add/",
        f"/admin/towns/town/{town.code}/change/",
        "/admin/towns/region/",
    ):
        assert client.get(path).status_code == 403, path
    response = client.post(
        "/admin/towns/designation/add/",
        {"town": town.code, "tier": "county", "from_year": 2022, "began": "selected"},
    )
    assert response.status_code == 403
    assert not Designation.objects.exists()
    assert client.get("/admin/accounts/user/add/").status_code == 403
    assert client.get("/audit/").status_code == 403


def test_security_admin_unlocks_an_account_in_the_admin_and_it_is_recorded(client, jilin, security_admin):
    attempt = AccessAttempt.objects.create(
        username="shuangyang",
        ip_address="10.0.0.1",
        user_agent="x",
        http_accept="*/*",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    client.force_login(security_admin)
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert events(SecurityEventKind.UNLOCKED).get().username == "shuangyang"


def test_security_admin_unlocks_and_resets_the_second_factor_from_the_user_list(
    client, jilin, security_admin, county_official
):
    AccessAttempt.objects.create(
        username=county_official.username,
        ip_address="10.0.0.1",
        user_agent="x",
        http_accept="*/*",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    client.force_login(security_admin)
    for action in ("unlock", "reset_otp"):
        response = client.post(
            "/admin/accounts/user/", {"action": action, "_selected_action": [county_official.pk]}
        )
        assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert events(SecurityEventKind.UNLOCKED).get().username == county_official.username
    reset = events(SecurityEventKind.OTP_RESET).get()
    assert reset.username == county_official.username and reset.details["by"] == "secadmin"


def test_the_system_admin_has_no_unlock_nor_reset_action(client, jilin, system_admin):
    client.force_login(system_admin)
    page = client.get("/admin/accounts/user/").content.decode()
    assert 'value="unlock"' not in page and 'value="reset_otp"' not in page


# --- audit administrator ------------------------------------------------------------------------------


def test_audit_admin_reads_and_exports_the_audit_trail_and_changes_nothing(client, jilin, audit_admin):
    record_security_event(SecurityEventKind.LOGIN_FAILED, username="someone")
    client.force_login(audit_admin)
    assert client.get("/audit/").status_code == 200
    assert client.get("/audit/export.xlsx").status_code == 200
    assert client.get("/audit/security/").status_code == 200
    assert client.get("/audit/security/export.xlsx").status_code == 200
    assert client.get("/admin/auditlog/logentry/").status_code == 200
    assert client.get("/admin/core/securityevent/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/towns/region/2201/change/").status_code == 403
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN_FAILED)
    assert client.post(f"/admin/core/securityevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def test_province_admin_has_business_admin_but_no_users_and_no_audit_log(client, jilin, province_admin):
    client.force_login(province_admin)
    assert client.get("/admin/towns/town/").status_code == 200
    assert client.get("/admin/projects/project/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/auditlog/logentry/").status_code == 403
    assert client.get("/audit/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "/admin/accounts/user/" not in index and "/admin/auditlog/" not in index


# --- nobody deletes a published notice, a designation's history or an audit record --------------------

UNDELETABLE = [
    "assessment.Notice",
    "assessment.Publication",
    "towns.Designation",
    "auditlog.LogEntry",
    "core.SecurityEvent",
]


@pytest.mark.parametrize("label", UNDELETABLE)
def test_not_even_the_superuser_may_delete_them_in_the_admin(label, break_glass):
    from django.apps import apps

    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = break_glass
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_the_superuser_gets_403_deleting_a_designation_or_an_audit_entry(client, jilin, break_glass):
    designation = Designation.objects.create(town=town_in(SHUANGYANG), tier="county", from_year=2022)
    entry = LogEntry.objects.get_for_object(designation).first() or LogEntry.objects.first()
    client.force_login(break_glass)
    assert (
        client.post(f"/admin/towns/designation/{designation.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Designation.objects.filter(pk=designation.pk).exists()
    if entry is not None:
        assert client.post(f"/admin/auditlog/logentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        assert LogEntry.objects.filter(pk=entry.pk).exists()
    # …while what may be deleted still may be (the superuser is the break-glass account).
    assert admin.site._registry[Region].has_delete_permission(_request(break_glass))


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("prefix", ["notices", "designations", "audit", "security-events"])
def test_the_api_has_no_delete_route_for_them(prefix, jilin, api_as, break_glass, audit_admin):
    viewset = next(viewset for p, viewset, _ in router.registry if p == prefix)
    assert not hasattr(viewset, "destroy")
    reader = audit_admin if prefix in ("audit", "security-events") else break_glass
    if prefix == "security-events":
        record_security_event(SecurityEventKind.LOGIN_FAILED, username="x")
    rows = api_as(reader).get(f"/api/v1/{prefix}/").json()["results"]
    key = (rows[0].get("id") or rows[0].get("pk")) if rows else 1
    response = api_as(reader).delete(f"/api/v1/{prefix}/{key}/")
    assert response.status_code in (404, 405), response.content


def test_deleting_a_designation_through_the_api_is_refused(jilin, api_as, break_glass):
    designation = Designation.objects.create(town=town_in(SHUANGYANG), tier="county", from_year=2022)
    response = api_as(break_glass).delete(f"/api/v1/designations/{designation.pk}/")
    assert response.status_code == 405
    assert Designation.objects.filter(pk=designation.pk).exists()
