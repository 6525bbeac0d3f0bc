"""Named API tokens (issue 12 point 3): hashed keys, expiry, revocation, read-only, a region that narrows the
scope, the token pages and API, the audit of every issue and revocation, and the record of partners' reads."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import override_settings
from django.utils import timezone

from accounts.models import ApiToken, Role, hash_token_key
from accounts.services import issue_token, revoke_token
from core.choices import SecurityEventKind
from core.errors import DomainError
from core.models import SecurityEvent
from towns.models import Region

from ...conftest import CHANGCHUN, JIAOHE, SHUANGYANG, town_in

pytestmark = pytest.mark.django_db


def events(kind):
    return SecurityEvent.objects.filter(kind=kind)


@pytest.fixture
def partner(make_user):
    return make_user(Role.PARTNER, username="cdb")


def with_token(api_client, key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api_client


# --- the model: hashed, several per user, default 90 days ---------------------------------------------


def test_only_the_hash_is_stored_and_a_user_holds_several(jilin, partner):
    first = issue_token(partner, partner, name="对接一")
    second = issue_token(partner, partner, name="对接二", days=7, read_only=True)
    assert first.key != second.key and len(first.key) == 40
    stored = ApiToken.objects.get(pk=first.token.pk)
    assert stored.key_hash == hash_token_key(first.key) and stored.prefix == first.key[:8]
    assert first.key not in {f.value_from_object(stored) for f in ApiToken._meta.fields if f.name != "prefix"}
    assert 89 <= (stored.expires_at - stored.created_at).days <= 90
    assert ApiToken.objects.filter(user=partner).count() == 2


@override_settings(API_TOKEN_DEFAULT_DAYS=10)
def test_the_default_lifetime_is_a_setting(jilin, partner):
    token = issue_token(partner, partner, name="短期").token
    assert (token.expires_at - token.created_at).days in (9, 10)


def test_issue_and_revoke_are_audited_without_the_hash(jilin, partner):
    issued = issue_token(partner, partner, name="对接")
    created = LogEntry.objects.get_for_object(issued.token).get()
    assert "key_hash" not in created.changes and issued.key not in str(created.changes)
    assert events(SecurityEventKind.TOKEN_ISSUED).get().details["token_id"] == issued.token.pk
    revoke_token(partner, issued.token.pk)
    assert events(SecurityEventKind.TOKEN_REVOKED).get().details["by"] == "cdb"
    assert LogEntry.objects.get_for_object(issued.token).filter(action=LogEntry.Action.UPDATE).exists()


def test_a_region_outside_the_user_scope_is_refused(jilin, make_user):
    changchun = make_user(Role.CITY_OFFICIAL, CHANGCHUN, username="cc")
    with pytest.raises(DomainError, match="不在您的数据范围内"):
        issue_token(changchun, changchun, name="x", region=Region.objects.get(code=JIAOHE))
    narrower = issue_token(changchun, changchun, name="x", region=Region.objects.get(code=SHUANGYANG))
    assert narrower.token.region_id == SHUANGYANG


def test_nobody_issues_a_token_for_someone_else(jilin, partner, county_official):
    with pytest.raises(DomainError, match="只能为自己签发令牌"):
        issue_token(county_official, partner, name="x")


# --- authentication: expired, revoked, read-only, narrowed --------------------------------------------


def test_an_expired_token_is_401_in_chinese_and_recorded(jilin, api_client, partner):
    issued = issue_token(None, partner, name="旧")
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = with_token(api_client, issued.key).get("/api/v1/towns/")
    assert response.status_code == 401
    assert response.json() == {"detail": "令牌已过期，请重新签发。"}
    rejected = events(SecurityEventKind.TOKEN_REJECTED).get()
    assert rejected.details["reason"] == "expired" and rejected.username == "cdb"


def test_a_revoked_token_is_401_and_recorded(jilin, api_client, partner):
    issued = issue_token(None, partner, name="x")
    revoke_token(None, issued.token.pk)
    response = with_token(api_client, issued.key).get("/api/v1/towns/")
    assert response.status_code == 401
    assert response.json() == {"detail": "令牌已被吊销。"}
    assert events(SecurityEventKind.TOKEN_REJECTED).get().details["reason"] == "revoked"


def test_an_unknown_token_is_401_and_recorded(jilin, api_client):
    response = with_token(api_client, "0" * 40).get("/api/v1/towns/")
    assert response.status_code == 401
    assert response.json() == {"detail": "令牌无效。"}
    assert events(SecurityEventKind.TOKEN_REJECTED).get().details["reason"] == "unknown"


def test_a_read_only_token_reads_but_refuses_writes(jilin, api_client, province_admin):
    issued = issue_token(None, province_admin, name="只读", read_only=True)
    client = with_token(api_client, issued.key)
    assert client.get("/api/v1/towns/").status_code == 200
    town = town_in(SHUANGYANG)
    response = client.post(
        f"/api/v1/towns/{town.code}/tier-change/",
        {"change": "promote", "tier": "county", "year": 2024, "doc_no": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "只读令牌不能修改数据。"}
    assert events(SecurityEventKind.ACCESS_DENIED).get().details["reason"] == "read_only_token"

    writer = with_token(api_client, issue_token(None, province_admin, name="读写").key)
    response = writer.post(
        f"/api/v1/towns/{town.code}/tier-change/",
        {"change": "promote", "tier": "county", "year": 2024, "doc_no": "x"},
        format="json",
    )
    assert response.status_code == 201, response.content


def test_a_token_narrowed_to_a_county_sees_only_that_county(jilin, api_client, make_user):
    changchun = make_user(Role.CITY_OFFICIAL, CHANGCHUN, username="cc")
    wide = issue_token(None, changchun, name="全市")
    narrow = issue_token(None, changchun, name="双阳", region=Region.objects.get(code=SHUANGYANG))
    counties_wide = {
        row["county"]
        for row in with_token(api_client, wide.key).get("/api/v1/towns/?page_size=1000").json()["results"]
    }
    assert len(counties_wide) > 1 and SHUANGYANG in counties_wide
    body = with_token(api_client, narrow.key).get("/api/v1/towns/?page_size=1000").json()
    assert {row["county"] for row in body["results"]} == {SHUANGYANG}

    elsewhere = town_in("220122")  # 农安县: in the user's city, outside the token's county
    other = with_token(api_client, narrow.key).get(f"/api/v1/towns/{elsewhere.code}/")
    missing = with_token(api_client, narrow.key).get("/api/v1/towns/220199999/")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert with_token(api_client, wide.key).get(f"/api/v1/towns/{elsewhere.code}/").status_code == 200


def test_a_region_that_left_the_user_scope_sees_nothing(jilin, api_client, make_user):
    """The token's region was inside the user's scope when issued; the user moved: the token narrows to nothing."""
    user = make_user(Role.CITY_OFFICIAL, CHANGCHUN, username="cc")
    issued = issue_token(None, user, name="x", region=Region.objects.get(code=SHUANGYANG))
    user.region_id = "2202"
    user.save()
    assert with_token(api_client, issued.key).get("/api/v1/towns/").json()["count"] == 0


def test_last_use_is_written_at_most_once_a_minute(jilin, api_client, partner, django_assert_num_queries):
    issued = issue_token(None, partner, name="x")
    client = with_token(api_client, issued.key)
    client.get("/api/v1/regions/")
    first = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert first is not None
    client.get("/api/v1/regions/")
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == first
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/regions/")
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at > first


def test_keys_of_drf_authtoken_keep_working_after_the_migration(jilin, api_client, partner):
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = import_module(
        "accounts.migrations.0004_superuser_is_break_glass_only_and_authtoken_keys_move"
    )
    old_key = "a" * 40
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, created timestamp with time zone)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s)", [old_key, partner.pk, timezone.now()]
        )
    migration.move_authtoken_keys(apps, SimpleNamespace(connection=connection))
    moved = ApiToken.objects.get(user=partner)
    assert moved.key_hash == hash_token_key(old_key) and moved.name == "原有令牌"
    assert with_token(api_client, old_key).get("/api/v1/towns/").status_code == 200


# --- the API: /api/v1/tokens/ -------------------------------------------------------------------------


def test_the_tokens_api_lists_own_creates_and_revokes(jilin, api_client, partner, make_user):
    other = make_user(Role.PARTNER, username="adbc")
    issue_token(None, other, name="别人的")
    api_client.force_authenticate(partner)
    created = api_client.post(
        "/api/v1/tokens/", {"name": "报表系统", "days": 30, "read_only": True}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert len(body["key"]) == 40 and body["read_only"] and body["prefix"] == body["key"][:8]
    listing = api_client.get("/api/v1/tokens/").json()
    assert [row["name"] for row in listing["results"]] == ["报表系统"]
    assert "key" not in listing["results"][0]
    other_token = ApiToken.objects.get(user=other)
    assert api_client.post(f"/api/v1/tokens/{other_token.pk}/revoke/").status_code == 404
    revoked = api_client.post(f"/api/v1/tokens/{body['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "已吊销"
    again = api_client.post(f"/api/v1/tokens/{body['id']}/revoke/")
    assert again.status_code == 400 and again.json() == {"detail": "令牌已吊销。"}


def test_the_tokens_api_refuses_bad_input_in_chinese(jilin, api_client, make_user):
    changchun = make_user(Role.CITY_OFFICIAL, CHANGCHUN, username="cc")
    api_client.force_authenticate(changchun)
    assert api_client.post("/api/v1/tokens/", {"name": "x", "region": JIAOHE}, format="json").json() == {
        "detail": "蛟河市（220281）不在您的数据范围内，不能作为令牌的限定地区。"
    }
    assert (
        api_client.post("/api/v1/tokens/", {"name": "x", "region": "999999"}, format="json").status_code
        == 400
    )
    response = api_client.post("/api/v1/tokens/", {"name": "x", "days": 5000}, format="json")
    assert response.status_code == 400 and "有效期应为 1 至" in response.json()["detail"]


def test_a_narrowed_token_cannot_mint_a_wider_one(jilin, api_client, make_user):
    changchun = make_user(Role.CITY_OFFICIAL, CHANGCHUN, username="cc")
    narrow = issue_token(None, changchun, name="双阳", region=Region.objects.get(code=SHUANGYANG))
    client = with_token(api_client, narrow.key)
    response = client.post("/api/v1/tokens/", {"name": "全市"}, format="json")
    assert response.status_code == 400 and "当前令牌限定了地区" in response.json()["detail"]
    response = client.post("/api/v1/tokens/", {"name": "农安", "region": "220122"}, format="json")
    assert response.status_code == 400


def test_the_security_admin_lists_and_revokes_every_token(jilin, api_client, partner, security_admin):
    issued = issue_token(None, partner, name="x")
    api_client.force_authenticate(security_admin)
    assert [row["username"] for row in api_client.get("/api/v1/tokens/").json()["results"]] == ["cdb"]
    assert api_client.post(f"/api/v1/tokens/{issued.token.pk}/revoke/").status_code == 200
    assert events(SecurityEventKind.TOKEN_REVOKED).get().details["by"] == "secadmin"


def test_login_exchange_issues_a_named_token(jilin, api_client, partner):
    response = api_client.post("/api/v1/auth/token/", {"username": "cdb", "password": "Portal-test-2024"})
    assert set(response.json()) == {"token", "expires_at"}
    assert ApiToken.objects.get(user=partner).name == "登录换取"


# --- the pages: 我的 API 令牌, 全部 API 令牌 ------------------------------------------------------------


def test_my_tokens_page_issues_shows_the_key_once_and_revokes(client, jilin, partner):
    client.force_login(partner)
    page = client.post("/account/tokens/", {"name": "数据对接", "days": 30, "read_only": "on", "region": ""})
    assert page.status_code == 200
    html = page.content.decode()
    token = ApiToken.objects.get(user=partner)
    assert "只显示这一次" in html and token.prefix in html
    key = html.split('id="issued-key">')[1].split("<")[0]
    assert hash_token_key(key) == token.key_hash and token.read_only
    assert key not in client.get("/account/tokens/").content.decode()
    response = client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_my_tokens_page_refuses_a_bad_region_in_chinese(client, jilin, county_official):
    client.force_login(county_official)
    html = client.post("/account/tokens/", {"name": "x", "days": 30, "region": JIAOHE}).content.decode()
    assert "不在您的数据范围内" in html
    assert not ApiToken.objects.exists()


def test_a_user_cannot_revoke_someone_elses_token_from_the_page(client, jilin, partner, county_official):
    issued = issue_token(None, partner, name="x")
    client.force_login(county_official)
    client.post(f"/account/tokens/{issued.token.pk}/revoke/")
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None


def test_all_tokens_page_is_the_security_admins(client, jilin, partner, security_admin, system_admin):
    issued = issue_token(None, partner, name="国开行")
    client.force_login(system_admin)
    assert client.get("/account/tokens/all/").status_code == 403
    assert events(SecurityEventKind.ACCESS_DENIED).get().username == "sysadmin"
    client.force_login(security_admin)
    page = client.get("/account/tokens/all/").content.decode()
    assert "国开行" in page and "cdb" in page
    client.post(f"/account/tokens/{issued.token.pk}/revoke/", {"next": "all"})
    issued.token.refresh_from_db()
    assert issued.token.revoked_by == "secadmin"


# --- partners' reads are recorded ---------------------------------------------------------------------


def test_every_partner_token_read_is_recorded_once_with_filters_status_and_rows(jilin, api_client, partner):
    client = with_token(api_client, issue_token(None, partner, name="x").key)
    listing = client.get("/api/v1/towns/", {"city": CHANGCHUN, "tier": "none"})
    assert listing.status_code == 200
    read = events(SecurityEventKind.API_READ).get()
    assert read.username == "cdb"
    assert read.details["endpoint"] == "/api/v1/towns/"
    assert read.details["filters"] == {"city": [CHANGCHUN], "tier": ["none"]}
    assert read.details["status"] == 200 and read.details["rows"] == listing.json()["count"]

    client.get("/api/v1/towns/999999999/")
    missing = events(SecurityEventKind.API_READ).order_by("-id").first()
    assert missing.details["status"] == 404 and missing.details["rows"] is None
    assert events(SecurityEventKind.API_READ).count() == 2


def test_reads_of_other_roles_and_of_sessions_are_not_recorded_as_partner_reads(
    jilin, api_client, partner, county_official
):
    with_token(api_client, issue_token(None, county_official, name="x").key).get("/api/v1/towns/")
    api_client.credentials()
    api_client.force_authenticate(partner)
    api_client.get("/api/v1/towns/")
    assert not events(SecurityEventKind.API_READ).exists()
