from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共"

    def ready(self):
        from . import jobs

        # Every app's jobs.py registers the handlers of its kinds of tracked job (core imports none of them).
        jobs.autodiscover()
