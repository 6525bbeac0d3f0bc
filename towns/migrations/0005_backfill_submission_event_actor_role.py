"""Existing workflow events get their actor's role. The role at the time was never recorded, so the
actor's current role is the best known value; events whose actor was deleted stay unknown (blank)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill_actor_role(apps, schema_editor):
    SubmissionEvent = apps.get_model("towns", "SubmissionEvent")
    User = apps.get_model("accounts", "User")
    current_role = User.objects.filter(pk=OuterRef("actor_id")).values("role")[:1]
    SubmissionEvent.objects.filter(actor__isnull=False, actor_role="").update(
        actor_role=Subquery(current_role)
    )


def forget_actor_role(apps, schema_editor):
    SubmissionEvent = apps.get_model("towns", "SubmissionEvent")
    SubmissionEvent.objects.update(actor_role="")


class Migration(migrations.Migration):
    dependencies = [
        ("towns", "0004_submission_event_actor_role"),
        ("accounts", "0001_users_with_role_and_region"),
    ]

    operations = [migrations.RunPython(backfill_actor_role, forget_actor_role)]
