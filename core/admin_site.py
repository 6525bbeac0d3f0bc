from core.roles import Role


def restrict_admin_to_province_admins(site):
    """Django admin is open to province_admin only, whatever flags a user row carries."""
    site.site_header = "吉林省示范镇建设工作平台 · 管理后台"
    site.site_title = "示范镇平台管理后台"
    site.index_title = "数据管理"

    def has_permission(request):
        user = request.user
        return user.is_active and user.is_authenticated and user.role == Role.PROVINCE_ADMIN

    site.has_permission = has_permission
