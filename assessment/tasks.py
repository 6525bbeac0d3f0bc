from celery import shared_task

from .services import compute_round


@shared_task(name="assessment.run_assessment")
def run_assessment_job(round_id):
    """The yearly assessment job: takes the round's id, runs the one service, reports a summary."""
    summary = compute_round(round_id)
    if summary is None:
        return {"skipped": True}
    return summary.__dict__
