from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", "省级管理员"
    PROVINCE_VIEWER = "province_viewer", "省直部门（只读）"
    CITY_OFFICIAL = "city_official", "市（州）工作人员"
    COUNTY_OFFICIAL = "county_official", "县（市、区）工作人员"
    PARTNER = "partner", "合作机构（API）"
    AUDITOR = "auditor", "内部审计"


# Which level of region each role is scoped to; None means province-wide (no region allowed).
ROLE_REGION_LEVEL = {
    Role.PROVINCE_ADMIN: None,
    Role.PROVINCE_VIEWER: None,
    Role.AUDITOR: None,
    Role.CITY_OFFICIAL: "city",
    Role.COUNTY_OFFICIAL: "county",
    Role.PARTNER: "any",  # province-wide, or limited to the city or county granted
}


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

    @property
    def is_province_admin(self):
        return self.role == Role.PROVINCE_ADMIN

    def __str__(self):
        return self.get_full_name() or self.username
