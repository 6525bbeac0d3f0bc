from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "建设项目"

    def ready(self):
        from core.audit import register_audited

        from .models import ProgressReport, Project

        register_audited(Project)
        register_audited(ProgressReport)
