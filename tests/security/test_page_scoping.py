"""A user never sees a town outside their region: not on its page, not in the directory, not in an export."""

import re

import pytest

from tests.xlsx import workbook_of
from towns.models import Town
from towns.services import designate

from ..conftest import CHANGCHUN, JIAOHE, SHUANGYANG, town_in

# The geography must be there even after a transactional test elsewhere flushed the database.
pytestmark = pytest.mark.usefixtures("jilin")


def exported_codes(response):
    assert response.status_code == 200
    sheet = workbook_of(response).active
    return {row[0].value for row in sheet.iter_rows(min_row=4) if row[0].value}


def without_csrf_token(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def listed_codes(client, **params):
    response = client.get("/towns/", {"page_size": 200, **params})
    assert response.status_code == 200
    return {town.code for town in response.context["page"].object_list}, response.content.decode()


@pytest.fixture
def foreign_town(jilin):
    """A designated town of 蛟河市 (吉林市), outside 双阳区 and outside 长春市."""
    town = town_in(JIAOHE, 0)
    designate(town, "provincial", 2022, doc_no="吉示范镇办〔2022〕9号")
    return town


def test_county_official_gets_404_for_a_town_of_another_county(client, county_official, foreign_town):
    client.force_login(county_official)
    response = client.get(f"/towns/{foreign_town.code}/")
    assert response.status_code == 404
    # Exactly as for a code that does not exist.
    assert without_csrf_token(client.get("/towns/229999999/")) == without_csrf_token(response)
    assert client.get(f"/towns/{town_in(SHUANGYANG).code}/").status_code == 200


def test_county_official_does_not_find_the_town_in_the_directory(client, county_official, foreign_town):
    client.force_login(county_official)
    codes, html = listed_codes(client)
    assert codes == set(Town.objects.filter(county_id=SHUANGYANG, kind="town").values_list("code", flat=True))
    assert foreign_town.code not in html and foreign_town.name not in html
    # Asking for the other county, or searching its town by name or code, finds nothing.
    assert listed_codes(client, county=JIAOHE)[0] == set()
    assert listed_codes(client, search=foreign_town.name)[0] == set()
    assert listed_codes(client, search=foreign_town.code)[0] == set()
    assert listed_codes(client, tier="provincial")[0] == set()
    # The county filter offers his county only.
    assert f'<option value="{JIAOHE}"' not in html


def test_county_official_does_not_get_the_town_in_the_export(client, county_official, foreign_town):
    client.force_login(county_official)
    codes = exported_codes(client.get("/towns/export.xlsx"))
    assert codes and all(code.startswith(SHUANGYANG) for code in codes)
    assert foreign_town.code not in codes
    assert exported_codes(client.get("/towns/export.xlsx", {"county": JIAOHE})) == set()


def test_city_official_sees_his_city_only(client, city_official, foreign_town):
    client.force_login(city_official)
    expected = set(Town.objects.filter(city_id=CHANGCHUN, kind="town").values_list("code", flat=True))
    assert listed_codes(client)[0] == expected
    assert exported_codes(client.get("/towns/export.xlsx")) == expected
    assert client.get(f"/towns/{foreign_town.code}/").status_code == 404
    assert client.get(f"/towns/{town_in(SHUANGYANG).code}/").status_code == 200


def test_other_county_official_sees_the_town(client, other_county_official, foreign_town):
    client.force_login(other_county_official)
    assert client.get(f"/towns/{foreign_town.code}/").status_code == 200
    assert foreign_town.code in exported_codes(client.get("/towns/export.xlsx"))


def test_quota_page_is_scoped(client, county_official, city_official):
    client.force_login(county_official)
    response = client.get("/towns/quotas/")
    html = response.content.decode()
    assert response.context["province"] is None and 'id="province-quota"' not in html
    assert [quota.code for quota in response.context["counties"]] == [SHUANGYANG]
    assert f'data-code="{JIAOHE}"' not in html
    export = workbook_of(client.get("/towns/quotas/export.xlsx")).active
    assert [row[1].value for row in export.iter_rows(min_row=4)] == [SHUANGYANG]

    client.force_login(city_official)
    response = client.get("/towns/quotas/")
    assert [quota.code for quota in response.context["cities"]] == [CHANGCHUN]
    assert all(quota.code.startswith(CHANGCHUN) for quota in response.context["counties"])
    assert f'data-code="{JIAOHE}"' not in response.content.decode()


def test_home_does_not_count_designations_of_other_regions(client, county_official, foreign_town):
    client.force_login(county_official)
    html = client.get("/").content.decode()
    assert 'data-tier="provincial">0<' in html


def test_town_history_does_not_leak_other_towns(client, county_official, foreign_town):
    designate(town_in(SHUANGYANG), "county", 2022, doc_no="双政发〔2022〕1号")
    client.force_login(county_official)
    html = client.get(f"/towns/{town_in(SHUANGYANG).code}/").content.decode()
    assert "双政发〔2022〕1号" in html
    assert "吉示范镇办〔2022〕9号" not in html and foreign_town.name not in html
