"""load_demo leaves the planner fresh statistics of every table it filled (issue 13, point 7)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from tests.core.test_bulk import last_analyzed, now

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's")


def test_load_demo_analyses_the_tables_it_filled(jilin, django_capture_on_commit_callbacks):
    from auditlog.models import LogEntry

    from assessment.models import Result, Score
    from funding.models import Allocation
    from projects.models import ProgressReport, Project
    from selection.models import Submission
    from towns.models import Designation

    filled = (Designation, Submission, Project, ProgressReport, Allocation, Score, Result, LogEntry)
    before = now()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO())
    analysed = last_analyzed(*filled)
    assert set(analysed) == {model._meta.db_table for model in filled}
    assert all(when is not None and when >= before for when in analysed.values()), analysed
