from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "年度评价"

    def ready(self):
        from core.audit import register_audited

        from .models import (
            AssessmentRound,
            Elimination,
            Indicator,
            IndicatorSystem,
            Notice,
            Score,
            TalkFollowUp,
            Veto,
        )

        # Results are recomputed in bulk by the job and audited as a whole through the round's entries.
        for model in (IndicatorSystem, Indicator, Score, Veto, Notice, Elimination, TalkFollowUp):
            register_audited(model)
        register_audited(
            AssessmentRound, exclude_fields=["job_progress", "job_message", "job_state", "updated_at"]
        )
