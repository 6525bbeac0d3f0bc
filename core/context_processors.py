from core.roles import Role
from core.scoping import can_read_audit_log, scope_of


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
    }
