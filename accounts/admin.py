"""Users, API tokens and lockouts in the admin, under 三员 (core.permission_map, ADR 12): the system administrator
keeps the profile, region and activation of an account; the security administrator its role, its lockout, its
second factor and its tokens; the audit administrator reads. core.admin_site puts every ModelAdmin here under the
map as well."""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied

from core.errors import DomainError
from core.permission_map import (
    UNASSIGNED_ROLE,
    editable_user_fields,
    may_reset_second_factor,
    may_unlock,
)

from .models import ApiToken, User
from .services import (
    check_role_region,
    record_role_change,
    reset_second_factor,
    revoke_token,
    unlock_account,
)

USER_FIELDS = [
    "username",
    "password",
    "first_name",
    "last_name",
    "email",
    "organization",
    "role",
    "region",
    "is_active",
    "last_login",
    "date_joined",
]


def _flags(request):
    user = request.user
    return user.role or "", user.is_superuser


class RoleRegionCheck:
    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role") if "role" in self.fields else self.instance.role
        region = cleaned.get("region") if "region" in self.fields else self.instance.region
        if role == UNASSIGNED_ROLE and "role" not in self.fields:
            return cleaned  # the security administrator gives the role, and the check runs then
        try:
            check_role_region(role, region)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "role", "region", "organization", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name", "organization"]
    list_select_related = ["region"]
    raw_id_fields = ["region"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["first_name", "last_name", "email", "organization"]}),
        ("角色与范围", {"fields": ["role", "region", "is_active"]}),
        ("时间", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2", "role", "region"]}),
    ]
    actions = ["reset_otp", "unlock"]

    def _editable(self, request, obj=None):
        role, superuser = _flags(request)
        editable = editable_user_fields(role, superuser=superuser)
        if obj is not None and obj.pk == request.user.pk and not superuser:
            # Nobody widens their own powers: one's own role and activation are another administrator's.
            editable = editable - {"role", "is_active"}
        return editable

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        editable = self._editable(request, obj)
        return [name for name in USER_FIELDS if name not in editable] + ["last_login", "date_joined"]

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return super().get_fieldsets(request, obj)
        editable = self._editable(request)
        fields = [
            name for name in self.add_fieldsets[0][1]["fields"] if name in editable or "password" in name
        ]
        return [(None, {"classes": ["wide"], "fields": fields})]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (RoleRegionCheck, form), {})

    def save_model(self, request, obj, form, change):
        if not change and "role" not in self._editable(request):
            obj.role = UNASSIGNED_ROLE  # a new account has no role until the security administrator gives one
        before = None
        if change:
            stored = User.objects.filter(pk=obj.pk).values("role", "region_id").first() or {}
            before = {"role": stored.get("role"), "region": stored.get("region_id")}
        super().save_model(request, obj, form, change)
        if before is not None:
            record_role_change(request.user, obj, before=before, request=request)

    def user_change_password(self, request, id, form_url=""):
        if "password" not in self._editable(request):
            raise PermissionDenied("只有系统管理员可以重设用户密码。")
        return super().user_change_password(request, id, form_url)

    def has_reset_otp_permission(self, request):
        role, superuser = _flags(request)
        return may_reset_second_factor(role, superuser=superuser)

    def has_unlock_permission(self, request):
        role, superuser = _flags(request)
        return may_unlock(role, superuser=superuser)

    @admin.action(description="重置双因素认证（用户下次登录时重新绑定）", permissions=["reset_otp"])
    def reset_otp(self, request, queryset):
        devices = sum(reset_second_factor(request.user, user, request=request) for user in queryset)
        self.message_user(request, f"已为 {queryset.count()} 个用户重置双因素认证，删除 {devices} 个设备。")

    @admin.action(description="解除登录锁定", permissions=["unlock"])
    def unlock(self, request, queryset):
        for user in queryset:
            unlock_account(request.user, user.username, request=request)
        self.message_user(request, f"已解除 {queryset.count()} 个用户的登录锁定。")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued on the token page or by create_api_token (the key is shown once there); here they are
    listed and revoked."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "read_only",
        "region",
        "last_used_at",
    ]
    list_filter = ["read_only", "revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user", "region"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "read_only",
        "region",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the record of who held what stays

    @admin.action(description="吊销所选令牌", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_token(request.user, token.pk, request=request)
            revoked += 1
        self.message_user(request, f"已吊销 {revoked} 个令牌。", messages.SUCCESS)


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """django-axes' lockouts: deleting an account's attempts unlocks it; each unlock is a security event."""

    def delete_model(self, request, obj):
        unlock_account(request.user, obj.username, request=request)

    def delete_queryset(self, request, queryset):
        for username in set(queryset.values_list("username", flat=True)):
            unlock_account(request.user, username, request=request)
