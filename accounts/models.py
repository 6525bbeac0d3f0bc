import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from core.permission_map import may_use_admin_site
from core.roles import ROLE_REGION_LEVEL, Role

__all__ = ["ROLE_REGION_LEVEL", "ApiToken", "PortalUserManager", "Role", "User"]


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.PROVINCE_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.PROVINCE_VIEWER)
    region = models.ForeignKey(
        "towns.Region",
        verbose_name="所属地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="市（州）或县（市、区）；省级角色留空。",
    )
    organization = models.CharField("单位", max_length=100, blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def save(self, *args, **kwargs):
        # is_staff means "may use the admin site" (core.permission_map); is_superuser is never set from a role:
        # it is the operator's break-glass account's alone (createsuperuser; README, ADR 12).
        self.is_staff = may_use_admin_site(self.role, superuser=self.is_superuser)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # Refused before Django's deletion opens its transaction (the pre_delete guard of core.security_signals
        # stays for every other path): deleting would rewrite the audit records that name the account.
        from core.errors import DomainError
        from core.security_signals import USER_DELETION_REFUSED

        raise DomainError(USER_DELETION_REFUSED)

    def __str__(self):
        return self.get_full_name() or self.username


def hash_token_key(key: str) -> str:
    """What is stored of a token's key: its SHA-256 (the key itself is shown once, when issued)."""
    return hashlib.sha256(key.encode()).hexdigest()


def default_token_expiry():
    return timezone.now() + timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A named API token (issue 12 point 3): several per user, each with an expiry, a read-only flag and an
    optional region narrower than the user's (core.scoping applies it). Only the key's hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=100)
    key_hash = models.CharField("令牌摘要", max_length=64, unique=True, editable=False)
    prefix = models.CharField("令牌前缀", max_length=8, editable=False, help_text="令牌的前 8 位，用于辨认")
    created_at = models.DateTimeField("签发时间", default=timezone.now, editable=False)
    expires_at = models.DateTimeField("到期时间", default=default_token_expiry)
    read_only = models.BooleanField("只读", default=False, help_text="只读令牌只能读取数据（GET）。")
    region = models.ForeignKey(
        "towns.Region",
        verbose_name="限定地区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="留空则与用户的范围相同；指定时须在用户的范围之内。",
    )
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False)
    revoked_by = models.CharField("吊销人", max_length=150, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def status_label(self) -> str:
        if self.is_revoked:
            return "已吊销"
        if self.is_expired():
            return "已过期"
        return "有效"
