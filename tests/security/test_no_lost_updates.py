"""No lost updates (issue 12, point 6): API writes honour ETag / If-Match, edit forms carry their version.

Each case reads a record, lets someone else change it, then writes from the stale copy: the API answers 412 with
the record as it is now and changes nothing; the page refuses with 已被他人修改 and shows the current values.
"""

from decimal import Decimal

import pytest

from assessment.models import AssessmentRound
from assessment.services import update_settings
from funding.models import DebtQuota
from funding.services import set_quota
from projects.models import Project
from projects.services import update_project
from selection.models import SelectionRound, Submission
from selection.services import save_round, update_submission
from tests.conftest import SHUANGYANG

pytestmark = pytest.mark.django_db


def stale_write(client, method, url, body, etag):
    return getattr(client, method)(url, body, format="json", HTTP_IF_MATCH=etag)


def assert_refused_as_stale(response, current_url, client):
    """412, nothing changed, and the answer carries the record exactly as a read gives it now."""
    assert response.status_code == 412, response.content
    body = response.json()
    assert "已被他人修改" in body["detail"]
    now = client.get(current_url)
    assert body["current"] == now.json()
    assert response["ETag"] == now["ETag"]


# --- API ------------------------------------------------------------------------------------------------


def test_a_project_read_then_changed_by_another_is_refused_with_412(api_as, county_official, make_project):
    project = make_project()
    api = api_as(county_official)
    url = f"/api/v1/projects/{project.pk}/"
    read = api.get(url)
    assert read["ETag"] == f'"project-{project.pk}-v1"'

    update_project(county_official, project=project, data={"name": "他人改过的名称"})

    response = stale_write(api, "patch", url, {"name": "我的名称"}, read["ETag"])
    assert_refused_as_stale(response, url, api)
    assert Project.objects.get(pk=project.pk).name == "他人改过的名称"

    # The current ETag is accepted, and the answer carries the next one.
    fresh = api.get(url)["ETag"]
    saved = stale_write(api, "patch", url, {"name": "我的名称"}, fresh)
    assert saved.status_code == 200, saved.content
    assert saved["ETag"] == f'"project-{project.pk}-v3"'
    assert Project.objects.get(pk=project.pk).name == "我的名称"


def test_a_status_change_from_a_stale_read_is_refused(api_as, county_official, make_project):
    project = make_project()
    api = api_as(county_official)
    url = f"/api/v1/projects/{project.pk}/"
    etag = api.get(url)["ETag"]
    update_project(county_official, project=project, data={"name": "他人改过的名称"})
    response = stale_write(api, "post", f"{url}status/", {"status": "cancelled"}, etag)
    assert_refused_as_stale(response, url, api)
    assert Project.objects.get(pk=project.pk).status == "planned"


def test_if_match_of_another_record_or_malformed_never_matches(api_as, county_official, make_project):
    project, other = make_project(), make_project(name="另一个项目")
    api = api_as(county_official)
    url = f"/api/v1/projects/{project.pk}/"
    for foreign in (api.get(f"/api/v1/projects/{other.pk}/")["ETag"], '"quota-1-v1"', "1", 'W/"x"'):
        response = stale_write(api, "patch", url, {"name": "不应保存"}, foreign)
        assert response.status_code == 412, (foreign, response.content)
    assert Project.objects.get(pk=project.pk).name == "镇区污水管网改造工程"
    # "*" asks only that the record exists: the write goes through.
    assert stale_write(api, "patch", url, {"name": "任意版本"}, "*").status_code == 200


def test_a_quota_adjusted_meanwhile_is_refused_with_412(api_as, province_admin, county_quota):
    api = api_as(province_admin)
    url = f"/api/v1/debt-quotas/{county_quota.pk}/"
    etag = api.get(url)["ETag"]
    set_quota(
        province_admin,
        region=county_quota.region,
        year=2026,
        general_amount="1500.00",
        special_amount="800.00",
    )
    response = stale_write(api, "patch", url, {"general_amount": "900.00"}, etag)
    assert_refused_as_stale(response, url, api)
    assert DebtQuota.objects.get(pk=county_quota.pk).general_amount == Decimal("1500.00")


def test_a_selection_round_edited_meanwhile_is_refused_with_412(api_as, province_admin, open_round):
    api = api_as(province_admin)
    url = f"/api/v1/selection-rounds/{open_round.pk}/"
    etag = api.get(url)["ETag"]
    save_round(
        province_admin,
        selection_round=open_round,
        name="他人改过的批次名称",
        tiers=open_round.tiers,
        deadline=open_round.deadline,
    )
    for method in ("patch", "put"):
        body = {"name": "我的批次名称", "tiers": ["county"], "deadline": str(open_round.deadline)}
        assert_refused_as_stale(stale_write(api, method, url, body, etag), url, api)
    assert SelectionRound.objects.get(pk=open_round.pk).name == "他人改过的批次名称"


def test_a_draft_changed_meanwhile_is_refused_with_412(api_as, county_official, make_draft):
    draft = make_draft(documents=False)
    api = api_as(county_official)
    url = f"/api/v1/submissions/{draft.pk}/"
    etag = api.get(url)["ETag"]
    update_submission(county_official, submission=draft, information={"characteristic_industry": "人参"})
    response = stale_write(api, "patch", url, {"characteristic_industry": "木耳"}, etag)
    assert_refused_as_stale(response, url, api)
    assert Submission.objects.get(pk=draft.pk).characteristic_industry == "人参"


def test_round_settings_changed_meanwhile_are_refused_with_412(api_as, province_admin):
    api = api_as(province_admin)
    url = "/api/v1/assessment-rounds/2026/"
    etag = api.get(url)["ETag"]
    assert etag == '"assessment_round-2026-v1"'
    update_settings(province_admin, year=2026, top_count=3)
    response = stale_write(api, "patch", url, {"top_count": 8}, etag)
    assert_refused_as_stale(response, url, api)
    assert AssessmentRound.objects.get(year=2026).top_count == 3


def test_without_if_match_writes_behave_as_before(api_as, county_official, make_project):
    project = make_project()
    api = api_as(county_official)
    update_project(county_official, project=project, data={"name": "他人改过的名称"})
    response = api.patch(f"/api/v1/projects/{project.pk}/", {"name": "我的名称"}, format="json")
    assert response.status_code == 200
    # The body's version keeps its meaning: a stale one is a 409.
    stale = api.patch(f"/api/v1/projects/{project.pk}/", {"name": "再改", "version": 1}, format="json")
    assert stale.status_code == 409


def test_the_schema_documents_if_match_and_412(openapi_schema):
    operation = openapi_schema["paths"]["/api/v1/projects/{id}/"]["patch"]
    assert "If-Match" in [parameter["name"] for parameter in operation["parameters"]]
    assert "412" in operation["responses"]


# --- pages ----------------------------------------------------------------------------------------------


def page_text(response):
    return response.content.decode()


def test_the_project_form_refuses_a_stale_save_and_shows_the_current_values(
    client, county_official, make_project
):
    project = make_project()
    client.force_login(county_official)
    form = client.get(f"/projects/{project.pk}/edit/")
    assert 'name="version" value="1"' in page_text(form)

    update_project(county_official, project=project, data={"name": "他人改过的名称"})

    data = {
        "name": "我的名称",
        "task_area": "T05",
        "public_welfare": "on",
        "investment": "1200.00",
        "annual_revenue": "0.00",
        "annual_debt_service": "0.00",
        "start_year": "2025",
        "end_year": "2027",
        "version": "1",
    }
    stale = client.post(f"/projects/{project.pk}/edit/", data)
    assert stale.status_code == 200
    text = page_text(stale)
    assert "该项目已被他人修改（您提交的是第 1 版，当前为第 2 版）" in text
    assert 'id="stale-values"' in text and "他人改过的名称" in text and "我的名称" in text
    assert Project.objects.get(pk=project.pk).name == "他人改过的名称"
    # The form now carries the current version: saving again, knowingly, goes through.
    assert 'name="version" value="2"' in text
    assert client.post(f"/projects/{project.pk}/edit/", {**data, "version": "2"}).status_code == 302
    assert Project.objects.get(pk=project.pk).name == "我的名称"


def test_the_round_form_refuses_a_stale_save(client, province_admin, open_round):
    client.force_login(province_admin)
    assert 'name="version" value="1"' in page_text(client.get(f"/towns/rounds/{open_round.pk}/edit/"))
    save_round(
        province_admin,
        selection_round=open_round,
        name="他人改过的批次名称",
        tiers=open_round.tiers,
        deadline=open_round.deadline,
    )
    data = {"name": "我的批次名称", "tiers": ["county"], "deadline": str(open_round.deadline), "version": "1"}
    stale = client.post(f"/towns/rounds/{open_round.pk}/edit/", data)
    assert stale.status_code == 200
    assert "已被他人修改" in page_text(stale) and "他人改过的批次名称" in page_text(stale)
    assert SelectionRound.objects.get(pk=open_round.pk).name == "他人改过的批次名称"


def test_the_draft_form_refuses_a_stale_save(client, county_official, make_draft):
    draft = make_draft(documents=False)
    client.force_login(county_official)
    form = page_text(client.get(f"/towns/submissions/{draft.pk}/edit/"))
    assert f'name="version" value="{draft.version}"' in form
    update_submission(county_official, submission=draft, information={"characteristic_industry": "人参"})
    data = {
        name: "" if value is None else value
        for name, value in {**Submission.objects.filter(pk=draft.pk).values()[0]}.items()
    }
    data.update(characteristic_industry="木耳", version=str(draft.version))
    stale = client.post(f"/towns/submissions/{draft.pk}/edit/", data)
    assert stale.status_code == 200
    assert "该申报已被他人修改" in page_text(stale) and "人参" in page_text(stale)
    assert Submission.objects.get(pk=draft.pk).characteristic_industry == "人参"


def test_the_settings_form_refuses_a_stale_save(client, province_admin):
    client.force_login(province_admin)
    update_settings(province_admin, year=2026, top_count=4)
    form = page_text(client.get("/assessment/2026/"))
    assert 'name="version" value="2"' in form
    update_settings(province_admin, year=2026, top_count=3)
    data = {
        "excellent_threshold": "90",
        "good_threshold": "80",
        "pass_threshold": "60",
        "top_count": "8",
        "bottom_count": "5",
        "version": "2",
    }
    stale = client.post("/assessment/2026/settings/", data)
    assert stale.status_code == 200
    assert "年度评价设置已被他人修改" in page_text(stale)
    assert AssessmentRound.objects.get(year=2026).top_count == 3


def test_the_quota_form_shows_the_current_amounts_beside_a_stale_save(client, province_admin, county_quota):
    client.force_login(province_admin)
    set_quota(
        province_admin,
        region=county_quota.region,
        year=2026,
        general_amount="1500.00",
        special_amount="800.00",
    )
    data = {"region": SHUANGYANG, "year": "2026", "general_amount": "900", "special_amount": "800"}
    stale = client.post("/funding/quotas/set/", {**data, "opened": f"{SHUANGYANG}:2026:1"})
    text = page_text(stale)
    assert "已被他人修改" in text and 'id="stale-values"' in text and "1500.00" in text
    assert f'name="opened" value="{SHUANGYANG}:2026:2"' in text
    assert DebtQuota.objects.get(pk=county_quota.pk).general_amount == Decimal("1500.00")


def test_the_score_sheet_refuses_a_save_made_before_someone_else_saved(client, province_admin, demo_town):
    from assessment.models import Score
    from assessment.services import save_indicators, save_scores

    save_indicators(
        province_admin,
        year=2026,
        indicators=[("A1", "规划编制", "T01", "40"), ("A2", "产业发展", "T02", "60")],
    )
    client.force_login(province_admin)
    url = f"/assessment/2026/scores/{demo_town.code}/"
    opened = page_text(client.get(url))
    version = opened.split('name="version" value="')[1].split('"')[0]

    save_scores(province_admin, year=2026, town=demo_town, points_by_code={"A1": "8"})

    stale = client.post(url, {"A1": "6", "A2": "15", "version": version})
    text = page_text(stale)
    assert stale.status_code == 200
    assert f"{demo_town.name}的得分已被他人修改" in text
    assert 'id="stale-values"' in text and "8.00" in text
    assert list(Score.objects.values_list("indicator__code", "points")) == [("A1", Decimal("8.00"))]
    # Saved again from the sheet as it is now: accepted.
    fresh = text.split('name="version" value="')[1].split('"')[0]
    assert fresh != version
    assert client.post(url, {"A1": "6", "A2": "15", "version": fresh}).status_code == 302
    assert Score.objects.count() == 2
