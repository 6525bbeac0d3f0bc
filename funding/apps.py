from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "资金保障"

    def ready(self):
        from core.audit import register_audited

        from .models import Allocation, DebtQuota

        register_audited(DebtQuota)
        register_audited(Allocation)
