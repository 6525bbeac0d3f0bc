"""The town directory, a town's designations and the quota report sort by their columns; the exports follow
(issue 10, point 8)."""

import pytest

from tests.xlsx import workbook_of
from towns.models import Town
from towns.services import change_tier, designate

from ..conftest import SHUANGYANG, town_in
from ..sorting import assert_sorts, sort_link

pytestmark = pytest.mark.usefixtures("jilin")


def directory_codes(response):
    assert response.status_code == 200
    return [town.code for town in response.context["page"].object_list]


def export_codes(response, column=0, skip=0):
    assert response.status_code == 200
    sheet = workbook_of(response).active
    return [row[column].value for row in sheet.iter_rows(min_row=4 + skip) if row[column].value]


def test_the_directory_sorts_by_pinyin_tier_and_code_and_the_export_follows(client, province_admin):
    towns = list(Town.objects.filter(county_id=SHUANGYANG, kind="town").order_by("code"))
    designate(towns[0], "county", 2022)
    designate(towns[1], "provincial", 2023)
    designate(towns[2], "city", 2024)
    client.force_login(province_admin)
    params = {"county": SHUANGYANG, "page_size": 200}
    by_pinyin = sorted(towns, key=lambda town: (town.initials, town.name, town.code))
    assert_sorts(client, "/towns/", directory_codes, "name", [t.code for t in by_pinyin], params=params)
    assert_sorts(client, "/towns/", directory_codes, "code", [t.code for t in towns], params=params)
    rest = [town.code for town in towns[3:]]
    tiered = [towns[1].code, towns[2].code, towns[0].code, *rest]
    assert_sorts(client, "/towns/", directory_codes, "tier", tiered, params=params, reverses=False)
    since = [towns[0].code, towns[1].code, towns[2].code, *rest]
    assert_sorts(client, "/towns/", directory_codes, "since", since, params=params, reverses=False)

    page = client.get("/towns/", {**params, "sort": "-since"})
    assert export_codes(client.get("/towns/export.xlsx", {**params, "sort": "-since"})) == directory_codes(
        page
    )
    # The header links keep the filters, the filter form keeps the sort, the export link carries both.
    href, aria = sort_link(page, "since")
    assert href.startswith("?") and "county=220112" in href and "sort=since" in href and "page=" not in href
    assert aria == "descending"
    html = page.content.decode()
    assert '<input type="hidden" name="sort" value="-since">' in html
    assert "export.xlsx?county=220112&amp;sort=-since" in html


def test_a_towns_designations_sort_by_their_columns(client, province_admin):
    town = town_in(SHUANGYANG)
    first = designate(town, "county", 2022, doc_no="双政发〔2022〕1号")
    second = change_tier(
        province_admin,
        town=town,
        change="promote",
        year=2024,
        doc_no="吉示范镇办〔2024〕2号",
        new_tier="city",
    )
    client.force_login(province_admin)

    def designations(response):
        assert response.status_code == 200
        return [designation.pk for designation in response.context["designations"]]

    url = f"/towns/{town.code}/"
    assert designations(client.get(url)) == [second.pk, first.pk]  # newest first, as before
    assert_sorts(client, url, designations, "tier", [second.pk, first.pk])
    assert_sorts(client, url, designations, "period", [first.pk, second.pk])
    assert_sorts(client, url, designations, "doc_no", [first.pk, second.pk])  # 双 (U+53CC) before 吉 (U+5409)


def test_the_quota_report_sorts_each_table_and_the_export_follows(client, province_admin):
    client.force_login(province_admin)

    def counties(response):
        assert response.status_code == 200
        return [quota.code for quota in response.context["counties"]]

    def cities(response):
        assert response.status_code == 200
        return [quota.code for quota in response.context["cities"]]

    page = client.get("/towns/quotas/")
    by_towns = sorted(page.context["counties"], key=lambda quota: (quota.town_count, quota.code))
    assert_sorts(
        client,
        "/towns/quotas/",
        counties,
        "towns",
        [q.code for q in by_towns],
        param="county_sort",
        reverses=False,
    )
    by_code = [quota.code for quota in page.context["cities"]]
    assert_sorts(client, "/towns/quotas/", cities, "code", by_code, param="city_sort")

    params = {"county_sort": "-towns", "city_sort": "-code"}
    sorted_page = client.get("/towns/quotas/", params)
    exported = export_codes(client.get("/towns/quotas/export.xlsx", params), column=1)
    assert exported == ["22", *cities(sorted_page), *counties(sorted_page)]
    assert (
        'href="/towns/quotas/export.xlsx?county_sort=-towns&amp;city_sort=-code"'
        in sorted_page.content.decode()
    )
