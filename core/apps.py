from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import export_job, jobs, list_exports  # noqa: F401 - they register the export job and lists

        # Every app's jobs.py registers the handlers of its kinds of tracked job (core imports none of them).
        jobs.autodiscover()
        # Every app registers its lists' exports in its own exports.py (core.exports.register_export); core
        # finds them by name and never imports a domain app.
        autodiscover_modules("exports")
