"""API v1 tier changes outside a round (R2): POST /api/v1/towns/{code}/tier-change/ through the page's service.

Same rules, same messages as the town page's 层级调整 form; a town outside the caller's scope is answered
exactly as an unknown code.
"""

import pytest
from auditlog.models import LogEntry

from accounts.services import issue_token
from towns.models import Designation, Town
from towns.services import designate

from ...conftest import CHANGCHUN, JIAOHE, SHUANGYANG, town_in

URL = "/api/v1/towns/"
FORBIDDEN = {"detail": "只有省级管理员或市（州）工作人员可以调整示范镇层级。"}

pytestmark = pytest.mark.django_db


def post(client, town_code, **body):
    return client.post(f"{URL}{town_code}/tier-change/", body, format="json")


def designations(town):
    return [
        (d.tier, d.from_year, d.to_year, d.began, d.ended, d.doc_no, d.end_doc_no)
        for d in Designation.objects.filter(town=town).order_by("from_year", "id")
    ]


@pytest.fixture
def county_town(jilin):
    """A county-level demonstration town of 双阳区 (长春市) since 2022."""
    town = town_in(SHUANGYANG)
    designate(town, "county", 2022, doc_no="双政发〔2022〕1号", dev_type="trade")
    return town


def test_province_admin_promotes(api_as, province_admin, county_town):
    response = post(
        api_as(province_admin),
        county_town.code,
        change="promote",
        tier="provincial",
        year=2024,
        doc_no=" 吉示范镇办〔2024〕2号 ",
    )
    assert response.status_code == 201, response.content
    new = Designation.objects.active().get(town=county_town)
    ended = Designation.objects.get(town=county_town, to_year=2024)
    body = response.json()
    history = body.pop("history")
    assert body == {
        "id": new.pk,
        "town": county_town.code,
        "town_name": county_town.name,
        "county": SHUANGYANG,
        "county_name": "双阳区",
        "city": CHANGCHUN,
        "city_name": "长春市",
        "tier": "provincial",
        "tier_label": "省级",
        "from_year": 2024,
        "to_year": None,
        "began": "promoted",
        "began_label": "晋级",
        "ended": "",
        "ended_label": None,
        "doc_no": "吉示范镇办〔2024〕2号",
        "end_doc_no": "",
        "dev_type": "trade",
        "dev_type_label": "商贸流通型",
        "active": True,
    }
    # The history is the town's, newest first, exactly as the town's detail shows it.
    assert [(h["id"], h["tier"], h["to_year"], h["ended"], h["end_doc_no"]) for h in history] == [
        (new.pk, "provincial", None, "", ""),
        (ended.pk, "county", 2024, "promoted", "吉示范镇办〔2024〕2号"),
    ]
    assert history == api_as(province_admin).get(f"{URL}{county_town.code}/").json()["designations"]
    # The same body as the designation's own endpoint, plus the history.
    assert body == api_as(province_admin).get(f"/api/v1/designations/{new.pk}/").json()


def test_province_admin_changes_then_withdraws(api_as, province_admin, county_town):
    client = api_as(province_admin)
    response = post(client, county_town.code, change="change", tier="city", year=2025, doc_no="吉〔2025〕1号")
    assert response.status_code == 201, response.content
    assert (response.json()["tier"], response.json()["began"]) == ("city", "changed")

    # withdraw ignores a tier sent along, as the page does
    response = post(
        client, county_town.code, change="withdraw", tier="provincial", year=2026, doc_no="吉〔2026〕9号"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["tier"], body["to_year"], body["ended"], body["ended_label"], body["end_doc_no"]) == (
        "city",
        2026,
        "withdrawn",
        "撤销",
        "吉〔2026〕9号",
    )
    assert body["active"] is False and [h["active"] for h in body["history"]] == [False, False]
    assert designations(county_town) == [
        ("county", 2022, 2025, "selected", "changed", "双政发〔2022〕1号", "吉〔2025〕1号"),
        ("city", 2025, 2026, "changed", "withdrawn", "吉〔2025〕1号", "吉〔2026〕9号"),
    ]
    assert client.get(f"{URL}{county_town.code}/").json()["tier"] is None


def test_promote_an_undesignated_town(api_as, province_admin, jilin):
    town = town_in(SHUANGYANG, 1)
    response = post(
        api_as(province_admin), town.code, change="promote", tier="county", year=2024, doc_no="x1"
    )
    assert response.status_code == 201, response.content
    assert [h["tier"] for h in response.json()["history"]] == ["county"]


def test_city_official_makes_a_town_of_his_city_city_level(api_as, city_official, county_town):
    response = post(
        api_as(city_official),
        county_town.code,
        change="promote",
        tier="city",
        year=2024,
        doc_no="长〔2024〕1号",
    )
    assert response.status_code == 201, response.content
    assert Designation.objects.active().get(town=county_town).tier == "city"


def test_the_change_is_audited_as_an_api_write_of_the_token_holder(api_client, province_admin, county_town):
    token = issue_token(None, province_admin, name="测试")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    already = set(LogEntry.objects.values_list("pk", flat=True))
    response = post(
        api_client, county_town.code, change="promote", tier="city", year=2024, doc_no="吉〔2024〕5号"
    )
    assert response.status_code == 201, response.content
    entries = LogEntry.objects.exclude(pk__in=already).filter(content_type__model="designation")
    created = entries.get(action=LogEntry.Action.CREATE)
    ended = entries.get(action=LogEntry.Action.UPDATE)
    assert created.object_pk == str(response.json()["id"])
    assert ended.object_pk == str(Designation.objects.get(town=county_town, to_year=2024).pk)
    assert ended.changes["ended"] == ["", "promoted"]
    for entry in (created, ended):
        assert (entry.actor, entry.additional_data) == (province_admin, {"via": "api"})


REFUSALS = [
    # (active tier before, actor, body, answer)
    ("county", "province_admin", {"change": "promote", "tier": "provincial", "year": 2024, "doc_no": "  "},
     {"detail": "层级调整须填写文号。"}),
    ("county", "province_admin", {"change": "promote", "tier": "provincial", "year": 2024},
     {"detail": "层级调整须填写文号。"}),
    ("county", "province_admin", {"change": "promote", "tier": "provincial", "year": 2024, "doc_no": "文" * 101},
     {"detail": "文号超过 100 个字符。"}),
    ("county", "province_admin", {"change": "promote", "year": 2024, "doc_no": "吉〔2024〕1号"},
     {"detail": "请选择新的层级。"}),
    ("county", "province_admin", {"change": "change", "tier": "", "year": 2024, "doc_no": "吉〔2024〕1号"},
     {"detail": "请选择新的层级。"}),
    ("city", "province_admin", {"change": "promote", "tier": "county", "year": 2024, "doc_no": "吉〔2024〕1号"},
     {"detail": "{name}已是市级示范镇，晋级须选择更高层级。"}),
    (None, "province_admin", {"change": "change", "tier": "city", "year": 2024, "doc_no": "吉〔2024〕1号"},
     {"detail": "{name}没有有效认定，无法调整层级。"}),
    ("county", "province_admin", {"change": "change", "tier": "county", "year": 2024, "doc_no": "吉〔2024〕1号"},
     {"detail": "请选择与现有层级不同的层级。"}),
    (None, "province_admin", {"change": "withdraw", "year": 2024, "doc_no": "吉〔2024〕1号"},
     {"detail": "{name}没有有效认定，无法撤销。"}),
    ("county", "province_admin", {"change": "withdraw", "year": 2020, "doc_no": "吉〔2020〕1号"},
     {"detail": "终止年度 2020 不能早于该认定的起始年度 2022。"}),
    ("county", "city_official", {"change": "promote", "tier": "provincial", "year": 2024, "doc_no": "长〔2024〕1号"},
     {"detail": "省级示范镇的认定与调整由省级管理员办理。"}),
    ("county", "city_official", {"change": "withdraw", "year": 2024, "doc_no": "长〔2024〕1号"},
     {"detail": "市（州）只能调整或撤销市级示范镇的认定。"}),
    (None, "city_official", {"change": "promote", "tier": "county", "year": 2024, "doc_no": "长〔2024〕1号"},
     {"detail": "市（州）只能认定市级示范镇。"}),
    ("county", "province_admin", {"change": "upgrade", "tier": "city", "year": 2024, "doc_no": "吉〔2024〕1号"},
     {"change": ["未知操作“upgrade”。"]}),
    ("county", "province_admin", {"change": "promote", "tier": "national", "year": 2024, "doc_no": "吉〔2024〕1号"},
     {"tier": ["层级“national”无效，应为 provincial、city、county。"]}),
    ("county", "province_admin", {"change": "promote", "tier": "city", "year": 1999, "doc_no": "吉〔1999〕1号"},
     {"year": ["年度应为 2000–2100 之间的四位年份。"]}),
    ("county", "province_admin", {"change": "promote", "tier": "city", "doc_no": "吉〔2024〕1号"},
     {"year": ["请填写年度。"]}),
]  # fmt: skip


def prepared_town(active):
    town = town_in(SHUANGYANG, 2)
    if active is not None:
        designate(town, active, 2022, doc_no="双政发〔2022〕3号")
    return town


@pytest.mark.parametrize(("active", "actor", "body", "answer"), REFUSALS)
def test_refusals_answer_400_and_change_nothing(api_as, request, jilin, active, actor, body, answer):
    town = prepared_town(active)
    before = designations(town)
    response = api_as(request.getfixturevalue(actor)).post(
        f"{URL}{town.code}/tier-change/", body, format="json"
    )
    assert response.status_code == 400
    expected = {
        key: value.format(name=town.name) if isinstance(value, str) else value
        for key, value in answer.items()
    }
    assert response.json() == expected
    assert designations(town) == before


def test_a_subdistrict_cannot_be_designated(api_as, province_admin, jilin):
    street = Town.objects.get(code="220112001")
    response = post(
        api_as(province_admin), street.code, change="promote", tier="county", year=2024, doc_no="x"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "云山街道（220112001）是街道，只有建制镇可以认定为示范镇。"}
    assert not Designation.objects.filter(town=street).exists()


def test_a_town_of_another_city_is_answered_as_an_unknown_code(api_as, city_official, jilin):
    foreign = town_in(JIAOHE)
    designate(foreign, "city", 2022, doc_no="吉市〔2022〕1号")
    before = designations(foreign)
    client = api_as(city_official)
    body = {"change": "withdraw", "year": 2024, "doc_no": "长〔2024〕1号"}
    outside = post(client, foreign.code, **body)
    unknown = post(client, "229999999", **body)
    assert (
        (outside.status_code, outside.json())
        == (unknown.status_code, unknown.json())
        == (404, {"detail": "未找到。"})
    )
    assert designations(foreign) == before


@pytest.mark.parametrize("role", ["province_viewer", "auditor", "partner", "county_official"])
def test_other_roles_are_forbidden_whatever_the_code(api_as, request, make_user, county_town, role):
    user = make_user("partner", username="cdb") if role == "partner" else request.getfixturevalue(role)
    client = api_as(user)
    body = {"change": "promote", "tier": "provincial", "year": 2024, "doc_no": "越权〔2024〕1号"}
    for code in (county_town.code, town_in(JIAOHE).code, "229999999"):
        response = post(client, code, **body)
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert Designation.objects.active().get(town=county_town).tier == "county"


def test_anonymous_is_refused(api_client, county_town):
    response = post(api_client, county_town.code, change="withdraw", year=2024, doc_no="x")
    assert response.status_code == 401
    assert Designation.objects.active().filter(town=county_town).exists()


def test_get_is_not_allowed(api_as, province_admin, county_town):
    assert api_as(province_admin).get(f"{URL}{county_town.code}/tier-change/").status_code == 405


# --- the page and the API agree -------------------------------------------------------------------------


def page_reasons(response):
    """What the page tells the user: its messages and its form's errors, minus the generic headline."""
    assert response.status_code == 200
    reasons = [str(m) for m in response.context["messages"] if str(m) != "层级调整未执行，请修改标出的内容。"]
    form = response.context.get("tier_form")
    if form is not None:
        reasons += [error for errors in form.errors.values() for error in errors]
    return sorted(reasons)


def api_reasons(response):
    assert response.status_code == 400
    body = response.json()
    return sorted([body["detail"]] if "detail" in body else [e for errors in body.values() for e in errors])


@pytest.mark.parametrize(("active", "actor", "body", "answer"), REFUSALS)
def test_the_page_and_the_api_refuse_alike(client, api_as, request, jilin, active, actor, body, answer):
    town = prepared_town(active)
    before = designations(town)
    user = request.getfixturevalue(actor)
    api = api_as(user).post(f"{URL}{town.code}/tier-change/", body, format="json")

    page_body = {("new_tier" if key == "tier" else key): value for key, value in body.items()}
    client.force_login(user)
    page = client.post(f"/towns/{town.code}/tier-change/", page_body)

    assert page_reasons(page) == api_reasons(api)
    assert designations(town) == before
