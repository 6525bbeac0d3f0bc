"""Town fields offer towns as they are typed (/towns/suggest/), never every town as options (issue 13, 3)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.pinyin import initials
from tests.conftest import CHANGCHUN, JIAOHE, SHUANGYANG, town_in
from towns.models import Designation, Town
from towns.selectors import SUGGESTION_LIMIT
from towns.services import designate

pytestmark = pytest.mark.django_db

URL = "/towns/suggest/"


def suggested(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return [row["code"] for row in response.json()["results"]]


def test_anonymous_is_sent_to_log_in(jilin, client):
    response = client.get(URL, {"q": "220112"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_by_code_prefix_name_and_pinyin_initials(jilin, client, province_viewer):
    client.force_login(province_viewer)
    town = town_in(SHUANGYANG, 0)
    assert town.code in suggested(client, q=town.code[:8])
    assert suggested(client, q=town.code) == [town.code]
    assert town.code in suggested(client, q=town.name, county=SHUANGYANG)
    typed = initials(town.name).split()[0][:3]
    assert town.code in suggested(client, q=typed.upper(), county=SHUANGYANG)
    row = client.get(URL, {"q": town.code}).json()["results"][0]
    assert row == {
        "code": town.code,
        "name": town.name,
        "county_name": "双阳区",
        "label": f"{town.name}（双阳区）",
    }


def test_only_towns_never_every_unit_and_at_most_twenty(jilin, client, province_viewer):
    client.force_login(province_viewer)
    codes = suggested(client, q="22")
    assert len(codes) == SUGGESTION_LIMIT
    assert set(Town.objects.filter(code__in=codes).values_list("kind", flat=True)) == {"town"}
    assert suggested(client, q="") == []
    assert suggested(client, q="   ") == []


def test_a_town_outside_the_scope_is_never_offered(jilin, client, county_official):
    client.force_login(county_official)
    outside = town_in(JIAOHE)
    assert suggested(client, q=outside.code) == []
    assert suggested(client, q=outside.code) == suggested(client, q="229999999")
    mine = suggested(client, q="22")
    assert mine and set(Town.objects.filter(code__in=mine).values_list("county_id", flat=True)) == {
        SHUANGYANG
    }
    # Asking for another region's county shows nothing either: the scope comes first.
    assert suggested(client, q="22", county=JIAOHE) == []


def test_the_chosen_city_or_county_narrows_them(jilin, client, province_viewer):
    client.force_login(province_viewer)
    in_city = suggested(client, q="22", city=CHANGCHUN)
    assert set(Town.objects.filter(code__in=in_city).values_list("city_id", flat=True)) == {CHANGCHUN}
    in_county = suggested(client, q="22", county=JIAOHE)
    assert set(Town.objects.filter(code__in=in_county).values_list("county_id", flat=True)) == {JIAOHE}


def test_designated_keeps_the_towns_holding_a_designation(jilin, client, province_viewer):
    client.force_login(province_viewer)
    held = Designation.objects.active().values("town_id")
    undesignated = Town.objects.filter(kind="town").exclude(code__in=held).order_by("code")
    town, other = undesignated[0], undesignated[1]
    designate(town, "county", 2023, doc_no="双政〔2023〕1号")
    assert suggested(client, q=town.code, designated="1") == [town.code]
    assert suggested(client, q=other.code) == [other.code]
    assert suggested(client, q=other.code, designated="1") == []


def test_one_query_whatever_the_matches(jilin, client, province_viewer):
    client.force_login(province_viewer)
    client.get(URL, {"q": "9"})  # the session and the user, read once per request
    with CaptureQueriesContext(connection) as none_found:
        client.get(URL, {"q": "9"})
    with CaptureQueriesContext(connection) as twenty:
        client.get(URL, {"q": "22"})
    assert len(twenty.captured_queries) == len(none_found.captured_queries)


def test_the_project_list_offers_no_option_per_town(client, county_official, make_project, demo_town):
    make_project(name="镇区污水管网改造工程")
    client.force_login(county_official)
    page = client.get("/projects/").content.decode()
    assert 'data-suggest="/towns/suggest/"' in page
    assert f'<option value="{demo_town.code}">' not in page


def test_the_project_list_filters_by_a_typed_code_or_exact_name(
    client, county_official, make_project, demo_town
):
    make_project(name="镇区污水管网改造工程")
    client.force_login(county_official)
    other = town_in(SHUANGYANG, 1)
    for typed in (demo_town.code, demo_town.name):
        page = client.get("/projects/", {"town": typed}).content.decode()
        assert "镇区污水管网改造工程" in page
        assert 'id="project-count">1<' in page
    # The chosen town is named in the field's list, so the filter bar says which it is.
    page = client.get("/projects/", {"town": demo_town.code}).content.decode()
    assert f'<option value="{demo_town.code}">{demo_town.name}（双阳区）</option>' in page
    for typed in (other.code, other.name, "没有这个镇"):
        page = client.get("/projects/", {"town": typed}).content.decode()
        assert 'id="project-count">0<' in page
