from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # They register core's own jobs (the export and import jobs) and core's lists' exports.
        from . import export_job, import_batches, imports, jobs, list_exports  # noqa: F401

        # Every app's jobs.py registers the handlers of its kinds of tracked job, every app's imports.py its
        # importers, and every app's exports.py its lists' exports (core.exports.register_export): core finds
        # them by name and never imports a domain app.
        jobs.autodiscover()
        imports.autodiscover()
        autodiscover_modules("exports")
