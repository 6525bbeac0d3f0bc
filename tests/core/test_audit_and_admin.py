"""Audit records from the admin, and the admin open to province_admin, the three administrators and the
break-glass superuser only (三员: tests/security/test_three_administrators.py has the per-role map)."""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt

from accounts.models import Role
from towns.models import Designation

from ..conftest import SHUANGYANG, town_in


@pytest.mark.parametrize(
    "role", [Role.PROVINCE_VIEWER, Role.AUDITOR, Role.PARTNER, Role.CITY_OFFICIAL, Role.COUNTY_OFFICIAL]
)
def test_admin_is_closed_to_every_other_role(client, make_user, role):
    region = {"city_official": "2201", "county_official": SHUANGYANG}.get(role)
    user = make_user(role, region=region)
    # Even a row flagged staff by hand does not open the admin: the role decides.
    type(user).objects.filter(pk=user.pk).update(is_staff=True)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_create_update_delete_leave_audit_records_with_actor(client, province_admin):
    client.force_login(province_admin)
    town = town_in(SHUANGYANG)
    response = client.post(
        "/admin/towns/designation/add/",
        {
            "town": town.code,
            "tier": "county",
            "from_year": 2022,
            "began": "selected",
            "doc_no": "双政发〔2022〕1号",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    designation = Designation.objects.get()
    created = LogEntry.objects.get_for_object(designation).get()
    assert created.actor == province_admin
    assert created.additional_data == {"via": "admin"}
    assert created.changes["doc_no"] == ["None", "双政发〔2022〕1号"]

    response = client.post(
        f"/admin/towns/designation/{designation.pk}/change/",
        {
            "town": town.code,
            "tier": "city",
            "from_year": 2022,
            "began": "selected",
            "doc_no": "双政发〔2022〕1号",
        },
    )
    assert response.status_code == 302
    updated = LogEntry.objects.get_for_object(designation).filter(action=LogEntry.Action.UPDATE).get()
    assert updated.changes["tier"] == ["county", "city"]

    # A designation's history is never deleted through the admin (issue 12 point 2).
    response = client.post(f"/admin/towns/designation/{designation.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Designation.objects.filter(pk=designation.pk).exists()


def test_admin_refuses_a_subdistrict_and_a_second_active_designation(client, province_admin):
    client.force_login(province_admin)
    town = town_in(SHUANGYANG)
    Designation.objects.create(town=town, tier="county", from_year=2022)
    response = client.post(
        "/admin/towns/designation/add/",
        {"town": town.code, "tier": "city", "from_year": 2023, "began": "selected"},
    )
    assert response.status_code == 200
    assert "同一时间只能有一个有效认定" in response.content.decode()
    response = client.post(
        "/admin/towns/designation/add/",
        {"town": "220112001", "tier": "city", "from_year": 2023, "began": "selected"},
    )
    assert "只有建制镇可以认定为示范镇" in response.content.decode()
    assert Designation.objects.count() == 1


def test_admin_user_form_checks_role_and_region(client, break_glass):
    client.force_login(break_glass)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "x",
            "password1": "Xyz-2024-abc",
            "password2": "Xyz-2024-abc",
            "role": "county_official",
        },
    )
    assert response.status_code == 200
    assert "必须指定一个县（市、区）" in response.content.decode()


def test_the_admin_speaks_chinese_down_to_the_login_and_audit_models(client, break_glass):
    client.force_login(break_glass)
    index = client.get("/admin/").content.decode()
    assert "吉林省示范镇建设工作平台 · 管理后台" in index
    for label in ("登录安全", "登录失败记录", "登录日志", "审计日志", "审计记录", "候选镇申报"):
        assert label in index
    for english in ("Axes", "Access attempts", "Access logs", "Audit log", "Log entries"):
        assert english not in index
    AccessAttempt.objects.create(
        username="shuangyang",
        ip_address="10.0.0.1",
        user_agent="Mozilla",
        http_accept="*/*",
        path_info="/login/",
        get_data="",
        post_data="",
        failures_since_start=2,
    )
    attempts = client.get("/admin/axes/accessattempt/").content.decode()
    assert "浏览器标识" in attempts and "User Agent" not in attempts
