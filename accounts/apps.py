from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from core.audit import register_audited

        from . import signals  # noqa: F401  (connects the login receivers)
        from .models import ApiToken, User

        register_audited(User, exclude_fields=["password", "last_login"])
        # The key's hash stays out of the audit trail; last use changes too often to be a change of record.
        register_audited(ApiToken, exclude_fields=["key_hash", "last_used_at"])
