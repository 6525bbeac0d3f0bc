"""Assessment pages (issue 5, R7–R9): the years, a round with its settings, indicator system, unassessed
towns, job and publication; the ranking table and its export; the elimination review; the talks; and what
each role sees of proposed and published results."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from assessment.models import AssessmentRound, Indicator, Notice, Score, TalkFollowUp
from assessment.services import ensure_round, publish, save_indicators, save_scores

from ..conftest import JIAOHE, NONGAN, SHUANGYANG, town_in
from .page_helpers import (
    Scenario,
    compute,
    designate_all,
    html,
    page_text,
    points_for,
    score,
    set_counts,
    sheet_header,
    sheet_rows,
    text_of,
    town_rows,
    towns_in,
)

# The geography must be there even after a transactional test elsewhere flushed the database.
pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def scenario(province_admin):
    return Scenario(province_admin)


def ranks(response):
    return [(code, cells[0]) for code, cells in town_rows(response, "ranking-table")]


# --- the years and the round -------------------------------------------------------------------------------


def test_the_index_lists_the_years_and_creates_nothing(client, province_viewer):
    ensure_round(2024)
    client.force_login(province_viewer)
    response = client.get("/assessment/")
    year = timezone.localdate().year
    assert response.status_code == 200
    assert not AssessmentRound.objects.filter(year=year).exists()  # a read never writes
    assert f'href="/assessment/{year}/"' in html(response)
    assert "2024年度" in text_of(response, "round-table")
    # The nav offers the pages; the year form opens (and creates) another year.
    assert ">年度评价</a>" in html(response)
    assert client.get("/assessment/", {"year": "2023"})["Location"] == "/assessment/2023/"
    assert client.get("/assessment/1999/").status_code == 404


def test_the_unassessed_list_shows_a_designated_town_without_scores_before_the_run(
    client, province_admin, scenario
):
    client.force_login(province_admin)
    # f is exempted (免评): it is not listed; d loses its scores' record to show an unscored town.
    Score.objects.filter(town=scenario.d).delete()
    response = client.get("/assessment/2024/")
    assert [code for code, _cells in town_rows(response, "unassessed-table")] == [scenario.d.code]
    assert text_of(response, "unassessed-count") == "1"
    exported = sheet_rows(client.get("/assessment/2024/unassessed/export.xlsx"))
    assert [row[0] for row in exported] == [scenario.d.code]
    # Entering some scores moves it to the incomplete list, all of them takes it off both.
    save_scores(province_admin, year=2024, town=scenario.d, points_by_code={"T01": "5"})
    response = client.get("/assessment/2024/")
    assert town_rows(response, "unassessed-table") == []
    assert [code for code, _cells in town_rows(response, "incomplete-table")] == [scenario.d.code]
    save_scores(province_admin, year=2024, town=scenario.d, points_by_code=points_for("70"))
    response = client.get("/assessment/2024/")
    assert town_rows(response, "incomplete-table") == []
    assert "全部示范镇均已录入得分" in page_text(response)


def test_province_admin_runs_the_computation_and_the_progress_endpoint_reports_done(
    client, province_admin, scenario, django_capture_on_commit_callbacks
):
    client.force_login(province_admin)
    assert 'id="run-button"' in html(client.get("/assessment/2024/"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/assessment/2024/run/")
    assert response.status_code == 302
    progress = client.get("/assessment/2024/progress.json").json()
    assert (progress["job_state"], progress["job_progress"]) == ("done", 100)
    assert progress["state"] == "computed"
    page = client.get("/assessment/2024/")
    assert text_of(page, "round-state") == "已计算（待发布）"
    assert "参评 5 个，未评 1 个" in text_of(page, "job-message")
    assert 'data-active="0"' in html(page)
    # 省级: 6 designated, 5 assessed, 1 未评; 优秀 3, 良好 0, 合格 1, 不合格 1; 1 vetoed.
    assert "省级 6 5 1 3 0 1 1 1" in text_of(page, "summary-table")


def test_the_progress_bar_polls_while_the_job_is_queued(client, province_admin, scenario):
    client.force_login(province_admin)
    # Without a worker (the commit callbacks are not run here) the job stays queued.
    response = client.post("/assessment/2024/run/", follow=True)
    assert "已提交2024年度评价计算" in page_text(response)
    assert 'data-active="1"' in html(response)
    assert 'data-progress-url="/assessment/2024/progress.json"' in html(response)
    assert "/static/js/assessment.js" in html(response)
    progress = client.get("/assessment/2024/progress.json").json()
    assert (progress["job_state"], progress["job_progress"]) == ("queued", 0)
    # A second press does not queue a second run.
    again = client.post("/assessment/2024/run/", follow=True)
    assert "计算任务已在进行中" in page_text(again)


def test_only_the_province_admin_runs_publishes_or_edits(client, scenario, province_viewer, county_official):
    for user in (province_viewer, county_official):
        client.force_login(user)
        page = client.get("/assessment/2024/")
        assert page.status_code == 200 and 'id="run-button"' not in html(page)
        assert 'id="settings-form"' not in html(page)
        assert client.post("/assessment/2024/run/").status_code == 403
        assert client.post("/assessment/2024/publish/", {"doc_prefix": "吉示范镇办"}).status_code == 403
        assert client.post("/assessment/2024/settings/", {"top_count": "3"}).status_code == 403
    assert AssessmentRound.objects.get(year=2024).job_state == "idle"


def test_settings_are_edited_before_scoring_and_refused_once_scores_exist(client, province_admin):
    town = town_in(SHUANGYANG)
    designate_all([town], "provincial")
    client.force_login(province_admin)
    assert 'id="settings-form"' in html(client.get("/assessment/2030/"))
    data = {
        "excellent_threshold": "92",
        "good_threshold": "82",
        "pass_threshold": "62",
        "top_count": "3",
        "bottom_count": "4",
    }
    response = client.post("/assessment/2030/settings/", data, follow=True)
    assert "已保存2030年度评价设置" in page_text(response)
    assert "≥ 92 分" in text_of(response, "round-settings")
    assert "后 4 名" in text_of(response, "round-settings")
    # Out of order thresholds are refused with the service's reason.
    response = client.post("/assessment/2030/settings/", {**data, "good_threshold": "95"}, follow=True)
    assert "分数线应满足 100 ≥ 优秀 ≥ 良好 ≥ 合格 ≥ 0" in page_text(response)

    save_scores(province_admin, year=2030, town=town, points_by_code={"T01": "5"})
    page = client.get("/assessment/2030/")
    assert 'id="settings-form"' not in html(page) and 'id="indicator-edit-link"' not in html(page)
    response = client.post("/assessment/2030/settings/", {**data, "excellent_threshold": "95"}, follow=True)
    assert "评分已经开始，指标体系和评价设置不能再修改" in page_text(response)
    assert AssessmentRound.objects.get(year=2030).excellent_threshold == Decimal("92")


def formset_data(rows):
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0"}
    for number, (code, name, area, points) in enumerate(rows):
        data.update(
            {
                f"form-{number}-code": code,
                f"form-{number}-name": name,
                f"form-{number}-task_area": area,
                f"form-{number}-max_points": points,
            }
        )
    return data


def test_the_indicator_system_is_copied_and_edited_before_scoring(client, province_admin):
    save_indicators(
        province_admin,
        year=2029,
        indicators=[("A1", "产业园区建设", "T01", "60"), ("A2", "公共服务", "T07", "40")],
    )
    client.force_login(province_admin)
    page = client.get("/assessment/2031/")
    assert text_of(page, "indicator-total") == "100"
    assert "T15" in text_of(page, "indicator-table")  # the default system: T01–T15
    response = client.post("/assessment/2031/indicators/copy/", {"from_year": "2029"}, follow=True)
    table = text_of(response, "indicator-table")
    assert "产业园区建设" in table and "T15" not in table and "复制自 2029 年" in page_text(response)

    edit = client.get("/assessment/2031/indicators/")
    assert 'value="产业园区建设"' in html(edit)
    refused = client.post(
        "/assessment/2031/indicators/",
        formset_data([("A1", "产业园区建设", "T01", "60"), ("A2", "公共服务", "T07", "30")]),
    )
    assert "各指标满分合计为 90 分，应为 100 分" in text_of(refused, "indicator-refusal")
    rows = [
        ("A1", "产业园区建设", "T01", "50"),
        ("A2", "公共服务", "T07", "40"),
        ("A3", "风貌管控", "T08", "10"),
    ]
    response = client.post("/assessment/2031/indicators/", formset_data(rows), follow=True)
    assert "已保存2031年度评价指标体系" in page_text(response)
    assert sorted(Indicator.objects.filter(system__year=2031).values_list("code", "max_points")) == [
        ("A1", Decimal("50.00")),
        ("A2", Decimal("40.00")),
        ("A3", Decimal("10.00")),
    ]
    assert "风貌管控" in text_of(response, "indicator-table")


def test_publish_and_reopen_from_the_page(client, province_admin, scenario):
    compute(2024)
    client.force_login(province_admin)
    page = client.get("/assessment/2024/")
    assert 'value="吉示范镇办"' in html(page)
    response = client.post("/assessment/2024/publish/", {"doc_prefix": "吉示范镇办"}, follow=True)
    assert text_of(response, "round-state") == "已发布"
    for notice in Notice.objects.filter(round__year=2024):
        assert notice.doc_no.startswith("吉示范镇办〔") and notice.doc_no in page_text(response)
    # Publishing again is refused with the reason; reopening needs a reason.
    assert 'id="publish-form"' not in html(response)
    response = client.post("/assessment/2024/reopen/", {"reason": " "}, follow=True)
    assert "重新开放须填写原因" in page_text(response)
    assert AssessmentRound.objects.get(year=2024).state == "published"
    response = client.post("/assessment/2024/reopen/", {"reason": "更正鹿乡镇得分录入错误"}, follow=True)
    assert text_of(response, "round-state") == "评分中"
    assert "已重新开放：更正鹿乡镇得分录入错误" in text_of(response, "reopened")


# --- the ranking table -----------------------------------------------------------------------------------


def test_the_ranking_shows_ties_with_equal_ranks_vetoed_towns_last_and_unassessed_after(
    client, province_viewer, scenario
):
    compute(2024)
    client.force_login(province_viewer)
    response = client.get("/assessment/2024/rankings/")
    s = scenario
    assert ranks(response) == [
        (s.b.code, "1"),
        (s.a.code, "2"),
        (s.c.code, "2"),
        (s.d.code, "4"),
        (s.e.code, "5"),  # 99 points, but vetoed: below every town without a veto
        (s.f.code, "—"),  # 免评: not ranked
    ]
    rows = dict(town_rows(response, "ranking-table"))
    assert rows[s.e.code][5] == "不合格" and rows[s.e.code][6] == "是"
    assert rows[s.a.code][4] == "90.00" and rows[s.a.code][5] == "优秀" and rows[s.a.code][6] == "否"
    assert rows[s.f.code][5] == "免评"
    assert "待发布的计算结果" in text_of(response, "ranking-proposed")


def test_the_ranking_filters_by_city_and_grade_and_exports_the_same_rows(client, province_viewer, scenario):
    compute(2024)
    client.force_login(province_viewer)
    s = scenario
    by_city = client.get("/assessment/2024/rankings/", {"city": "2202"})
    assert ranks(by_city) == [(s.d.code, "4"), (s.e.code, "5"), (s.f.code, "—")]
    by_grade = client.get("/assessment/2024/rankings/", {"grade": "excellent"})
    assert ranks(by_grade) == [(s.b.code, "1"), (s.a.code, "2"), (s.c.code, "2")]
    both = client.get("/assessment/2024/rankings/", {"city": "2201", "grade": "excellent"})
    assert [code for code, _rank in ranks(both)] == [s.b.code, s.a.code, s.c.code]

    for params, page in (({"city": "2202"}, by_city), ({"grade": "excellent"}, by_grade), ({}, None)):
        page = page or client.get("/assessment/2024/rankings/", params)
        exported = sheet_rows(client.get("/assessment/2024/rankings/export.xlsx", params))
        assert [(row[2], str(row[0]) if row[0] not in (None, "") else "—") for row in exported] == ranks(page)
    header = sheet_header(client.get("/assessment/2024/rankings/export.xlsx"))
    assert header[:9] == [
        "排名",
        "镇",
        "镇区划代码",
        "县（市、区）",
        "市（州）",
        "层级",
        "综合得分",
        "等次",
        "一票否决",
    ]
    everything = sheet_rows(client.get("/assessment/2024/rankings/export.xlsx"))
    assert [row[7] for row in everything][-2:] == ["不合格", "未评"]
    # An unknown grade is a filter error, not an empty success.
    assert "筛选条件有误" in page_text(client.get("/assessment/2024/rankings/", {"grade": "best"}))


def test_the_ranking_shows_each_towns_rank_in_earlier_years(
    client, province_admin, province_viewer, scenario
):
    compute(2024)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    s = scenario
    set_counts(2025)
    score(province_admin, 2025, {s.a: "97", s.b: "80", s.c: "85", s.d: "75", s.e: "88", s.f: "60"})
    compute(2025)
    client.force_login(province_viewer)
    response = client.get("/assessment/2025/rankings/")
    assert "2024年排名" in html(response)
    rows = dict(town_rows(response, "ranking-table"))
    assert rows[s.a.code][0] == "1" and rows[s.a.code][-1] == "2"  # 1st now, 2nd (tied) in 2024
    assert rows[s.f.code][-1] == "未评"
    exported = {row[2]: row for row in sheet_rows(client.get("/assessment/2025/rankings/export.xlsx"))}
    assert exported[s.a.code][-1] == "2"


def test_the_ranking_page_keeps_a_constant_number_of_queries(
    client, province_admin, province_viewer, scenario
):
    compute(2024)
    s = scenario
    more = towns_in(NONGAN, 6, start=2)
    designate_all(more, "provincial")
    score(province_admin, 2025, {**dict.fromkeys(more, "66"), s.a: "90", s.b: "80", s.c: "70", s.d: "60"})
    compute(2025)
    client.force_login(province_viewer)
    with CaptureQueriesContext(connection) as few:
        assert len(ranks(client.get("/assessment/2024/rankings/"))) == 6
    with CaptureQueriesContext(connection) as many:
        assert len(ranks(client.get("/assessment/2025/rankings/"))) == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_county_official_or_partner_sees_nothing_proposed_then_the_published_ranks(
    client, province_admin, county_official, make_user, scenario
):
    compute(2024)
    partner = make_user(Role.PARTNER, username="cdb")
    s = scenario
    for user in (county_official, partner):
        client.force_login(user)
        response = client.get("/assessment/2024/rankings/")
        assert ranks(response) == []
        assert s.a.name not in text_of(response, "ranking-table")
        assert sheet_rows(client.get("/assessment/2024/rankings/export.xlsx")) == []
        page = client.get("/assessment/2024/")
        assert "本年度评价结果尚未发布" in page_text(page)
        assert town_rows(page, "my-results") == [] and 'id="unassessed-table"' not in html(page)
        assert client.get("/assessment/2024/notices/praise/").status_code == 404

    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    client.force_login(county_official)
    assert ranks(client.get("/assessment/2024/rankings/")) == [(s.a.code, "2")]
    mine = town_rows(client.get("/assessment/2024/"), "my-results")
    assert [(code, cells[-1]) for code, cells in mine] == [(s.a.code, "2")]
    client.force_login(partner)
    assert [code for code, _rank in ranks(client.get("/assessment/2024/rankings/"))] == [
        s.b.code,
        s.a.code,
        s.c.code,
        s.d.code,
        s.e.code,
        s.f.code,
    ]


# --- elimination review and talks ----------------------------------------------------------------------------


@pytest.fixture
def two_years(province_admin):
    """长春 (农安县): three provincial towns at 95/91/85 and two city-level towns at 93 (优秀) and 85 (良好);
    吉林 (蛟河市): two provincial towns at 62/55, criticised (bottom 2) in 2024 and 2025. 2024 is published."""
    changchun = towns_in(NONGAN, 3)
    jilin = towns_in(JIAOHE, 2)
    city_level = towns_in(NONGAN, 2, start=3)
    designate_all(changchun + jilin, "provincial")
    designate_all(city_level, "city")
    totals = dict(
        zip(changchun + jilin + city_level, ["95", "91", "85", "62", "55", "93", "85"], strict=True)
    )
    for year in (2024, 2025):
        set_counts(year)
        score(province_admin, year, totals)
        compute(year)
        if year == 2024:
            publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    return changchun, jilin, city_level


def test_the_elimination_review_lists_substitutes_and_a_city_under_its_minimum(
    client, province_admin, province_viewer, two_years
):
    _changchun, jilin, city_level = two_years
    client.force_login(province_viewer)
    response = client.get("/assessment/2025/eliminations/")
    rows = dict(town_rows(response, "elimination-table"))
    assert set(rows) == {jilin[0].code, jilin[1].code}
    worst = rows[jilin[1].code]  # 55 points: the worst chooses first, from the whole province
    assert city_level[0].name in worst[4] and worst[5] == "长春市" and worst[6] == "市级"
    assert worst[7] == "93.00" and worst[8] == "全省"
    assert rows[jilin[0].code][4] == "无可递补"  # the other city-level town is only 良好
    under = text_of(response, "under-minimum-table")
    assert 'data-city="2202"' in html(response) and 'data-city="2201"' not in html(response)
    assert "吉林市 2 2 0 0 缺 2 个" in under
    exported = sheet_rows(client.get("/assessment/2025/eliminations/export.xlsx"))
    assert [(row[1], row[5]) for row in exported] == [
        (jilin[0].code, "无可递补"),
        (jilin[1].code, city_level[0].name),
    ]
    cities = sheet_rows(client.get("/assessment/2025/eliminations/cities.xlsx"))
    assert ["2202", "吉林市", 2, 2, 0, 0, 2] in cities
    assert all(row[0] != "2201" for row in cities)


def test_a_county_sees_its_eliminations_once_published_without_the_other_citys_substitute(
    client, province_admin, other_county_official, two_years
):
    _changchun, jilin, city_level = two_years
    client.force_login(other_county_official)  # 蛟河市, where both eliminated towns are
    assert town_rows(client.get("/assessment/2025/eliminations/"), "elimination-table") == []
    publish(province_admin, year=2025, doc_prefix="吉示范镇办")
    response = client.get("/assessment/2025/eliminations/")
    rows = dict(town_rows(response, "elimination-table"))
    assert set(rows) == {jilin[0].code, jilin[1].code}
    assert "其他市（州）的示范镇" in rows[jilin[1].code][4]
    assert city_level[0].name not in html(response)


def test_talks_are_listed_and_marked_held(
    client, province_admin, province_viewer, county_official, two_years
):
    _changchun, jilin, _city_level = two_years
    client.force_login(province_admin)
    response = client.get("/assessment/2024/talks/")
    rows = dict(town_rows(response, "talk-table"))
    assert set(rows) == {jilin[0].code, jilin[1].code}
    assert all(cells[3] == "待约谈" for cells in rows.values())
    talk = TalkFollowUp.objects.get(round__year=2024, town=jilin[0])
    refused = client.post(f"/assessment/2024/talks/{talk.pk}/held/", {"held_on": ""}, follow=True)
    assert "请填写约谈日期" in page_text(refused)
    response = client.post(
        f"/assessment/2024/talks/{talk.pk}/held/",
        {"held_on": "2025-03-18", "note": "约谈镇党委书记，明确整改时限"},
        follow=True,
    )
    rows = dict(town_rows(response, "talk-table"))
    assert rows[jilin[0].code][3:6] == ["已约谈", "2025年3月18日", "约谈镇党委书记，明确整改时限"]
    assert rows[jilin[1].code][3] == "待约谈" and text_of(response, "talk-pending") == "1"
    exported = {row[0]: row for row in sheet_rows(client.get("/assessment/2024/talks/export.xlsx"))}
    assert exported[jilin[0].code][4:6] == ["已约谈", "2025-03-18"]

    client.force_login(province_viewer)
    assert "标记已约谈" not in html(client.get("/assessment/2024/talks/"))
    other = TalkFollowUp.objects.get(round__year=2024, town=jilin[1])
    assert (
        client.post(f"/assessment/2024/talks/{other.pk}/held/", {"held_on": "2025-03-18"}).status_code == 403
    )
    client.force_login(county_official)  # 双阳区: neither town is in his county
    assert town_rows(client.get("/assessment/2024/talks/"), "talk-table") == []
