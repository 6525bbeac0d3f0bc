"""Find anything (issue 10, point 7): regions and towns by name, code prefix or pinyin initials, projects by
name, notices by 文号, submissions by town name; each group scoped by the one policy, capped, exact first."""

import pytest

from accounts.models import Role
from dashboard.search import EMPTY_QUERY, LONG_QUERY
from selection.models import Submission
from towns.models import Town

from ..conftest import CHANGCHUN, JIAOHE, SHUANGYANG, town_in
from ..pages import html, text_of

pytestmark = pytest.mark.usefixtures("jilin")

LUXIANG = "220112102"  # 鹿乡镇, 双阳区


def found(api, q, **params):
    response = api.get("/api/v1/search/", {"q": q, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [group["kind"] for group in body["groups"]] == [
        "regions",
        "towns",
        "projects",
        "notices",
        "submissions",
    ]
    return {group["kind"]: group for group in body["groups"]}


def titles(group):
    return [hit["title"] for hit in group["results"]]


def test_cc_finds_changchun_by_its_pinyin_initials(api_as, province_viewer):
    groups = found(api_as(province_viewer), "cc")
    assert titles(groups["regions"])[0] == "长春市"
    assert groups["regions"]["results"][0] == {
        "title": "长春市",
        "detail": "市（州） · 2201",
        "url": f"/towns/?city={CHANGCHUN}",
    }
    assert "长岭县" in titles(found(api_as(province_viewer), "CL")["regions"])  # every reading, any case


def test_a_town_by_code_prefix_name_or_initials_exact_match_first(api_as, county_official):
    api = api_as(county_official)
    groups = found(api, LUXIANG)
    assert titles(groups["towns"]) == ["鹿乡镇"]
    assert groups["towns"]["results"][0]["url"] == f"/towns/{LUXIANG}/"
    prefix = found(api, LUXIANG[:7])["towns"]
    codes = [hit["url"].split("/")[2] for hit in prefix["results"]]
    assert codes and all(code.startswith(LUXIANG[:7]) for code in codes) and codes == sorted(codes)
    assert "鹿乡镇" in titles(found(api, "lxz")["towns"])
    assert titles(found(api, "鹿乡镇")["towns"])[0] == "鹿乡镇"
    assert titles(found(api, SHUANGYANG)["regions"]) == ["双阳区"]


def test_each_group_is_capped_and_says_there_is_more(api_as, province_viewer):
    towns = found(api_as(province_viewer), CHANGCHUN)["towns"]
    assert len(towns["results"]) == 8 and towns["more"] is True
    towns = found(api_as(province_viewer), CHANGCHUN, limit=3)["towns"]
    assert len(towns["results"]) == 3
    assert found(api_as(province_viewer), LUXIANG)["towns"]["more"] is False


def test_a_notice_by_its_document_number(api_as, county_official, record):
    doc_no = record.criticism.doc_no
    notices = found(api_as(county_official), doc_no)["notices"]
    assert notices["results"] == [
        {"title": doc_no, "detail": "2024年度通报批评", "url": "/assessment/2024/notices/criticism/"}
    ]
    assert doc_no in titles(found(api_as(county_official), doc_no.split("〔")[1])["notices"])  # a part of it


def test_projects_and_submissions_are_scoped(api_as, county_official, other_county_official, record):
    api = api_as(county_official)
    assert titles(found(api, "蛟河专属项目")["projects"]) == []
    assert titles(found(api, "污水管网")["projects"]) == ["镇区污水管网改造工程"]
    assert found(api, "污水管网")["projects"]["results"][0]["url"] == f"/projects/{record.reported.pk}/"
    mine = found(api, record.town.name)["submissions"]["results"]
    assert [hit["url"] for hit in mine] == [f"/towns/submissions/{record.submission.pk}/"]

    theirs = Submission.objects.create(round=record.submission.round, town=record.other, tier="county")
    assert found(api, record.other.name)["submissions"]["results"] == []
    assert found(api, record.other.name)["towns"]["results"] == []
    assert found(api, JIAOHE)["regions"]["results"] == []
    other = api_as(other_county_official)
    assert [hit["url"] for hit in found(other, record.other.name)["submissions"]["results"]] == [
        f"/towns/submissions/{theirs.pk}/"
    ]
    assert titles(found(other, "蛟河专属项目")["projects"]) == ["蛟河专属项目"]
    assert titles(found(other, "污水管网")["projects"]) == []


def test_a_county_official_does_not_find_other_regions(api_as, county_official):
    groups = found(api_as(county_official), "cc")
    assert titles(groups["regions"]) == []
    jiaohe_town = town_in(JIAOHE)
    assert found(api_as(county_official), jiaohe_town.code)["towns"]["results"] == []


@pytest.mark.parametrize(("q", "message"), [("", EMPTY_QUERY), ("   ", EMPTY_QUERY), ("长" * 51, LONG_QUERY)])
def test_an_empty_or_long_query_is_refused_in_chinese(api_as, province_viewer, q, message):
    response = api_as(province_viewer).get("/api/v1/search/", {"q": q})
    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert api_as(province_viewer).get("/api/v1/search/").json() == {"detail": EMPTY_QUERY}


def test_the_search_needs_a_signed_in_user(api_client):
    assert api_client.get("/api/v1/search/", {"q": "cc"}).status_code in (401, 403)


def test_the_session_is_enough_for_the_header_box(client, county_official):
    client.force_login(county_official)
    response = client.get("/api/v1/search/", {"q": "lxz"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")


def test_one_query_per_group(api_as, province_viewer, django_assert_num_queries):
    api = api_as(province_viewer)
    found(api, "镇")
    Town.objects.filter(code__startswith=SHUANGYANG).update(name="镇镇")  # more rows match: same queries
    with django_assert_num_queries(5):  # one per group
        found(api, "镇")


# --- the page and the header -----------------------------------------------------------------------------


def test_the_results_page_lists_every_group(client, make_user, record):
    client.force_login(make_user(Role.PROVINCE_VIEWER))
    response = client.get("/search/", {"q": "cc"})
    assert response.status_code == 200
    assert f'href="/towns/?city={CHANGCHUN}"' in text_of_html(response, "search-results")
    assert "“cc”：共找到" in text_of(response, "search-summary")
    assert 'value="cc"' in html(response)  # the header box keeps what was typed
    response = client.get("/search/")
    assert "只列出您权限范围内的记录" in text_of(response, "search-hint")
    response = client.get("/search/", {"q": "长" * 51})
    assert LONG_QUERY in text_of(response, "search-problem")


def text_of_html(response, element_id):
    page = html(response)
    return page[page.index(f'id="{element_id}"') :]


@pytest.mark.parametrize("path", ["/", "/projects/", "/towns/", f"/towns/{LUXIANG}/", "/assessment/"])
def test_every_page_has_the_search_box_for_signed_in_users(client, county_official, path):
    client.force_login(county_official)
    page = html(client.get(path))
    assert 'id="global-search"' in page and 'data-api="/api/v1/search/"' in page and "js/search.js" in page


def test_the_login_page_has_no_search_box(client):
    assert 'id="global-search"' not in html(client.get("/login/"))
