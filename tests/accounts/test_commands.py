"""Operator commands: create_user with role and region checks, create_api_token."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_county_official_with_password(jilin):
    text = run(
        "create_user",
        "nongan",
        "--role",
        "county_official",
        "--region",
        "220122",
        "--password",
        "Nongan-2024x",
    )
    user = User.objects.get(username="nongan")
    assert (user.role, user.region_id) == ("county_official", "220122")
    assert user.check_password("Nongan-2024x")
    assert not user.is_staff
    assert "农安县" in text


def test_generated_password_is_printed_and_works(jilin):
    text = run("create_user", "viewer1", "--role", "province_viewer")
    password = text.strip().splitlines()[-1].split("：", 1)[1]
    assert User.objects.get(username="viewer1").check_password(password)


def test_province_admin_may_use_the_admin_site_but_is_no_superuser(jilin):
    run("create_user", "boss", "--role", "province_admin", "--password", "Boss-2024-jl")
    boss = User.objects.get(username="boss")
    assert boss.is_staff and not boss.is_superuser


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "emperor"], "角色“emperor”无效"),
        (["--role", "city_official"], "必须指定一个市（州）"),
        (["--role", "city_official", "--region", "220122"], "必须指定一个市（州）"),
        (["--role", "county_official", "--region", "2201"], "必须指定一个县（市、区）"),
        (["--role", "province_viewer", "--region", "2201"], "不能指定地区"),
        (["--role", "county_official", "--region", "999999"], "区划代码 999999 不存在"),
        (["--role", "auditor", "--password", "123"], "密码不符合要求"),
    ],
)
def test_bad_arguments_are_refused(jilin, args, message):
    with pytest.raises(CommandError, match=message):
        run("create_user", "someone", *args)
    assert not User.objects.filter(username="someone").exists()


def test_existing_user_needs_update_flag(jilin):
    run("create_user", "cc", "--role", "city_official", "--region", "2201", "--password", "Changchun-2024")
    with pytest.raises(CommandError, match="已存在"):
        run("create_user", "cc", "--role", "city_official", "--region", "2202")
    run("create_user", "cc", "--role", "city_official", "--region", "2202", "--update")
    assert User.objects.get(username="cc").region_id == "2202"


def test_api_token_is_alone_on_the_last_line_and_rotate_revokes_the_others(jilin):
    from accounts.models import ApiToken

    run("create_user", "bank", "--role", "partner", "--password", "Bank-2024-cdb")
    first = run("create_api_token", "bank").strip().splitlines()[-1]
    assert len(first) == 40 and first.isalnum()
    # Only a hash is kept, so a second call cannot show the first key again: it issues another token.
    second = run("create_api_token", "bank", "--name", "对账", "--days", "30").strip().splitlines()[-1]
    assert second != first
    assert ApiToken.objects.active().filter(user__username="bank").count() == 2
    named = ApiToken.objects.get(name="对账")
    assert 29 <= (named.expires_at - named.created_at).days <= 30
    rotated = run("create_api_token", "bank", "--rotate").strip().splitlines()[-1]
    assert rotated not in (first, second)
    assert ApiToken.objects.active().filter(user__username="bank").count() == 1


def test_api_token_days_out_of_range(jilin):
    run("create_user", "bank", "--role", "partner", "--password", "Bank-2024-cdb")
    with pytest.raises(CommandError, match="有效期应为 1 至"):
        run("create_api_token", "bank", "--days", "0")


def test_api_token_for_unknown_user(jilin):
    with pytest.raises(CommandError, match="用户 ghost 不存在"):
        run("create_api_token", "ghost")
