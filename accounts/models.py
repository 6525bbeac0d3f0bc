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


class PasswordHistory(models.Model):
    """A hash of each password a user has had (等保 身份鉴别: not one of the last 5), and when it was set; the
    newest row dates the current password for the maximum age (accounts.passwords)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField("密码哈希", max_length=128)
    created = models.DateTimeField("设置时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.user_id} {self.created:%Y-%m-%d %H:%M}"


class LoginRecord(models.Model):
    """One password login, successful or not: what the page shows after login ("上次登录 … 此后失败尝试 N 次").

    Kept here rather than read from the security log or django-axes: axes forgets a username's failures on
    success and after the cool-off, and the security log is another floor's record of everything."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="login_records"
    )
    username = models.CharField("用户名", max_length=150, db_index=True)
    succeeded = models.BooleanField("成功")
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    remote_addr = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.username} {'成功' if self.succeeded else '失败'} {self.at:%Y-%m-%d %H:%M}"


class SessionEnd(models.TextChoices):
    LOGGED_OUT = "logged_out", "退出登录"
    REPLACED = "replaced", "在其他地方登录"
    IDLE = "idle", "空闲超时"
    LIFETIME = "lifetime", "超过最长会话时间"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    SECOND_FACTOR_RESET = "second_factor_reset", "重置双因素认证"


class UserSession(models.Model):
    """A user's login session, so that logout, a password change and a new login can end every other one
    (the session store cannot be searched by user), and so that a browser whose session was ended by a login
    elsewhere can be told so (ended, reason)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created = models.DateTimeField("登录时间", auto_now_add=True)
    last_seen = models.DateTimeField("最近活动", auto_now_add=True)
    remote_addr = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    ended = models.DateTimeField("结束时间", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=32, choices=SessionEnd.choices, blank=True)
    # Set once the browser of a replaced session has been told why, so that it is told once.
    notified = models.BooleanField(default=False)

    class Meta:
        verbose_name = "登录会话"
        verbose_name_plural = "登录会话"
        indexes = [models.Index(fields=["user", "ended"])]

    def __str__(self):
        return f"{self.user_id} {self.created:%Y-%m-%d %H:%M}"
