"""The selection models now live in the selection app (selection 0001): towns forgets them.

State only: their tables (towns_selectionround, towns_submission, towns_submissiondocument,
towns_submissionevent) stay as they are and belong to selection from here on.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('towns', '0005_backfill_submission_event_actor_role'),
        ('selection', '0001_move_selection_models_from_towns'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='submission',
                    name='round',
                ),
                migrations.RemoveField(
                    model_name='submission',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='submission',
                    name='designation',
                ),
                migrations.RemoveField(
                    model_name='submission',
                    name='town',
                ),
                migrations.RemoveField(
                    model_name='submissiondocument',
                    name='submission',
                ),
                migrations.RemoveField(
                    model_name='submissionevent',
                    name='submission',
                ),
                migrations.RemoveField(
                    model_name='submissiondocument',
                    name='uploaded_by',
                ),
                migrations.RemoveField(
                    model_name='submissionevent',
                    name='actor',
                ),
                migrations.DeleteModel(
                    name='SelectionRound',
                ),
                migrations.DeleteModel(
                    name='Submission',
                ),
                migrations.DeleteModel(
                    name='SubmissionDocument',
                ),
                migrations.DeleteModel(
                    name='SubmissionEvent',
                ),
            ],
            database_operations=[],
        ),
    ]
