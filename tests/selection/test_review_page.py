"""The reviewers' comparison table of a round (R3) and its export, with the R1 quota situation beside it."""

import re
from decimal import Decimal

import pytest

from selection.services import transition
from tests.xlsx import workbook_of
from towns.services import designate

from ..conftest import CHANGCHUN, COMPLETE_INFORMATION, JIAOHE, NONGAN, SHUANGYANG, bulk_submissions, town_in

pytestmark = pytest.mark.usefixtures("jilin")


def review_url(selection_round, suffix=""):
    return f"/towns/rounds/{selection_round.pk}/review/{suffix}"


def table_towns(response):
    assert response.status_code == 200
    table = response.content.decode().split('id="review-table"')[1].split("</table>")[0]
    return re.findall(r'<tr data-town="(\d+)">', table)


def exported(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = workbook_of(response).active
    return sheet, [row for row in sheet.iter_rows(min_row=4) if row[0].value]


@pytest.fixture
def candidates(make_draft, county_official, other_county_official, city_official):
    """Three submitted 双阳区 candidates (长春市) with different GDPs, one recommended; one 蛟河市 candidate (吉林市)."""
    gdps = ["356000.00", "1200500.75", "98000.10"]
    drafts = [
        make_draft(town=town_in(SHUANGYANG, index), information={**COMPLETE_INFORMATION, "gdp": gdp})
        for index, gdp in enumerate(gdps)
    ]
    for draft in drafts:
        transition(county_official, submission_id=draft.pk, action="submit")
    transition(city_official, submission_id=drafts[1].pk, action="recommend")
    foreign = make_draft(
        town=town_in(JIAOHE),
        user=other_county_official,
        information={**COMPLETE_INFORMATION, "gdp": "5000000.00", "in_changchun_metro": False},
    )
    transition(other_county_official, submission_id=foreign.pk, action="submit")
    return drafts, foreign


def test_the_city_official_sees_only_his_citys_candidates(client, city_official, candidates, open_round):
    drafts, foreign = candidates
    client.force_login(city_official)
    response = client.get(review_url(open_round))
    assert table_towns(response) == sorted(draft.town_id for draft in drafts)
    html = response.content.decode()
    assert foreign.town.name not in html.split('id="review-table"')[1].split("</table>")[0]
    _sheet, rows = exported(client.get(review_url(open_round, "export.xlsx")))
    assert [row[0].value for row in rows] == sorted(draft.town_id for draft in drafts)
    # Asking for the other city's county gives nothing.
    assert table_towns(client.get(review_url(open_round), {"county": JIAOHE})) == []


def test_the_table_shows_factors_figures_and_documents(client, province_admin, candidates, open_round):
    drafts, foreign = candidates
    client.force_login(province_admin)
    html = client.get(review_url(open_round)).content.decode()
    row = html.split(f'<tr data-town="{drafts[1].town_id}">')[1].split("</tr>")[0]
    assert drafts[1].town.name in row and "双阳区" in row and "长春市" in row and "县级" in row
    assert "市级已推荐" in row and "1,200,500.75" in row and "12,800.50" in row and "32,000" in row
    assert "梅花鹿养殖与深加工" in row and "鹿乡镇梅花鹿产业园" in row
    cells = re.findall(r'<td class="text-center">(.*?)</td>', row)
    assert cells == ["✓", "", "", "", ""]  # 长春都市圈 only
    assert f'href="/towns/submissions/{drafts[1].pk}/documents/work_plan/"' in row
    assert f'href="/towns/submissions/{drafts[1].pk}/documents/implementation_plan/"' in row
    foreign_row = html.split(f'<tr data-town="{foreign.town_id}">')[1].split("</tr>")[0]
    assert re.findall(r'<td class="text-center">(.*?)</td>', foreign_row) == ["", "", "", "", ""]
    for header in (
        "户籍人口",
        "常住人口",
        "面积（km²）",
        "GDP（万元）",
        "一般公共预算收入（万元）",
        "特色产业",
    ):
        assert header in html


def test_sorting_by_clicking_a_column(client, province_admin, candidates, open_round):
    drafts, foreign = candidates
    client.force_login(province_admin)
    by_code = sorted([*(draft.town_id for draft in drafts), foreign.town_id])
    default = client.get(review_url(open_round))
    assert table_towns(default) == by_code
    assert 'href="?sort=gdp"' in default.content.decode()

    descending = client.get(review_url(open_round), {"sort": "-gdp"})
    expected = [foreign.town_id, drafts[1].town_id, drafts[0].town_id, drafts[2].town_id]
    assert table_towns(descending) == expected
    html = descending.content.decode()
    gdp_header = html.split('data-sort="gdp"')[1].split("</th>")[0]
    assert 'href="?sort=gdp"' in gdp_header and "▼" in gdp_header
    assert table_towns(client.get(review_url(open_round), {"sort": "gdp"})) == list(reversed(expected))
    # Anything off the whitelist falls back to the town code.
    assert table_towns(client.get(review_url(open_round), {"sort": "town__name; DROP"})) == by_code


def test_filters_and_the_export_carry_the_same_rows(client, province_admin, candidates, open_round):
    drafts, foreign = candidates
    client.force_login(province_admin)
    params = {"city": CHANGCHUN, "sort": "-gdp"}
    page_rows = table_towns(client.get(review_url(open_round), params))
    assert page_rows == [drafts[1].town_id, drafts[0].town_id, drafts[2].town_id]
    html = client.get(review_url(open_round), params).content.decode()
    assert f'href="/towns/rounds/{open_round.pk}/review/export.xlsx?city=2201&amp;sort=-gdp"' in html

    sheet, rows = exported(client.get(review_url(open_round, "export.xlsx"), params))
    assert sheet["A1"].value == f"{open_round.name} 候选镇比选表"
    assert [row[0].value for row in rows] == page_rows
    first = rows[0]
    assert first[0].data_type == "s" and isinstance(first[0].value, str)
    assert [cell.value for cell in first[1:7]] == [
        drafts[1].town.name,
        "双阳区",
        "长春市",
        "县级",
        "市级已推荐",
        "是",
    ]
    assert first[14].value == Decimal("1200500.75") and first[14].number_format == "#,##0.00"
    assert first[11].value == 32000

    assert table_towns(client.get(review_url(open_round), {"status": "recommended"})) == [drafts[1].town_id]
    _sheet, rows = exported(client.get(review_url(open_round, "export.xlsx"), {"status": "recommended"}))
    assert [row[0].value for row in rows] == [drafts[1].town_id]
    assert table_towns(client.get(review_url(open_round), {"county": JIAOHE})) == [foreign.town_id]
    assert table_towns(client.get(review_url(open_round), {"tier": "provincial"})) == []


def test_a_bad_filter_is_explained_and_lists_nothing(client, province_admin, candidates, open_round):
    client.force_login(province_admin)
    response = client.get(review_url(open_round), {"status": "golden"})
    assert "筛选条件有误" in response.content.decode()
    assert table_towns(response) == []


def test_unmet_quota_regions_are_listed_beside(client, city_official, candidates, open_round):
    client.force_login(city_official)
    html = client.get(review_url(open_round)).content.decode()
    quota = html.split('id="review-quota"')[1]
    cities = quota.split('id="unmet-cities"')[1].split("</table>")[0]
    assert "长春市" in cities and "省级缺 2 个、市级缺 2 个" in cities
    assert "吉林市" not in cities  # outside his scope
    counties = quota.split('id="unmet-counties"')[1].split("</table>")[0]
    assert "双阳区" in counties and "县级缺 1 个" in counties

    for index in range(2):
        designate(town_in(NONGAN, index), "provincial", 2022)
        designate(town_in(NONGAN, index + 2), "city", 2022)
    designate(town_in(SHUANGYANG, 2), "county", 2022)
    quota = client.get(review_url(open_round)).content.decode().split('id="review-quota"')[1]
    assert "长春市" not in quota.split('id="unmet-cities"')[1].split("</table>")[0]
    assert "双阳区" not in quota.split('id="unmet-counties"')[1].split("</table>")[0]


@pytest.mark.parametrize("role", ["province_viewer", "auditor", "province_admin"])
def test_province_roles_and_auditors_review_everything(client, request, candidates, open_round, role):
    client.force_login(request.getfixturevalue(role))
    assert len(table_towns(client.get(review_url(open_round)))) == 4


def test_county_officials_do_not_get_the_review_table(client, county_official, candidates, open_round):
    client.force_login(county_official)
    assert client.get(review_url(open_round)).status_code == 403
    assert client.get(review_url(open_round, "export.xlsx")).status_code == 403
    assert "候选镇比选表" not in client.get(f"/towns/rounds/{open_round.pk}/").content.decode()


@pytest.mark.parametrize("count", [3, 12, 60])
def test_review_query_count_does_not_grow_with_rows(
    client, city_official, county_official, open_round, django_assert_num_queries, count
):
    bulk_submissions(open_round, county_official, count, status="submitted")
    client.force_login(city_official)
    # session, user, round, the count and the page of submissions, their documents, 2 × regions for the
    # filters, 5 × quota report, the user's region and the unread notices (the bell) in the navigation bar
    with django_assert_num_queries(15):
        response = client.get(review_url(open_round), {"sort": "-gdp"})
    assert len(table_towns(response)) == min(count, 50)


def test_the_review_table_shows_one_page_and_keeps_filters_and_sort_in_its_links(
    client, city_official, county_official, open_round
):
    bulk_submissions(open_round, county_official, 25, status="submitted")
    client.force_login(city_official)
    query = {"sort": "town", "status": "submitted", "page_size": "20"}
    first = client.get(review_url(open_round), query)
    second = client.get(review_url(open_round), {**query, "page": "2"})
    towns = table_towns(first) + table_towns(second)
    assert len(table_towns(first)) == 20 and len(table_towns(second)) == 5
    assert towns == sorted(towns) and len(set(towns)) == 25
    html = first.content.decode()
    assert 'id="review-total">25</span>' in html and "第 1/2 页" in html
    link = re.search(r'href="([^"]*page=2[^"]*)" rel="next"', html).group(1).replace("&amp;", "&")
    assert "sort=town" in link and "status=submitted" in link and "page_size=20" in link
    # The export is still the whole filtered table.
    _sheet, rows = exported(client.get(review_url(open_round, "export.xlsx"), query))
    assert len(rows) == 25


def test_the_quota_aside_names_twenty_unmet_counties_and_links_to_the_rest(
    client, province_admin, candidates, open_round
):
    from towns.selectors import quota_report

    client.force_login(province_admin)
    _province, _cities, counties = quota_report(province_admin)
    unmet = [quota for quota in counties if quota.applicable and not quota.met]
    assert len(unmet) > 20  # no county-level town designated yet in the province
    quota = client.get(review_url(open_round)).content.decode().split('id="review-quota"')[1]
    listed = quota.split('id="unmet-counties"')[1].split("</table>")[0]
    assert len(re.findall(r"<tr data-code=", listed)) == 20
    assert f'id="unmet-county-count">{len(unmet)} 个' in quota
    more = quota.split('id="unmet-counties-more"')[1].split("</p>")[0]
    assert f"共 {len(unmet)} 个未达标，仅列出前 20 个" in more and "/towns/quotas/?unmet=1" in more


def test_drafts_stay_with_the_county_unless_asked_for(client, city_official, make_draft, open_round):
    draft = make_draft()
    client.force_login(city_official)
    assert table_towns(client.get(review_url(open_round))) == []
    assert table_towns(client.get(review_url(open_round), {"status": "draft"})) == [draft.town_id]
