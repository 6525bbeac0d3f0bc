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
