"""API v1 submissions (R3): creation and edit by the owning county through the services, scoping, fields."""

import datetime

import pytest

from selection.models import Submission, SubmissionDocument
from selection.selectors import returned_comment
from selection.services import transition
from towns.models import Town
from towns.services import designate

from ...conftest import CHANGCHUN, COMPLETE_INFORMATION, JIAOHE, NONGAN, SHUANGYANG, bulk_submissions, town_in

URL = "/api/v1/submissions/"

pytestmark = pytest.mark.django_db


def body(selection_round, town, tier="county", **information):
    return {
        "round": selection_round.pk,
        "town": town.code,
        "tier": tier,
        **COMPLETE_INFORMATION,
        **information,
    }


def test_county_creates_a_draft_for_its_town(api_as, county_official, open_round):
    town = town_in(SHUANGYANG)
    response = api_as(county_official).post(URL, body(open_round, town), format="json")
    assert response.status_code == 201, response.content
    created = Submission.objects.get()
    item = response.json()
    assert item == {
        "id": created.pk,
        "round": open_round.pk,
        "round_name": "2026年示范镇评选",
        "town": town.code,
        "town_name": town.name,
        "county": SHUANGYANG,
        "county_name": "双阳区",
        "city": CHANGCHUN,
        "city_name": "长春市",
        "tier": "county",
        "tier_label": "县级",
        "status": "draft",
        "status_label": "草稿（县级填报）",
        "registered_population": 32000,
        "resident_population": 28500,
        "area_km2": "186.40",
        "gdp": "356000.00",
        "fiscal_revenue": "12800.50",
        "characteristic_industry": "梅花鹿养殖与深加工",
        "industrial_park": "鹿乡镇梅花鹿产业园",
        "distance_to_county_km": "18.50",
        "distance_to_city_km": "45.00",
        "in_changchun_metro": True,
        "near_other_city": False,
        "key_assistance_county": False,
        "border_area": False,
        "spatial_plan_node": False,
        "decision_doc_no": "",
        "designation": None,
        "documents": [],
        "returned_comment": None,
        "version": 1,
        "available_actions": [],  # no documents yet: nothing to submit
        "events": [],
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }
    assert (created.created_by, created.town, created.round) == (county_official, town, open_round)


def test_decimals_are_rendered_with_two_places(api_as, county_official, open_round):
    information = {"gdp": "1200", "area_km2": 7.5, "distance_to_city_km": None}
    response = api_as(county_official).post(
        URL, body(open_round, town_in(SHUANGYANG), **information), format="json"
    )
    assert response.status_code == 201, response.content
    item = response.json()
    assert (item["gdp"], item["area_km2"], item["distance_to_city_km"]) == ("1200.00", "7.50", None)


def test_a_town_of_another_county_is_answered_as_an_unknown_code(api_as, county_official, open_round):
    foreign = town_in(JIAOHE)
    response = api_as(county_official).post(URL, body(open_round, foreign), format="json")
    assert response.status_code == 400
    assert response.json() == {"town": [f"乡镇“{foreign.code}”不存在。"]}
    assert not Submission.objects.exists()


@pytest.mark.parametrize("role_fixture", ["city_official", "province_admin"])
def test_only_a_county_creates(api_as, request, role_fixture, open_round):
    response = api_as(request.getfixturevalue(role_fixture)).post(
        URL, body(open_round, town_in(SHUANGYANG)), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "只有县（市、区）工作人员可以填报候选镇。"}
    assert not Submission.objects.exists()


@pytest.mark.parametrize("role_fixture", ["province_viewer", "auditor"])
def test_read_only_roles_are_forbidden(api_as, request, role_fixture, open_round):
    response = api_as(request.getfixturevalue(role_fixture)).post(
        URL, body(open_round, town_in(SHUANGYANG)), format="json"
    )
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_a_subdistrict_is_refused(api_as, county_official, open_round):
    street = Town.objects.get(code="220112001")
    response = api_as(county_official).post(URL, body(open_round, street), format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "云山街道是街道，只有建制镇可以申报示范镇。"}
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("active", "tier", "refused"),
    [("county", "county", True), ("city", "county", True), ("county", "city", False)],
)
def test_an_active_same_or_higher_designation_blocks(
    api_as, county_official, open_round, active, tier, refused
):
    town = town_in(SHUANGYANG)
    designate(town, active, 2022)
    response = api_as(county_official).post(URL, body(open_round, town, tier=tier), format="json")
    if refused:
        assert response.status_code == 400
        assert response.json()["detail"] == f"{town.name}已有同级或更高层级的有效认定，不能再作为候选镇。"
        assert not Submission.objects.exists()
    else:
        assert response.status_code == 201, response.content


def test_a_closed_round_is_refused(api_as, county_official, closed_round):
    response = api_as(county_official).post(
        URL, body(closed_round, town_in(SHUANGYANG), tier="city"), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "本批次申报已于 2022年4月30日 截止。"}
    assert not Submission.objects.exists()


def test_a_tier_outside_the_round_is_refused(api_as, county_official, open_round):
    open_round.tiers = ["provincial"]
    open_round.save()
    response = api_as(county_official).post(URL, body(open_round, town_in(SHUANGYANG)), format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "本批次不评选该层级。"}


def test_a_second_submission_of_a_town_is_refused(api_as, county_official, make_draft, open_round):
    draft = make_draft()
    response = api_as(county_official).post(URL, body(open_round, draft.town, tier="city"), format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": f"{draft.town.name}在本批次中已有申报。"}
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"round": 999999}, "round", "评选批次 999999 不存在。"),
        ({"town": "220112999"}, "town", "乡镇“220112999”不存在。"),
        ({"tier": "national"}, "tier", "不是合法选项"),
        ({"registered_population": -5}, "registered_population", "0"),
        ({"gdp": "12.345"}, "gdp", "2"),
    ],
)
def test_bad_input_is_refused(api_as, county_official, open_round, change, field, message):
    response = api_as(county_official).post(
        URL, {**body(open_round, town_in(SHUANGYANG)), **change}, format="json"
    )
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not Submission.objects.exists()


def test_the_county_edits_its_draft(api_as, county_official, make_draft):
    draft = make_draft(documents=False)
    response = api_as(county_official).patch(
        f"{URL}{draft.pk}/", {"gdp": "400000", "border_area": True, "industrial_park": ""}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["gdp"], response.json()["border_area"]) == ("400000.00", True)
    draft.refresh_from_db()
    assert (str(draft.gdp), draft.border_area, draft.industrial_park) == ("400000.00", True, "")
    assert draft.registered_population == 32000  # untouched


def test_round_town_and_tier_are_fixed_after_creation(api_as, county_official, make_draft, closed_round):
    draft = make_draft(documents=False)
    client = api_as(county_official)
    for change in ({"tier": "city"}, {"town": town_in(SHUANGYANG, 1).code}, {"round": closed_round.pk}):
        response = client.patch(f"{URL}{draft.pk}/", {**change, "gdp": "1.00"}, format="json")
        assert response.status_code == 400
        assert "不能修改" in response.json()["detail"]
    # echoing the current values back is harmless
    same = {"round": draft.round_id, "town": draft.town_id, "tier": draft.tier, "gdp": "2.00"}
    assert client.patch(f"{URL}{draft.pk}/", same, format="json").status_code == 200
    draft.refresh_from_db()
    assert (draft.tier, draft.town_id, str(draft.gdp)) == ("county", town_in(SHUANGYANG).code, "2.00")


def test_put_is_not_offered(api_as, county_official, make_draft):
    draft = make_draft(documents=False)
    assert api_as(county_official).put(f"{URL}{draft.pk}/", {}, format="json").status_code == 405


def test_a_draft_made_by_mistake_is_deleted_by_its_county_only(
    api_as,
    county_official,
    other_county_official,
    province_admin,
    make_draft,
    django_capture_on_commit_callbacks,
):
    import os

    from django.conf import settings

    draft = make_draft()
    assert api_as(province_admin).delete(f"{URL}{draft.pk}/").status_code == 400
    assert api_as(other_county_official).delete(f"{URL}{draft.pk}/").status_code == 404
    assert Submission.objects.filter(pk=draft.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(county_official).delete(f"{URL}{draft.pk}/").status_code == 204
    assert not Submission.objects.filter(pk=draft.pk).exists()
    assert [f for _, _, files in os.walk(settings.MEDIA_ROOT) for f in files] == []


def test_a_once_submitted_draft_keeps_its_record(api_as, county_official, city_official, make_draft):
    draft = make_draft()
    api_as(county_official).post(f"{URL}{draft.pk}/submit/", {}, format="json")
    api_as(city_official).post(f"{URL}{draft.pk}/return/", {"comment": "请修改"}, format="json")
    response = api_as(county_official).delete(f"{URL}{draft.pk}/")
    assert response.status_code == 400
    assert "流转记录需保留" in response.json()["detail"]
    assert Submission.objects.filter(pk=draft.pk).exists()


def test_only_the_owner_edits_and_only_a_draft(
    api_as, county_official, city_official, other_county_official, make_draft
):
    draft = make_draft()
    assert (
        api_as(other_county_official).patch(f"{URL}{draft.pk}/", {"gdp": "1"}, format="json").status_code
        == 404
    )
    response = api_as(city_official).patch(f"{URL}{draft.pk}/", {"gdp": "1"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "只有县（市、区）工作人员可以填报候选镇。"}
    transition(county_official, submission_id=draft.pk, action="submit")
    response = api_as(county_official).patch(f"{URL}{draft.pk}/", {"gdp": "1"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "当前状态为“已上报”，不能修改。"}
    draft.refresh_from_db()
    assert str(draft.gdp) == "356000.00"


def test_no_edit_after_the_deadline(api_as, county_official, make_draft):
    draft = make_draft()
    draft.round.deadline = datetime.date(2022, 4, 30)
    draft.round.save()
    response = api_as(county_official).patch(f"{URL}{draft.pk}/", {"gdp": "1"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "本批次申报已于 2022年4月30日 截止，不能再填报。"}


# --- reading ---------------------------------------------------------------------------------------------


@pytest.fixture
def three_counties(make_draft, make_user, other_county_official):
    """A draft in 双阳区 and 农安县 (长春市) and in 蛟河市 (吉林市)."""
    nongan_official = make_user("county_official", NONGAN, username="nongan")
    return {
        "shuangyang": make_draft(),
        "nongan": make_draft(town=town_in(NONGAN), user=nongan_official),
        "jiaohe": make_draft(town=town_in(JIAOHE), user=other_county_official, tier="city"),
    }


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json()["results"])


def test_list_is_scoped(
    api_as, three_counties, county_official, city_official, other_county_official, province_viewer
):
    pk = {name: draft.pk for name, draft in three_counties.items()}
    assert ids(api_as(county_official).get(URL)) == [pk["shuangyang"]]
    assert ids(api_as(other_county_official).get(URL)) == [pk["jiaohe"]]
    assert ids(api_as(city_official).get(URL)) == sorted([pk["shuangyang"], pk["nongan"]])
    assert ids(api_as(province_viewer).get(URL)) == sorted(pk.values())
    # a filter never widens the scope
    assert ids(api_as(county_official).get(URL, {"county": JIAOHE})) == []


def test_detail_outside_the_scope_is_404(api_as, three_counties, county_official, city_official):
    for user, name in ((county_official, "nongan"), (county_official, "jiaohe"), (city_official, "jiaohe")):
        response = api_as(user).get(f"{URL}{three_counties[name].pk}/")
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到。"}
    assert api_as(county_official).get(f"{URL}99999999999999999999/").status_code == 404
    assert api_as(county_official).get(f"{URL}abc/").status_code == 404


def test_filters(api_as, three_counties, province_viewer, open_round):
    pk = {name: draft.pk for name, draft in three_counties.items()}
    client = api_as(province_viewer)
    assert ids(client.get(URL, {"city": CHANGCHUN})) == sorted([pk["shuangyang"], pk["nongan"]])
    assert ids(client.get(URL, {"county": NONGAN})) == [pk["nongan"]]
    assert ids(client.get(URL, {"town": three_counties["jiaohe"].town_id})) == [pk["jiaohe"]]
    assert ids(client.get(URL, {"tier": "city"})) == [pk["jiaohe"]]
    assert ids(client.get(URL, {"round": open_round.pk})) == sorted(pk.values())
    assert ids(client.get(URL, {"round": open_round.pk + 1})) == []
    assert ids(client.get(URL, {"status": "draft"})) == sorted(pk.values())
    assert ids(client.get(URL, {"status": "submitted"})) == []
    assert client.get(URL, {"status": "nonsense"}).status_code == 400


def test_list_items_have_no_available_actions_nor_events_but_the_detail_does(
    api_as, make_draft, county_official
):
    draft = make_draft()
    client = api_as(county_official)
    (item,) = client.get(URL).json()["results"]
    assert "available_actions" not in item and "events" not in item
    detail = client.get(f"{URL}{draft.pk}/").json()
    assert (detail["available_actions"], detail["events"]) == (["submit"], [])
    assert {key: value for key, value in detail.items() if key not in ("available_actions", "events")} == item


def test_documents_are_listed_with_their_download_url(api_as, make_draft, county_official):
    draft = make_draft()
    documents = api_as(county_official).get(f"{URL}{draft.pk}/").json()["documents"]
    assert [(d["kind"], d["kind_label"], d["original_name"], d["file_type"]) for d in documents] == [
        ("implementation_plan", "实施方案", "实施方案.docx", "docx"),
        ("work_plan", "“十四五”建设工作方案", "十四五建设工作方案.pdf", "pdf"),
    ]
    work_plan = documents[1]
    stored = SubmissionDocument.objects.get(submission=draft, kind="work_plan")
    assert (work_plan["size"], work_plan["sha256"]) == (stored.size, stored.sha256)
    assert work_plan["url"] == f"http://testserver{URL}{draft.pk}/documents/work_plan/"


@pytest.mark.parametrize(
    ("status", "actions"),
    [
        (
            "draft",
            {
                "county_official": ["submit"],
                "city_official": [],
                "province_admin": [],
                "province_viewer": [],
                "auditor": [],
            },
        ),
        (
            "submitted",
            {
                "county_official": [],
                "city_official": ["recommend", "return"],
                "province_admin": [],
                "province_viewer": [],
                "auditor": [],
            },
        ),
        (
            "recommended",
            {
                "county_official": [],
                "city_official": [],
                "province_admin": ["select", "reject"],
                "province_viewer": [],
                "auditor": [],
            },
        ),
    ],
)
def test_available_actions_per_role(
    api_as, request, make_draft, county_official, city_official, status, actions
):
    draft = make_draft()
    if status in ("submitted", "recommended"):
        transition(county_official, submission_id=draft.pk, action="submit")
    if status == "recommended":
        transition(city_official, submission_id=draft.pk, action="recommend")
    for role, expected in actions.items():
        detail = api_as(request.getfixturevalue(role)).get(f"{URL}{draft.pk}/").json()
        assert detail["status"] == status
        assert detail["available_actions"] == expected, role


def test_returned_comment_matches_the_service(api_as, make_draft, county_official, city_official):
    draft = make_draft()
    client = api_as(county_official)
    transition(county_official, submission_id=draft.pk, action="submit")
    transition(city_official, submission_id=draft.pk, action="return", comment="请补充园区情况")
    transition(county_official, submission_id=draft.pk, action="submit")
    transition(city_official, submission_id=draft.pk, action="return", comment="人口数据有误")
    (item,) = client.get(URL).json()["results"]
    draft.refresh_from_db()
    assert item["returned_comment"] == returned_comment(draft) == "人口数据有误"
    transition(county_official, submission_id=draft.pk, action="submit")
    (item,) = client.get(URL).json()["results"]
    draft.refresh_from_db()
    assert item["returned_comment"] is returned_comment(draft) is None


def make_many(open_round, county_official, count):
    """count drafts over the towns of 长春市, each with two documents and a return in its history."""
    submissions = bulk_submissions(open_round, county_official, count)
    from selection.models import SubmissionEvent

    SubmissionEvent.objects.bulk_create(
        SubmissionEvent(
            submission=s, action="return", from_status="submitted", to_status="draft", comment="补充"
        )
        for s in submissions
    )


@pytest.mark.parametrize("count", [3, 12])
def test_list_queries_do_not_grow_with_rows(
    api_as, city_official, county_official, open_round, django_assert_num_queries, count
):
    make_many(open_round, county_official, count)
    client = api_as(city_official)
    with django_assert_num_queries(
        3
    ):  # count, page (round, town, county, city joined; return comment), documents
        body = client.get(URL, {"page_size": 1000}).json()
    assert len(body["results"]) == count
    assert all(len(item["documents"]) == 2 and item["returned_comment"] == "补充" for item in body["results"])


def test_browsable_api_renders(client, make_draft, county_official, province_admin, open_round):
    draft = make_draft()
    for user, url in (
        (county_official, URL),
        (county_official, f"{URL}{draft.pk}/"),
        (province_admin, "/api/v1/selection-rounds/"),
        (province_admin, f"/api/v1/selection-rounds/{open_round.pk}/"),
    ):
        client.force_login(user)
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
    root = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert root["submissions"].endswith("/api/v1/submissions/")
    assert root["selection-rounds"].endswith("/api/v1/selection-rounds/")
