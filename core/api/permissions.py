from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.scoping import can_write


class ScopedReadOnly(BasePermission):
    """Authenticated users read (their scope is applied by the queryset); only writing roles write.

    Views that accept writes add their own object checks through the scoping policy.
    """

    message = "您没有执行该操作的权限。"

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return can_write(user)


class RoleWrites(ScopedReadOnly):
    """Every authenticated user reads within their scope; only the `writers` roles write. Whether the object
    lies in the writer's region is the service's to check (it answers 400, or 404 outside the scope)."""

    writers = frozenset()

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or request.user.role in self.writers
