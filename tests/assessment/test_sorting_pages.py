"""The assessment's lists sort by their columns, their exports in the same order; publishing asks first and names
the designation changes it will make (issue 10, point 8)."""

import re

import pytest

from assessment.models import TalkFollowUp
from assessment.services import ensure_round, mark_talk_held, record_exemption, record_veto, start_assessment

from ..conftest import JIAOHE
from ..pages import html
from ..sorting import assert_sorts, row_keys
from .page_helpers import Scenario, compute, designate_all, sheet_rows, towns_in
from .test_pages import two_years  # noqa: F401 - a fixture, read with request.getfixturevalue

pytestmark = pytest.mark.usefixtures("jilin")


def towns(table):
    def read(response):
        return row_keys(response, table, "data-town")

    return read


@pytest.fixture
def scenario(province_admin):
    return Scenario(province_admin)


def test_the_scores_sort_by_their_columns_and_the_export_follows(client, province_admin, scenario):
    s = scenario
    client.force_login(province_admin)
    url = "/assessment/2024/scores/"
    # d 70, a and c 90 (by code), b 95, e 99; f has no scores: last either way.
    by_composite = [s.d.code, s.a.code, s.c.code, s.b.code, s.e.code, s.f.code]
    assert_sorts(client, url, towns("score-table"), "composite", by_composite, reverses=False)
    descending = towns("score-table")(client.get(url, {"sort": "-composite"}))
    assert descending == [s.e.code, s.b.code, s.a.code, s.c.code, s.d.code, s.f.code]
    codes = sorted(town.code for town in s.towns)
    assert_sorts(client, url, towns("score-table"), "town", codes)
    exported = sheet_rows(client.get("/assessment/2024/scores/export.xlsx", {"sort": "-composite"}))
    assert [row[0] for row in exported] == descending
    assert 'href="/assessment/2024/scores/export.xlsx?sort=-composite"' in html(
        client.get(url, {"sort": "-composite"})
    )


def test_the_ranking_sorts_by_its_columns_and_the_export_follows(client, province_admin, scenario):
    s = scenario
    compute(2024)
    client.force_login(province_admin)
    url = "/assessment/2024/rankings/"
    by_rank = towns("ranking-table")(client.get(url))
    assert by_rank[0] == s.b.code  # the default: by rank
    assert_sorts(client, url, towns("ranking-table"), "town", sorted(by_rank))
    assert towns("ranking-table")(client.get(url, {"sort": "rank"})) == by_rank
    exported = sheet_rows(client.get("/assessment/2024/rankings/export.xlsx", {"sort": "-town"}))
    assert [row[2] for row in exported] == sorted(by_rank, reverse=True)


def test_the_vetoes_and_exemptions_sort_by_their_columns(client, province_admin, scenario):
    s = scenario
    record_veto(province_admin, year=2024, town=s.d, reason="砍伐古树", doc_no="")
    extra = towns_in(JIAOHE, 1, start=3)
    designate_all(extra, "provincial")
    record_exemption(
        province_admin, year=2024, town=extra[0], reason="行政区划调整", doc_no="吉示范镇办〔2024〕函3号"
    )
    client.force_login(province_admin)

    url = "/assessment/2024/vetoes/"
    assert_sorts(client, url, towns("veto-table"), "town", sorted([s.d.code, s.e.code]))
    assert_sorts(
        client, url, towns("veto-table"), "reason", [s.e.code, s.d.code]
    )  # 拆 (U+62C6) before 砍 (U+780D)
    # A blank document number is empty: last either way.
    assert towns("veto-table")(client.get(url, {"sort": "-doc_no"})) == [s.e.code, s.d.code]
    exported = sheet_rows(client.get("/assessment/2024/vetoes/export.xlsx", {"sort": "-reason"}))
    assert [row[0] for row in exported] == [s.d.code, s.e.code]

    url = "/assessment/2024/exemptions/"
    assert_sorts(client, url, towns("exemption-table"), "town", sorted([s.f.code, extra[0].code]))


def test_the_talks_sort_by_their_columns_and_the_export_follows(client, province_admin, request):
    _changchun, jilin, _city_level = request.getfixturevalue("two_years")
    talk = TalkFollowUp.objects.get(round__year=2024, town=jilin[1])
    mark_talk_held(province_admin, talk=talk, held_on=talk.round.published_at.date(), note="已约谈")
    client.force_login(province_admin)
    url = "/assessment/2024/talks/"
    assert towns("talk-table")(client.get(url)) == [jilin[0].code, jilin[1].code]  # 待约谈 first
    assert_sorts(client, url, towns("talk-table"), "status", [jilin[0].code, jilin[1].code])
    assert_sorts(client, url, towns("talk-table"), "town", [jilin[0].code, jilin[1].code])
    exported = sheet_rows(client.get("/assessment/2024/talks/export.xlsx", {"sort": "-town"}))
    assert [row[0] for row in exported] == [jilin[1].code, jilin[0].code]


def test_the_years_sort_by_their_columns(client, province_viewer):
    ensure_round(2023)
    ensure_round(2024)
    client.force_login(province_viewer)

    def years(response):
        return [int(year) for year in row_keys(response, "round-table", "data-year")]

    assert years(client.get("/assessment/")) == [2024, 2023]
    assert_sorts(client, "/assessment/", years, "year", [2023, 2024])


def test_publishing_asks_first_and_names_the_designation_changes(client, province_admin, request):
    _changchun, jilin, _city_level = request.getfixturevalue("two_years")
    client.force_login(province_admin)
    page = html(client.get("/assessment/2025/"))
    form = page.split('id="publish-form"')[1].split(">", 1)[0]
    confirm = form.split('data-confirm="', 1)[1].split('"', 1)[0]
    assert confirm.startswith("发布后将取用") and confirm.endswith("确定发布吗？")
    assert "示范镇认定将调整：" in confirm
    for town in jilin:
        assert f"· {town.name}：淘汰，终止省级认定" in confirm
    assert "递补为省级示范镇" in confirm


def test_messages_write_dates_in_chinese(client, province_admin, django_capture_on_commit_callbacks, request):
    _changchun, jilin, _city_level = request.getfixturevalue("two_years")
    talk = TalkFollowUp.objects.get(round__year=2024, town=jilin[0])
    client.force_login(province_admin)
    response = client.post(
        f"/assessment/2024/talks/{talk.pk}/held/", {"held_on": "2025-03-18", "note": ""}, follow=True
    )
    assert f"已登记{jilin[0].name}的约谈（2025年3月18日）。" in html(response)

    with django_capture_on_commit_callbacks():  # 2030: the towns are designated, none scored
        started, _queued = start_assessment(province_admin, year=2030, confirm_incomplete=True)
    assert "确认，在" in started.run_confirmation
    assert re.search(r"（\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}）$", started.run_confirmation)
