from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from core.audit import register_audited

        from . import signals  # noqa: F401  (connects the login receivers)
        from .models import User

        register_audited(User, exclude_fields=["password", "last_login"])
