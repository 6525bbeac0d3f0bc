from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "selection"
    verbose_name = "候选镇评选"

    def ready(self):
        from core.audit import register_audited

        from .models import SelectionRound, Submission, SubmissionDocument

        register_audited(SelectionRound)
        register_audited(Submission)
        register_audited(SubmissionDocument, exclude_fields=["file"])
