"""Issue 8: a correction in the admin keeps R5/R6 like the services (investment ≥ allocated, no bond-type
change under bond allocations, no quota below its bond allocations) and moves the version on."""

from decimal import Decimal

import pytest

from funding.services import allocate

pytestmark = pytest.mark.usefixtures("jilin")

INLINE = {
    "reports-TOTAL_FORMS": "0",
    "reports-INITIAL_FORMS": "0",
    "reports-MIN_NUM_FORMS": "0",
    "reports-MAX_NUM_FORMS": "1000",
}


def admin_data(project, **changes):
    data = {
        "town": project.town_id,
        "task_area": project.task_area_id,
        "name": project.name,
        "public_welfare": "on" if project.public_welfare else "",
        "special_bond_field": "on" if project.special_bond_field else "",
        "investment": str(project.investment),
        "annual_revenue": str(project.annual_revenue),
        "annual_debt_service": str(project.annual_debt_service),
        "start_year": project.start_year,
        "end_year": project.end_year,
        **INLINE,
        **changes,
    }
    return {name: value for name, value in data.items() if value != ""}


def test_an_admin_correction_is_held_to_the_rules_and_moves_the_version(
    client, province_admin, make_project, county_quota
):
    project = make_project()
    allocate(province_admin, project=project, source="provincial_general_bond", amount="600.00", year=2026)
    client.force_login(province_admin)
    url = f"/admin/projects/project/{project.pk}/change/"
    lowered = client.post(url, admin_data(project, investment="599.99"))
    assert lowered.status_code == 200
    assert "总投资不能低于已安排给该项目的资金 600.00 万元" in lowered.content.decode()
    retyped = client.post(url, admin_data(project, public_welfare=""))
    assert "该修改会使推荐债券类型由“一般债券”变为“不适用债券”" in retyped.content.decode()
    project.refresh_from_db()
    assert (project.investment, project.public_welfare, project.version) == (Decimal("1200.00"), True, 1)
    saved = client.post(url, admin_data(project, name="更正后的名称", investment="600.00"))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    project.refresh_from_db()
    assert (project.name, project.investment, project.version) == ("更正后的名称", Decimal("600.00"), 2)


def test_an_admin_quota_correction_stays_above_its_bond_allocations(
    client, province_admin, make_project, county_quota
):
    allocate(
        province_admin, project=make_project(), source="provincial_general_bond", amount="600.00", year=2026
    )
    client.force_login(province_admin)
    url = f"/admin/funding/debtquota/{county_quota.pk}/change/"
    data = {
        "region": county_quota.region_id,
        "year": 2026,
        "general_amount": "599.99",
        "special_amount": "800",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "已安排一般债券 600.00 万元，限额不能低于该数。" in refused.content.decode()
    assert client.post(url, {**data, "general_amount": "600.00"}).status_code == 302
    county_quota.refresh_from_db()
    assert (county_quota.general_amount, county_quota.version) == (Decimal("600.00"), 2)
