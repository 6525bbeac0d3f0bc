"""The round's job_* columns go: its run is its tracked job now (0004 copied them into it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessment", "0004_round_runs_as_tracked_jobs")]

    operations = [
        migrations.RemoveField(model_name="assessmentround", name="job_state"),
        migrations.RemoveField(model_name="assessmentround", name="job_progress"),
        migrations.RemoveField(model_name="assessmentround", name="job_message"),
        migrations.RemoveField(model_name="assessmentround", name="job_started_at"),
        migrations.RemoveField(model_name="assessmentround", name="job_finished_at"),
        migrations.RemoveField(model_name="assessmentround", name="job_token"),
        migrations.RemoveField(model_name="assessmentround", name="job_heartbeat_at"),
    ]
