"""The browsable API renders every projects and funding endpoint (lists, details, the proposal)."""

import pytest

from funding.services import allocate

pytestmark = pytest.mark.django_db


def test_browsable_api_renders(
    client, province_admin, county_official, city_official, make_project, county_quota
):
    project = make_project()
    allocation = allocate(
        province_admin, project=project, source="provincial_general_bond", amount="100.00", year=2026
    )
    pages = [
        (county_official, "/api/v1/task-areas/"),
        (county_official, "/api/v1/task-areas/T05/"),
        (county_official, "/api/v1/projects/"),
        (county_official, f"/api/v1/projects/{project.pk}/"),
        (county_official, "/api/v1/progress-reports/"),
        (province_admin, "/api/v1/debt-quotas/"),
        (province_admin, f"/api/v1/debt-quotas/{county_quota.pk}/"),
        (city_official, "/api/v1/allocations/"),
        (city_official, f"/api/v1/allocations/{allocation.pk}/"),
        (city_official, "/api/v1/allocation-proposals/?county=220112&year=2026"),
    ]
    for user, url in pages:
        client.force_login(user)
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
    root = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    for name in (
        "task-areas",
        "projects",
        "progress-reports",
        "debt-quotas",
        "allocations",
        "allocation-proposals",
    ):
        assert root[name].endswith(f"/api/v1/{name}/"), name
