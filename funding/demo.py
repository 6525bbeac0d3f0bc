"""Funding's part of the demo: this year's new-debt quotas of the demo projects' counties and of 长春市 (市本级),
R6's proposed allocations accepted for half of those counties and for the city, and a share of every third
project from the other sources (budgets, social capital, bank credit).

Run by `demo` right after `projects.demo.load_demo_projects` created the projects, in the same transaction.
"""

import contextlib
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.audit import audit_context
from core.errors import DomainError
from projects.models import Project
from towns.models import Region

from .choices import FundingSource
from .services import accept_proposal, allocate, set_quota


def load_demo_funding():
    """Quotas and accepted proposals for the demo projects' counties; returns the number of quotas set."""
    today = timezone.localdate()
    county_user = User.objects.get(username="demo_county")
    admin = User.objects.get(username="demo_admin")
    counties = sorted(set(Project.objects.values_list("town__county_id", flat=True)))
    with audit_context(via="command"), transaction.atomic():
        for number, code in enumerate(counties):
            set_quota(
                admin,
                region=Region.objects.get(code=code),
                year=today.year,
                general_amount=f"{1500 + 100 * (number % 5)}.00",
                special_amount="800.00",
            )
        for code in counties[: len(counties) // 2]:
            try:
                accept_proposal(admin, region=Region.objects.get(code=code), year=today.year)
            except DomainError:
                continue  # no project of that county can take bond money: nothing to propose
        # The demo city's own quota (市本级), drawn by its city-level towns' projects only (R6).
        city = Region.objects.get(code=county_user.region.parent_id)
        set_quota(admin, region=city, year=today.year, general_amount="600.00", special_amount="900.00")
        with contextlib.suppress(DomainError):  # no city-level town's project there can take bond money
            accept_proposal(admin, region=city, year=today.year)
        _other_sources(admin, today.year)
    return len(counties) + 1


# The sources other than bonds, in turn: budgets, social capital and bank credit (R6), so that the demo's
# dashboard shows where the money comes from.
OTHER_SOURCES = [
    FundingSource.COUNTY_BUDGET,
    FundingSource.SOCIAL_CAPITAL,
    FundingSource.POLICY_BANK,
    FundingSource.CITY_BUDGET,
    FundingSource.COMMERCIAL_CREDIT,
    FundingSource.OTHER,
]


def _other_sources(admin, year):
    """A tenth of every third project's investment from one of the other sources, through the service."""
    for index, project in enumerate(Project.objects.order_by("pk")[::3]):
        amount = (project.investment / 10).quantize(Decimal("0.01"))
        with contextlib.suppress(DomainError):  # a project with nothing left to fund is skipped
            allocate(
                admin,
                project=project,
                source=OTHER_SOURCES[index % len(OTHER_SOURCES)],
                amount=amount,
                year=year,
                note="演示",
            )
