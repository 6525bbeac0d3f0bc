from django.apps import AppConfig


class TownsConfig(AppConfig):
    name = "towns"
    verbose_name = "示范镇"

    def ready(self):
        from core.audit import register_audited

        from .models import Designation, Region, Town

        register_audited(Region)
        register_audited(Town)
        register_audited(Designation)
