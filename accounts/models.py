from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from core.roles import ROLE_REGION_LEVEL, Role

__all__ = ["ROLE_REGION_LEVEL", "PortalUserManager", "Role", "User"]


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
        # Django admin is open to province_admin only; the flags follow the role.
        self.is_staff = self.role == Role.PROVINCE_ADMIN
        self.is_superuser = self.role == Role.PROVINCE_ADMIN
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # Refused before Django's deletion opens its transaction (the pre_delete guard of core.security_signals
        # stays for every other path): deleting would rewrite the audit records that name the account.
        from core.errors import DomainError
        from core.security_signals import USER_DELETION_REFUSED

        raise DomainError(USER_DELETION_REFUSED)

    def __str__(self):
        return self.get_full_name() or self.username
