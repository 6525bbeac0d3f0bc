"""The Django admin under 三员 separation (issue 12 point 2, ADR 12): who enters, and what each role may do with
each model, decided by core.permission_map and nothing else (no Django groups or per-user permissions).

- The site is open to province_admin, the three administrators and the operator's break-glass superuser.
- RoleMapPermissionBackend answers `user.has_perm("app.change_model")` from the map, so every ModelAdmin,
  third-party ones included (auditlog, axes, django-otp), follows it without being rewritten; a ModelAdmin's
  own stricter rule (a read-only admin) still holds.
- RoleMapAdmin, mixed into every registered ModelAdmin by `configure_admin_site`, adds what no permission may
  grant: no delete of a published notice, a designation's history or an audit record — not even by a
  superuser (whose has_perm is always True) — and with it no "delete selected" action.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from .permission_map import Action, admin_may, admin_module_visible, may_use_admin_site


def _role(user) -> str:
    return getattr(user, "role", "") or ""


def _may(user, model_label: str, action: str) -> bool:
    if not (user and user.is_active and user.is_authenticated):
        return False
    return admin_may(_role(user), model_label, action, superuser=user.is_superuser)


class RoleMapPermissionBackend(BaseBackend):
    """Model permissions ("app_label.<action>_<model>") from core.permission_map; authenticates nobody."""

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active or "." not in perm:
            return False
        app_label, codename = perm.split(".", 1)
        action, _, model = codename.partition("_")
        if action not in Action.__members__.values() or not model:
            return False
        return _may(user_obj, f"{app_label}.{model}", action)

    def has_module_perms(self, user_obj, app_label):
        from django.apps import apps

        if not user_obj.is_active:
            return False
        try:
            models = [model._meta.label_lower for model in apps.get_app_config(app_label).get_models()]
        except LookupError:
            return False
        return admin_module_visible(_role(user_obj), models, superuser=user_obj.is_superuser)


class RoleMapAdmin:
    """Mixed in front of a ModelAdmin: the map decides, then the ModelAdmin's own rules."""

    def _map_allows(self, request, action: str) -> bool:
        return _may(request.user, self.model._meta.label_lower, action)

    def has_module_permission(self, request):
        return self._map_allows(request, Action.VIEW) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._map_allows(request, Action.VIEW) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        return self._map_allows(request, Action.ADD) and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return self._map_allows(request, Action.CHANGE) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._map_allows(request, Action.DELETE) and super().has_delete_permission(request, obj)


def with_role_map(model_admin) -> None:
    """Put RoleMapAdmin in front of a registered ModelAdmin (once)."""
    cls = type(model_admin)
    if issubclass(cls, RoleMapAdmin):
        return
    model_admin.__class__ = type(cls.__name__, (RoleMapAdmin, cls), {"__module__": cls.__module__})


def configure_admin_site(site):
    """Name the site, open it to the roles that use it, and put every registered ModelAdmin under the map.
    Called by config/urls.py, after every app's admin module has registered its models."""
    site.site_header = "吉林省示范镇建设工作平台 · 管理后台"
    site.site_title = "示范镇平台管理后台"
    site.index_title = "数据管理"

    def has_permission(request):
        user = request.user
        return (
            user.is_active
            and user.is_authenticated
            and may_use_admin_site(_role(user), superuser=user.is_superuser)
        )

    site.has_permission = has_permission
    for model_admin in site._registry.values():
        with_role_map(model_admin)


# The name config/urls.py used before 三员.
restrict_admin_to_province_admins = configure_admin_site
