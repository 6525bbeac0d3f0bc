"""The two-region dataset of the route matrix and the schemathesis run, built once per module."""

import pytest
from django.db import transaction
from django.test import override_settings

from .matrix_data import build


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """The dataset of tests/security/matrix_data.py, written once for the module inside a transaction that is
    rolled back after it; each test runs in a savepoint of it (pytest-django's per-test transaction)."""
    media = tmp_path_factory.mktemp("matrix_media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        data = build()
        data.media = media
        yield data
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def matrix_media(private_media, settings, request):
    """The dataset's documents stay readable: MEDIA_ROOT is the module's, not a fresh one per test."""
    if "matrix" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("matrix").media
