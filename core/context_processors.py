from core.permission_map import may_manage_all_tokens, may_use_admin_site
from core.roles import Role
from core.scoping import can_read_audit_log, can_read_security_events, scope_of


def navigation(request):
    """What the base layout needs to draw role-aware navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    return {
        "nav_scope": scope,
        "nav_is_province_admin": user.role == Role.PROVINCE_ADMIN,
        "nav_can_read_audit": can_read_audit_log(user),
        "nav_can_read_security_events": can_read_security_events(user),
        "nav_manages_all_tokens": may_manage_all_tokens(user.role),
        "nav_uses_admin_site": may_use_admin_site(user.role, superuser=user.is_superuser),
    }
