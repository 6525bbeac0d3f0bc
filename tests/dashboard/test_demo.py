"""`make run`'s demo (load_demo) fills every chart of every demo user's dashboard."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from core.roles import ADMINISTRATOR_ROLES
from dashboard.rules import MEASURES
from dashboard.selectors import dashboard_for, region_in_scope
from towns.demo import DEMO_USERS

pytestmark = pytest.mark.usefixtures("jilin")


def test_the_demo_leaves_no_chart_empty(jilin):
    call_command("load_demo", stdout=StringIO())
    admin = User.objects.get(username="demo_admin")
    # The three administrators (三员) see no business data, hence no dashboard of it.
    dashboards = [
        dashboard_for(User.objects.get(username=username))
        for username, role, *_ in DEMO_USERS
        if role not in ADMINISTRATOR_ROLES
    ]
    dashboards += [dashboard_for(admin, region=region_in_scope(admin, code)) for code in ("2201", "220122")]
    for dashboard in dashboards:
        assert dashboard.charts
        assert [chart.key for chart in dashboard.charts if chart.empty] == [], dashboard.title
    for measure in MEASURES:
        values = dashboard_for(admin, measure=measure.key).chart("map").series[0].values
        assert any(values) or measure.key == "gap", measure.key  # the demo meets every R1 minimum
    sources = dashboard_for(admin).chart("sources").series[0].values
    assert all(sources), "every funding source has an allocation in the demo"
