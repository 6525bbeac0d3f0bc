"""The new-debt quotas and the allocations sort by their columns, their exports in the same order (issue 10,
point 8)."""

import pytest

from funding.services import allocate, set_quota
from towns.models import Region

from ..conftest import NONGAN
from ..sorting import assert_sorts, row_keys
from .page_helpers import open_export, sheet_rows

pytestmark = pytest.mark.usefixtures("jilin")


def test_the_quotas_sort_by_their_columns_and_the_export_follows(client, province_admin, county_quota):
    nongan = Region.objects.get(code=NONGAN)
    set_quota(province_admin, region=nongan, year=2026, general_amount="3000.00", special_amount="0")
    set_quota(
        province_admin,
        region=county_quota.region,
        year=2025,
        general_amount="500.00",
        special_amount="200.00",
    )
    client.force_login(province_admin)

    def keys(response):
        """(region, year) of each row."""
        regions = row_keys(response, "quota-table", "data-region")
        years = [int(year) for year in row_keys(response, "quota-table", "data-year")]
        return list(zip(regions, years, strict=True))

    shuangyang = county_quota.region_id
    assert keys(client.get("/funding/quotas/")) == [(shuangyang, 2026), (NONGAN, 2026), (shuangyang, 2025)]
    by_general = [(shuangyang, 2025), (shuangyang, 2026), (NONGAN, 2026)]
    assert_sorts(client, "/funding/quotas/", keys, "general_amount", by_general)
    assert_sorts(
        client,
        "/funding/quotas/",
        keys,
        "special_remaining",
        [(NONGAN, 2026), (shuangyang, 2025), (shuangyang, 2026)],
    )
    params = {"sort": "-general_amount"}
    exported = sheet_rows(open_export(client.get("/funding/quotas/export.xlsx", params)))
    assert [(row[1], row[0]) for row in exported] == keys(client.get("/funding/quotas/", params))


def test_the_allocations_sort_by_their_columns_and_the_export_follows(
    client, province_admin, make_project, county_quota
):
    first = make_project(name="甲 污水管网", investment="1200.00")
    second = make_project(name="乙 文化广场", investment="900.00", task_area="T08")
    amounts = {}
    for project, source, amount in (
        (first, "county_budget", "300.00"),
        (second, "social_capital", "150.00"),
        (first, "provincial_general_bond", "450.00"),
    ):
        allocation = allocate(province_admin, project=project, source=source, amount=amount, year=2026)
        amounts[allocation.pk] = amount
    client.force_login(province_admin)

    def allocations(response):
        return [int(pk) for pk in row_keys(response, "allocation-table", "data-id")]

    by_amount = sorted(amounts, key=lambda pk: float(amounts[pk]))
    assert_sorts(client, "/funding/allocations/", allocations, "amount", by_amount)
    general, county, social = by_amount[2], by_amount[1], by_amount[0]
    assert_sorts(client, "/funding/allocations/", allocations, "source", [general, county, social])
    params = {"sort": "-amount"}
    page_order = allocations(client.get("/funding/allocations/", params))
    exported = sheet_rows(open_export(client.get("/funding/allocations/export.xlsx", params)))
    assert [f"{row[9]:.2f}" for row in exported] == [amounts[pk] for pk in page_order]
