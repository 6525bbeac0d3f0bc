from celery import shared_task


@shared_task(name="core.ping")
def ping():
    """Health check: proves a worker takes tasks from the broker (used by ops and the service tests)."""
    return "pong"


@shared_task(name="core.deliver_outbox")
def deliver_outbox(message_ids=None):
    """Send queued notification copies (e-mail…); the beat sweep calls it without ids to retry what failed."""
    from .notifications import deliver

    return deliver(message_ids)


@shared_task(name="core.run_job")
def run_job(job_id):
    """Run one tracked job (core.jobs): started by core.jobs.start_job after its transaction commits."""
    from .jobs import execute_job

    return {"job": job_id, "state": execute_job(job_id)}


@shared_task(name="core.fail_stale_jobs")
def fail_stale_jobs():
    """For Celery beat: a job whose worker died (its lease expired) is recorded failed, with the reason."""
    from .jobs import fail_stale_jobs as fail

    return {"failed": fail()}


@shared_task(name="core.purge_job_results")
def purge_job_results():
    """For Celery beat, nightly: result files older than JOB_RESULT_RETENTION_DAYS are deleted."""
    from .jobs import purge_expired_results

    return {"purged": purge_expired_results()}


@shared_task(name="core.purge_imports")
def purge_imports():
    """Delete staged import files and preview rows past settings.IMPORT_RETENTION_DAYS (beat, daily)."""
    from .import_batches import purge_expired_imports

    return {"purged": purge_expired_imports()}
