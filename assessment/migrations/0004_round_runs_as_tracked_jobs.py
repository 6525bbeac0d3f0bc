"""The round's run becomes a tracked job (core.jobs, kind assessment.run): the round points at its current
job (the job_* columns it carried go in the next migration). Each round that had run is given a job holding
what those columns said (state, progress, message or failure reason, when it was queued, started and
finished, its lease), started by whoever ran it, so that its page, the API and 我的任务 show the same run as
before. Reversible: going back copies the current job of each round into the columns again (the jobs stay,
as history, and the next forward migration takes each round's up again)."""

import django.db.models.deletion
from django.db import migrations, models

KIND = "assessment.run"
STATES = {"queued", "running", "done", "failed"}


def _check_now(schema_editor):
    """Check the deferred foreign keys now: PostgreSQL alters no table with trigger events pending."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def to_jobs(apps, schema_editor):
    AssessmentRound = apps.get_model("assessment", "AssessmentRound")
    Job = apps.get_model("core", "Job")
    for assessment_round in AssessmentRound.objects.exclude(job_state="idle").order_by("year"):
        state = assessment_round.job_state if assessment_round.job_state in STATES else "failed"
        failed = state == "failed"
        queued_at = assessment_round.job_started_at or assessment_round.updated_at
        # Migrated back and forth: the round's latest job (the one the columns were copied from) is reused.
        job = (
            Job.objects.filter(kind=KIND, parameters__round_id=assessment_round.pk)
            .order_by("-created_at", "-pk")
            .first()
        ) or Job.objects.create(kind=KIND, title="")
        Job.objects.filter(pk=job.pk).update(
            title=f"{assessment_round.year}年度示范镇评价计算",
            parameters={"round_id": assessment_round.pk, "year": assessment_round.year},
            started_by_id=assessment_round.run_by_id,
            scope_code="",
            state=state,
            progress=min(100, assessment_round.job_progress),
            message="失败" if failed else assessment_round.job_message[:300],
            error=assessment_round.job_message[:500] if failed else "",
            lease_token=assessment_round.job_token,
            heartbeat_at=assessment_round.job_heartbeat_at,
            created_at=queued_at,
            started_at=None if state == "queued" else queued_at,
            finished_at=assessment_round.job_finished_at,
        )
        AssessmentRound.objects.filter(pk=assessment_round.pk).update(job=job)
    _check_now(schema_editor)


def to_columns(apps, schema_editor):
    AssessmentRound = apps.get_model("assessment", "AssessmentRound")
    for assessment_round in AssessmentRound.objects.filter(job__isnull=False).select_related("job"):
        job = assessment_round.job
        state = job.state if job.state in STATES else "failed"
        AssessmentRound.objects.filter(pk=assessment_round.pk).update(
            job_state=state,
            job_progress=job.progress,
            job_message=(job.error or job.message) if state == "failed" else job.message,
            job_started_at=job.created_at,
            job_finished_at=job.finished_at,
            job_token=job.lease_token,
            job_heartbeat_at=job.heartbeat_at,
        )
    _check_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0003_talk_due_date"),
        ("core", "0004_tracked_jobs"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessmentround",
            name="job",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="core.job",
                verbose_name="计算任务",
            ),
        ),
        migrations.RunPython(to_jobs, to_columns),
    ]
