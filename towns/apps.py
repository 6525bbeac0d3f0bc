from django.apps import AppConfig


class TownsConfig(AppConfig):
    name = "towns"
    verbose_name = "示范镇"

    def ready(self):
        from core.audit import register_audited

        from .models import Designation, Region, SelectionRound, Submission, SubmissionDocument, Town

        register_audited(Region)
        register_audited(Town)
        register_audited(Designation)
        register_audited(SelectionRound)
        register_audited(Submission)
        register_audited(SubmissionDocument, exclude_fields=["file"])
