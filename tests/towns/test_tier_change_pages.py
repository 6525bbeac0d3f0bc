"""Tier changes outside a round (R2) from a town's page: who is offered the form, what it does, what it refuses."""

import pytest
from django.utils import timezone

from towns.models import Designation
from towns.services import designate

from ..conftest import JIAOHE, SHUANGYANG, town_in

pytestmark = pytest.mark.usefixtures("jilin")


def page_messages(response):
    return [str(message) for message in response.context["messages"]]


def history_rows(response):
    assert response.status_code == 200
    table = response.content.decode().split('id="designation-history"')[1].split("</tbody>")[0]
    return [row.split("</tr>")[0] for row in table.split("<tr")[2:]]


def designations(town):
    return [
        (d.tier, d.from_year, d.to_year, d.began, d.ended, d.doc_no, d.end_doc_no)
        for d in Designation.objects.filter(town=town).order_by("from_year", "id")
    ]


@pytest.fixture
def county_town(jilin):
    town = town_in(SHUANGYANG)
    designate(town, "county", 2022, doc_no="双政发〔2022〕1号")
    return town


def test_province_admin_promotes_a_county_level_town_to_provincial(client, province_admin, county_town):
    client.force_login(province_admin)
    page = client.get(f"/towns/{county_town.code}/").content.decode()
    assert 'id="tier-change-form"' in page and "层级调整" in page
    assert f'name="year" value="{timezone.localdate().year}"' in page

    response = client.post(
        f"/towns/{county_town.code}/tier-change/",
        {"change": "promote", "new_tier": "provincial", "year": "2024", "doc_no": "吉示范镇办〔2024〕2号"},
        follow=True,
    )
    assert response.redirect_chain == [(f"/towns/{county_town.code}/", 302)]
    assert f"已将{county_town.name}调整为省级示范镇（吉示范镇办〔2024〕2号）。" in page_messages(response)
    assert designations(county_town) == [
        ("county", 2022, 2024, "selected", "promoted", "双政发〔2022〕1号", "吉示范镇办〔2024〕2号"),
        ("provincial", 2024, None, "promoted", "", "吉示范镇办〔2024〕2号", ""),
    ]
    current, ended = history_rows(response)
    assert 'class="table-success"' in current and "省级" in current and "晋级" in current
    assert "吉示范镇办〔2024〕2号" in current
    assert "县级" in ended and "2022–2024" in ended and "晋升更高层级" in ended
    assert "吉示范镇办〔2024〕2号" in ended


def test_province_admin_withdraws_a_designation(client, province_admin, county_town):
    client.force_login(province_admin)
    response = client.post(
        f"/towns/{county_town.code}/tier-change/",
        {"change": "withdraw", "year": "2025", "doc_no": "吉示范镇办〔2025〕9号"},
        follow=True,
    )
    assert f"已撤销{county_town.name}的示范镇认定（吉示范镇办〔2025〕9号）。" in page_messages(response)
    assert not Designation.objects.active().filter(town=county_town).exists()
    (ended,) = history_rows(response)
    assert "撤销" in ended and "吉示范镇办〔2025〕9号" in ended


def test_city_official_promotes_to_city_level_in_his_city(client, city_official, county_town):
    client.force_login(city_official)
    assert 'id="tier-change-form"' in client.get(f"/towns/{county_town.code}/").content.decode()
    response = client.post(
        f"/towns/{county_town.code}/tier-change/",
        {"change": "promote", "new_tier": "city", "year": "2024", "doc_no": "长示范镇〔2024〕1号"},
        follow=True,
    )
    assert f"已将{county_town.name}调整为市级示范镇（长示范镇〔2024〕1号）。" in page_messages(response)
    assert Designation.objects.active().get(town=county_town).tier == "city"


def test_city_official_may_not_make_a_town_provincial(client, city_official, county_town):
    client.force_login(city_official)
    before = designations(county_town)
    response = client.post(
        f"/towns/{county_town.code}/tier-change/",
        {"change": "promote", "new_tier": "provincial", "year": "2024", "doc_no": "长示范镇〔2024〕2号"},
    )
    assert response.status_code == 200
    assert "省级示范镇的认定与调整由省级管理员办理。" in page_messages(response)
    assert designations(county_town) == before
    # The form keeps what was typed.
    assert 'value="长示范镇〔2024〕2号"' in response.content.decode()


def test_city_official_of_another_city_finds_no_town(client, make_user, county_town):
    client.force_login(make_user("city_official", region=JIAOHE[:4]))
    response = client.post(
        f"/towns/{county_town.code}/tier-change/",
        {"change": "withdraw", "year": "2024", "doc_no": "吉市〔2024〕1号"},
    )
    assert response.status_code == 404
    assert Designation.objects.active().filter(town=county_town).exists()


def test_missing_doc_no_is_refused(client, province_admin, county_town):
    client.force_login(province_admin)
    before = designations(county_town)
    response = client.post(
        f"/towns/{county_town.code}/tier-change/",
        {"change": "promote", "new_tier": "provincial", "year": "2024", "doc_no": "  "},
    )
    html = response.content.decode()
    assert "层级调整须填写文号。" in html.split('id="tier-change-form"')[1]
    assert "层级调整未执行" in html
    assert designations(county_town) == before
    response = client.post(
        f"/towns/{county_town.code}/tier-change/",
        {"change": "promote", "year": "2024", "doc_no": "吉〔2024〕1号"},
    )
    assert "请选择新的层级。" in response.content.decode().split('id="tier-change-form"')[1]
    assert designations(county_town) == before


@pytest.mark.parametrize("role", ["county_official", "province_viewer", "auditor"])
def test_other_roles_see_no_form_and_are_forbidden(client, request, county_town, role):
    client.force_login(request.getfixturevalue(role))
    assert 'id="tier-change-form"' not in client.get(f"/towns/{county_town.code}/").content.decode()
    response = client.post(
        f"/towns/{county_town.code}/tier-change/",
        {"change": "promote", "new_tier": "provincial", "year": "2024", "doc_no": "越权〔2024〕1号"},
    )
    assert response.status_code == 403
    assert Designation.objects.active().get(town=county_town).tier == "county"


def test_no_form_for_a_subdistrict(client, province_admin):
    client.force_login(province_admin)
    assert 'id="tier-change-form"' not in client.get("/towns/220112001/").content.decode()
