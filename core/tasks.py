from celery import shared_task


@shared_task(name="core.ping")
def ping():
    """Health check: proves a worker takes tasks from the broker (used by ops and the service tests)."""
    return "pong"
