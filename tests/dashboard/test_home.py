"""The home page (dashboard): the designations by tier and the cities missing their minimums, within the
user's scope."""

import re

import pytest

from towns.models import Town
from towns.services import designate

from ..conftest import JIAOHE, SHUANGYANG, town_in

# The geography must be there even after a transactional test elsewhere flushed the database.
pytestmark = pytest.mark.usefixtures("jilin")


def html_of(response):
    return response.content.decode()


def figure(html, tier):
    match = re.search(rf'data-tier="{tier}">([\d,]+)<', html)
    assert match, f"no figure for {tier}"
    return int(match.group(1).replace(",", ""))


def test_home_counts_designations_by_tier_within_the_users_scope(client, county_official):
    designate(town_in(SHUANGYANG, 0), "provincial", 2022)
    designate(town_in(SHUANGYANG, 1), "county", 2022)
    designate(town_in(JIAOHE, 0), "provincial", 2022)  # another city: not the county official's
    client.force_login(county_official)
    html = html_of(client.get("/"))
    assert figure(html, "provincial") == 1
    assert figure(html, "county") == 1
    assert figure(html, "city") == 0
    towns_in_county = Town.objects.filter(county_id=SHUANGYANG, kind="town").count()
    assert re.search(rf'id="town-count">{towns_in_county}<', html)


def test_home_for_the_province_counts_everything(client, province_admin):
    designate(town_in(SHUANGYANG, 0), "provincial", 2022)
    designate(town_in(JIAOHE, 0), "provincial", 2022)
    client.force_login(province_admin)
    html = html_of(client.get("/"))
    assert figure(html, "provincial") == 2
    assert "全省" in html and "未达标" in html


def test_home_lists_cities_that_miss_their_minimums(client, province_admin):
    for index in range(2):
        designate(town_in("220122", index), "provincial", 2022)  # 农安县, 长春市
        designate(town_in("220182", index), "city", 2022)  # 榆树市, 长春市
    client.force_login(province_admin)
    html = html_of(client.get("/"))
    assert "市（州）：8 / 9 个未达标" in html
    unmet_table = html.split("市（州）：8 / 9 个未达标")[1].split("</table>")[0]
    assert "吉林市" in unmet_table and "省级缺 2 个、市级缺 2 个" in unmet_table
    assert "长春市" not in unmet_table
