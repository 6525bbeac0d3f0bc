"""Operator actions on users: creation with a role and a region, API tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from rest_framework.authtoken.models import Token

from core.errors import DomainError
from core.roles import RegionLevel

from .models import ROLE_REGION_LEVEL, Role, User
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


def api_token(user: User, *, rotate: bool = False) -> str:
    """The user's API token, created the first time it is asked for; rotate replaces an existing one."""
    with transaction.atomic():
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
    return token.key


def issue_api_token(username: str, *, rotate: bool = False) -> str:
    """An operator issuing (or with rotate, replacing) an active user's API token."""
    user = user_by_username(username)
    if user is None:
        raise DomainError(f"用户 {username} 不存在。")
    if not user.is_active:
        raise DomainError(f"用户 {username} 已停用，不能签发令牌。")
    return api_token(user, rotate=rotate)
