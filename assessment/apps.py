from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "年度评价"

    def ready(self):
        from core.audit import register_audited

        from .models import (
            AssessmentRound,
            Elimination,
            Exemption,
            Indicator,
            IndicatorSystem,
            Notice,
            Publication,
            PublicationChange,
            Score,
            TalkFollowUp,
            Veto,
        )

        # Results are recomputed in bulk by the job and audited as a whole through the round's entries.
        audited = (IndicatorSystem, Indicator, Score, Veto, Exemption, Notice, Elimination, TalkFollowUp)
        for model in (*audited, Publication, PublicationChange):
            register_audited(model)
        register_audited(
            AssessmentRound,
            # The run is recorded by its job (core.jobs); the round's pointer to it is not an audited change.
            exclude_fields=["job", "updated_at"],
        )
