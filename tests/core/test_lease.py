"""The lease every tracked job shares (core.lease, pure: no database), the assessment run's included: a
running job is dead once its heartbeat is older than the lease, a queued one once no worker took it within
the queue timeout."""

from datetime import datetime, timedelta

from core.lease import stale_reason

NOW = datetime(2026, 1, 15, 2, 0)


def test_a_running_job_is_dead_once_its_heartbeat_is_older_than_the_lease():
    fresh = NOW - timedelta(seconds=30)
    old = NOW - timedelta(seconds=121)
    assert stale_reason("running", fresh, old, NOW, 120, 1800) is None
    assert "心跳" in stale_reason("running", old, old, NOW, 120, 1800)
    assert stale_reason("queued", None, NOW - timedelta(minutes=10), NOW, 120, 1800) is None
    assert "排队" in stale_reason("queued", None, NOW - timedelta(minutes=31), NOW, 120, 1800)
    assert stale_reason("done", old, old, NOW, 120, 1800) is None
