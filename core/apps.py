from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # They register core's own jobs (the export and import jobs) and core's lists' exports.
        from . import (  # noqa: F401
            audit,
            audit_chain,
            export_job,
            import_batches,
            imports,
            jobs,
            list_exports,
            security_signals,
        )

        # Every audit record is sealed into the chain (ADR 13); bulk operations write one entry each.
        audit_chain.connect_signals()
        audit.install_change_set_collection()
        security_signals.connect()

        # Every app's jobs.py registers the handlers of its kinds of tracked job, every app's imports.py its
        # importers, and every app's exports.py its lists' exports (core.exports.register_export): core finds
        # them by name and never imports a domain app.
        jobs.autodiscover()
        imports.autodiscover()
        autodiscover_modules("exports")
