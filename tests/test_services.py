"""The real services: PostgreSQL as the database, Redis as the Celery broker with a real worker.

Skipped on a bare machine; under CI (PORTAL_REQUIRE_SERVICES=1) a missing service fails these tests.
"""

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.services


def test_database_is_postgresql_and_enforces_the_partial_unique_index(require_services, jilin):
    from django.db import IntegrityError, transaction

    from towns.models import Designation, Town

    assert connection.vendor == "postgresql"
    town = Town.objects.filter(kind="town").first()
    Designation.objects.create(town=town, tier="county", from_year=2022)
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(town=town, tier="city", from_year=2022)


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_a_task_from_redis(require_services):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from core.tasks import ping

    redis_url = os.environ["REDIS_URL"]
    app.conf.update(
        broker_url=redis_url, result_backend=redis_url, task_always_eager=False, broker_connection_retry=False
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            assert ping.delay().get(timeout=20) == "pong"
    finally:
        app.conf.update(task_always_eager=True, broker_url="memory://", result_backend="cache+memory://")
