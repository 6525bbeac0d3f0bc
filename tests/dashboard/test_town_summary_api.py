"""GET /api/v1/towns/{code}/summary/: the town page's content as JSON, scoped alike."""

import pytest

from accounts.models import Role

pytestmark = pytest.mark.usefixtures("jilin")


def summary(api, town):
    response = api.get(f"/api/v1/towns/{town.code}/summary/")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_summary_holds_every_section_of_the_page(api_as, province_admin, record):
    body = summary(api_as(province_admin), record.town)
    assert list(body) == [
        "town",
        "designations",
        "submissions",
        "projects",
        "totals",
        "funding",
        "results",
        "vetoes",
        "notices",
        "talks",
    ]
    assert body["town"]["code"] == record.town.code and body["town"]["tier"] == "provincial"
    assert [d["doc_no"] for d in body["designations"]] == ["吉示范镇办〔2022〕1号"]

    (submission,) = body["submissions"]
    assert submission["round_name"] == "第一批示范镇评选" and submission["status"] == "selected"
    assert [(e["action"], e["accepted"]) for e in submission["events"]] == [
        ("submit", True),
        ("select", False),
        ("recommend", True),
        ("select", True),
    ]

    projects = {p["id"]: p for p in body["projects"]}
    assert projects[record.reported.pk]["percent_complete"] == "25.00"
    assert projects[record.reported.pk]["last_reported_period"] == "2025-Q1"
    assert body["totals"] == {
        "projects": 2,
        "investment": "2000.00",
        "completed_investment": "300.00",
        "allocated": "400.00",
    }
    assert body["funding"] == [
        {
            "source": "county_budget",
            "source_label": "县级财政资金",
            "amount": "300.00",
            "count": 2,
            "share": "75.0",
        },
        {
            "source": "social_capital",
            "source_label": "社会资本",
            "amount": "100.00",
            "count": 1,
            "share": "25.0",
        },
    ]

    assert [(r["year"], r["status"], r["score"], r["rank"], r["vetoed"]) for r in body["results"]] == [
        (2024, "published", "61.50", 2, False),
        (2025, "proposed", "95.00", 2, True),
    ]
    assert [v["reason"] for v in body["vetoes"]] == ["砍伐古树"]
    notices = [(n["year"], n["kind"], n["status"], n["rank"]) for n in body["notices"]]
    assert notices == [(2025, "criticism", "proposed", 2), (2024, "criticism", "published", 2)]
    assert body["notices"][1]["doc_no"] == record.criticism.doc_no
    assert body["notices"][1]["url"] == "/assessment/2024/notices/criticism/"
    assert [(t["year"], t["status"]) for t in body["talks"]] == [(2024, "pending")]


@pytest.mark.parametrize("role", [Role.COUNTY_OFFICIAL, Role.PARTNER])
def test_regional_and_partner_readers_get_the_published_record(api_as, make_user, record, role):
    user = make_user(role, "220112" if role == Role.COUNTY_OFFICIAL else None)
    body = summary(api_as(user), record.town)
    assert [r["year"] for r in body["results"]] == [2024]
    assert [n["status"] for n in body["notices"]] == ["published"]
    assert [e["accepted"] for e in body["submissions"][0]["events"]] == [True, True, True]
    assert len(body["projects"]) == 2 and body["totals"]["allocated"] == "400.00"


def test_the_page_and_the_summary_agree(client, api_as, county_official, record):
    from .test_town_page import rows

    client.force_login(county_official)
    page = client.get(f"/towns/{record.town.code}/")
    body = summary(api_as(county_official), record.town)
    assert set(rows(page, "town-projects")) == {str(p["id"]) for p in body["projects"]}
    assert list(rows(page, "town-funding", "data-source")) == [line["source"] for line in body["funding"]]
    assert list(rows(page, "town-results", "data-year")) == [
        str(r["year"]) for r in reversed(body["results"])
    ]
    assert [s.pk for s in page.context["summary"].submissions] == [s["id"] for s in body["submissions"]]


def test_the_summary_is_in_the_schema(openapi_schema):
    operation = openapi_schema["paths"]["/api/v1/towns/{code}/summary/"]["get"]
    assert {"200", "404"} <= set(operation["responses"])
    (code,) = [p for p in operation["parameters"] if p["in"] == "path"]
    assert code["name"] == "code" and code["schema"]["type"] == "string"
    search = openapi_schema["paths"]["/api/v1/search/"]["get"]
    assert {"q", "limit"} <= {p["name"] for p in search["parameters"]}
    assert {"200", "400"} <= set(search["responses"])
