"""Operator and administrator actions on users: creation with a role and a region, role changes, unlocking,
second-factor resets, API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from core.choices import SecurityEventKind
from core.errors import DomainError
from core.permission_map import may_manage_all_tokens
from core.roles import RegionLevel
from core.scoping import scope_of
from core.security_log import record_security_event

from .models import ROLE_REGION_LEVEL, ApiToken, Role, User, hash_token_key
from .selectors import region_by_code, user_by_username


def check_role_region(role: str | None, region: Model | None) -> None:
    """The region a role needs: none for province-wide roles, a city or a county for the regional ones.
    region is a towns.Region (or None); raises DomainError when the two do not fit."""
    if role not in Role.values:
        raise DomainError(f"角色“{role}”无效，应为：{', '.join(Role.values)}")
    needed = ROLE_REGION_LEVEL[Role(role)]
    label = Role(role).label
    if needed is None and region is not None:
        raise DomainError(f"{label}为全省范围角色，不能指定地区。")
    if needed == RegionLevel.CITY and (region is None or region.level != RegionLevel.CITY):
        raise DomainError(f"{label}必须指定一个市（州）的区划代码（4 位，如 2201）。")
    if needed == RegionLevel.COUNTY and (region is None or region.level != RegionLevel.COUNTY):
        raise DomainError(f"{label}必须指定一个县（市、区）的区划代码（6 位，如 220112）。")
    if needed == "any" and region is not None and region.level == RegionLevel.PROVINCE:
        raise DomainError("合作机构的授权范围为全省时请不要指定地区；否则指定市（州）或县（市、区）。")


def _region(code: str | None) -> Model | None:
    if not code:
        return None
    region = region_by_code(str(code).strip())
    if region is None:
        raise DomainError(f"区划代码 {code} 不存在（请先运行 load_divisions）。")
    return region


def create_user(
    username: str,
    *,
    role: str,
    region_code: str | None = None,
    password: str | None = None,
    update: bool = False,
    **profile: str,
) -> tuple[User, str | None]:
    """Create (or with update=True, change) a user. Returns (user, generated_password or None).

    An operator's action (create_user, the demo): there is no acting user to check."""
    username = (username or "").strip()
    if not username:
        raise DomainError("用户名不能为空。")
    region = _region(region_code)
    check_role_region(role, region)
    existing = user_by_username(username)
    if existing and not update:
        raise DomainError(f"用户 {username} 已存在（如需修改角色或地区，请加 --update）。")
    generated = None
    if password is None and existing is None:
        generated = password = secrets.token_urlsafe(12)
    user = existing or User(username=username)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError("密码不符合要求：" + "；".join(exc.messages)) from exc
        user.set_password(password)
    user.role = role
    user.region = region
    for name, value in profile.items():
        setattr(user, name, value)
    with transaction.atomic():
        user.save()
    return user, generated


# --- API tokens (issue 12 point 3) ---------------------------------------------------------------------

LOGIN_TOKEN_NAME = "登录换取"
COMMAND_TOKEN_NAME = "命令签发"


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued: the key is shown once (only its hash is stored)."""

    token: ApiToken
    key: str


def _days(days: int | None) -> int:
    if days is None:
        return settings.API_TOKEN_DEFAULT_DAYS
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise DomainError(f"有效期应为 1 至 {settings.API_TOKEN_MAX_DAYS} 天。")
    return days


def check_token_region(user: User, region: Model | None) -> None:
    """A token's region must lie inside its user's scope (narrower or equal); raises DomainError otherwise."""
    if region is None:
        if getattr(user, "token_region_id", None) is not None:
            # Asked through a token narrowed to a region: a new token may not reach further than it.
            raise DomainError("当前令牌限定了地区，新令牌也须指定该地区或其下级地区。")
        return
    if region.level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        raise DomainError("令牌的限定地区应为市（州）或县（市、区）；全省范围请留空。")
    if not scope_of(user).covers_code(region.code):
        raise DomainError(f"{region.name}（{region.code}）不在您的数据范围内，不能作为令牌的限定地区。")


def issue_token(
    actor: User | None,
    user: User,
    *,
    name: str,
    days: int | None = None,
    read_only: bool = False,
    region: Model | None = None,
    request: HttpRequest | None = None,
) -> IssuedToken:
    """Issue a named token for user (the actor themself, or anyone's when actor is None: an operator's
    command). Audited: the auditlog entry of the new row (without the hash) and a TOKEN_ISSUED event."""
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写令牌名称。")
    if len(name) > 100:
        raise DomainError("令牌名称不能超过 100 个字符。")
    if actor is not None and actor.pk != user.pk:
        raise DomainError("只能为自己签发令牌。")
    if not user.is_active:
        raise DomainError(f"用户 {user.username} 已停用，不能签发令牌。")
    expires_at = timezone.now() + timedelta(days=_days(days))
    check_token_region(user, region)
    key = secrets.token_hex(20)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            key_hash=hash_token_key(key),
            prefix=key[:8],
            expires_at=expires_at,
            read_only=read_only,
            region=region,
        )
        record_security_event(
            SecurityEventKind.TOKEN_ISSUED,
            request=request,
            user=user,
            token_id=token.pk,
            name=token.name,
            prefix=token.prefix,
            expires_at=token.expires_at.isoformat(),
            read_only=read_only,
            region=region.code if region is not None else None,
            by=actor.username if actor is not None else "command",
        )
    return IssuedToken(token=token, key=key)


def tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    """The tokens a user manages: their own, or every user's for the security administrator."""
    tokens = ApiToken.objects.select_related("user", "region")
    if user.is_active and (user.is_superuser or may_manage_all_tokens(user.role)):
        return tokens
    return tokens.filter(user=user)


def revoke_token(actor: User | None, token_id: int, *, request: HttpRequest | None = None) -> ApiToken:
    """Revoke a token (its owner, the security administrator, or an operator with actor None). A token the
    actor may not manage answers like one that does not exist."""
    with transaction.atomic():
        tokens = ApiToken.objects.select_for_update()
        if actor is not None:
            tokens = tokens.filter(pk__in=tokens_visible_to(actor).values("pk"))
        token = tokens.filter(pk=token_id).first()
        if token is None:
            raise DomainError("令牌不存在。")
        if token.revoked_at is not None:
            raise DomainError("令牌已吊销。")
        token.revoked_at = timezone.now()
        token.revoked_by = actor.username if actor is not None else "command"
        token.save(update_fields=["revoked_at", "revoked_by"])
        record_security_event(
            SecurityEventKind.TOKEN_REVOKED,
            request=request,
            user=token.user,
            token_id=token.pk,
            name=token.name,
            prefix=token.prefix,
            by=token.revoked_by,
        )
    return token


def issue_api_token(
    username: str,
    *,
    name: str = COMMAND_TOKEN_NAME,
    days: int | None = None,
    read_only: bool = False,
    region_code: str | None = None,
    rotate: bool = False,
) -> IssuedToken:
    """An operator issuing a token for an active user; rotate first revokes the user's active tokens."""
    user = user_by_username(username)
    if user is None:
        raise DomainError(f"用户 {username} 不存在。")
    if not user.is_active:
        raise DomainError(f"用户 {username} 已停用，不能签发令牌。")
    region = _region(region_code)
    with transaction.atomic():
        if rotate:
            for token_id in ApiToken.objects.active().filter(user=user).values_list("pk", flat=True):
                revoke_token(None, token_id)
        return issue_token(None, user, name=name, days=days, read_only=read_only, region=region)


# --- the security administrator's acts on accounts (三员, issue 12 point 2) -------------------------------


def record_role_change(
    actor: User | None, user: User, *, before: dict, request: HttpRequest | None = None
) -> None:
    """Record a change of role or region (the admin's user form saves the row itself)."""
    after = {"role": user.role, "region": user.region_id}
    if before != after:
        record_security_event(
            SecurityEventKind.ROLE_CHANGED,
            request=request,
            user=user,
            before=before,
            after=after,
            by=actor.username if actor is not None else "command",
        )


def unlock_account(actor: User | None, username: str, *, request: HttpRequest | None = None) -> int:
    """End an account's lockout (django-axes' failed attempts of that username); recorded UNLOCKED."""
    from axes.models import AccessAttempt

    with transaction.atomic():
        removed, _ = AccessAttempt.objects.filter(username=username).delete()
        record_security_event(
            SecurityEventKind.UNLOCKED,
            request=request,
            username=username,
            user=user_by_username(username),
            by=actor.username if actor is not None else "command",
            attempts=removed,
        )
    return removed


def reset_second_factor(actor: User | None, user: User, *, request: HttpRequest | None = None) -> int:
    """Delete the user's second-factor devices and end the user's sessions, so that they enrol again;
    recorded OTP_RESET (accounts.second_factor.reset_second_factor, which the command calls too)."""
    from .second_factor import reset_second_factor as reset

    return reset(actor, user, request=request)
