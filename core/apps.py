from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共"

    def ready(self):
        from . import import_batches, imports, jobs  # noqa: F401 — import_batches registers the import job

        # Every app's jobs.py registers the handlers of its kinds of tracked job, and every app's imports.py
        # its importers (core imports none of them).
        jobs.autodiscover()
        imports.autodiscover()
