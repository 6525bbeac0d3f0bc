"""Pages of issue 8: exemptions (免评), the what-if simulation, the round page's towns still to score, run
confirmation and publication preview, a published year corrected (reopen → correct a score → run → preview
→ publish) with its publication record, superseded notice and cancelled talk; and no page read ever
creating a year's round."""

import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from assessment.models import (
    AssessmentRound,
    Elimination,
    Exemption,
    Indicator,
    IndicatorSystem,
    Notice,
    Publication,
    Result,
    Score,
    TalkFollowUp,
    Veto,
)
from assessment.services import publish, reopen, save_scores
from core.models import Job
from towns.models import Designation

from ..conftest import JIAOHE, NONGAN, town_in
from ..pages import keyed_rows, marked
from .page_helpers import (
    Scenario,
    compute,
    designate_all,
    html,
    page_text,
    points_for,
    score,
    set_counts,
    text_of,
    town_rows,
    towns_in,
)

# The geography must be there even after a transactional test elsewhere flushed the database.
pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def scenario(province_admin):
    return Scenario(province_admin)


def publication_rows(response):
    """[(publication number, [cell texts])] of the publications table."""
    return keyed_rows(response, "publications-table", "data-publication")


def changed(response):
    """[(kind, town or city code)] of the simulation's changes table."""
    return re.findall(r'data-kind="(\w+)" data-code="(\d+)"', text_between(response, "changes-table"))


def text_between(response, element_id):
    page = html(response)
    start = page.find(f'id="{element_id}"')
    return page[start : page.find("</table>", start)] if start >= 0 else ""


def counts():
    """What a read must leave as it found it."""
    models = (AssessmentRound, IndicatorSystem, Indicator, Score, Veto, Exemption, Result, Notice)
    return {
        model.__name__: model.objects.count()
        for model in (*models, Elimination, TalkFollowUp, Publication, LogEntry)
    }


# --- exemptions (免评) --------------------------------------------------------------------------------------


def test_the_exemption_page_lists_exemptions_and_the_province_admin_records_one(
    client, province_admin, province_viewer, scenario
):
    s = scenario
    newcomer = towns_in(JIAOHE, 1, start=3)[0]  # designated, no score yet
    designate_all([newcomer], "provincial")
    client.force_login(province_admin)
    page = client.get("/assessment/2024/exemptions/")
    rows = dict(town_rows(page, "exemption-table"))
    assert list(rows) == [s.f.code]
    assert rows[s.f.code][3:6] == ["镇区整体搬迁，当年不参加评价", "吉示范镇办〔2024〕函2号", "admin"]
    assert 'id="exemption-form"' in html(page)
    # The town field lists no town in the page (a national year has thousands still unscored): it
    # suggests designated towns as they are typed.
    assert '<datalist id="exemption-towns"></datalist>' in html(page)
    assert 'data-suggest="/towns/suggest/" data-suggest-designated="1"' in html(page)
    suggested = client.get("/towns/suggest/", {"q": newcomer.name, "designated": "1"}).json()["results"]
    assert newcomer.code in [town["code"] for town in suggested]
    assert newcomer.code in [
        code for code, _cells in town_rows(client.get("/assessment/2024/"), "unassessed-table")
    ]

    data = {"town": newcomer.code, "reason": "镇区整体搬迁", "doc_no": "吉示范镇办〔2024〕函5号"}
    response = client.post("/assessment/2024/exemptions/", data, follow=True)
    assert f"已登记{newcomer.name}的免评" in page_text(response)
    assert [code for code, _cells in town_rows(response, "exemption-table")] == [s.f.code, newcomer.code]
    assert Exemption.objects.get(town=newcomer).recorded_by == province_admin
    # The town no longer waits for scores on the round page.
    assert town_rows(client.get("/assessment/2024/"), "unassessed-table") == []

    client.force_login(province_viewer)
    page = client.get("/assessment/2024/exemptions/")
    assert [code for code, _cells in town_rows(page, "exemption-table")] == [s.f.code, newcomer.code]
    assert 'id="exemption-form"' not in html(page)


def test_the_exemption_page_reads_as_many_queries_however_many_towns_are_unscored(
    client, province_admin, scenario
):
    client.force_login(province_admin)

    def queries_of_the_page():
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/assessment/2024/exemptions/")
        assert 'id="exemption-form"' in html(page)
        return len(captured)

    queries_of_the_page()  # warm-up: the caches a worker keeps filled once
    few = queries_of_the_page()
    designate_all(towns_in(JIAOHE, 12, start=3), "county")  # designated, no score yet
    assert queries_of_the_page() == few


@pytest.mark.parametrize(
    "role", ["province_viewer", "auditor", "city_official", "county_official", "partner"]
)
def test_only_the_province_admin_records_an_exemption_on_the_page(client, make_user, scenario, role):
    region = {"city_official": "2202", "county_official": JIAOHE}.get(role)
    client.force_login(make_user(role, region))
    town = towns_in(JIAOHE, 1, start=3)[0]
    designate_all([town], "provincial")
    data = {"town": town.code, "reason": "镇区整体搬迁", "doc_no": "吉示范镇办〔2024〕函5号"}
    assert client.post("/assessment/2024/exemptions/", data).status_code == 403
    assert Exemption.objects.count() == 1  # f's alone
    page = client.get("/assessment/2024/exemptions/")
    assert page.status_code == 200 and 'id="exemption-form"' not in html(page)


def test_a_regional_user_sees_the_exemptions_of_its_region_alone(
    client, county_official, other_county_official, scenario
):
    client.force_login(other_county_official)  # 蛟河市, where f is
    assert [code for code, _ in town_rows(client.get("/assessment/2024/exemptions/"), "exemption-table")] == [
        scenario.f.code
    ]
    client.force_login(county_official)  # 双阳区
    page = client.get("/assessment/2024/exemptions/")
    assert town_rows(page, "exemption-table") == []
    assert scenario.f.name not in html(page) and "没有免评的示范镇" in page_text(page)


def test_the_exemption_form_shows_each_refusal_and_records_nothing(client, province_admin, scenario):
    s = scenario
    client.force_login(province_admin)
    plain = town_in(NONGAN, 7)  # a 镇 without any designation

    def post(**changes):
        data = {"town": "", "reason": "镇区整体搬迁", "doc_no": "吉示范镇办〔2024〕函5号", **changes}
        response = client.post("/assessment/2024/exemptions/", data)
        assert response.status_code == 200
        return response

    scored = post(town=s.a.code)
    assert f"{s.a.name}在 2024 年已有得分，不能免评。" in text_of(scored, "exemption-errors")
    assert f'value="{s.a.code}"' in html(scored)  # what was entered stays in the form
    assert f"{s.f.name}在 2024 年已登记免评。" in text_of(post(town=s.f.code), "exemption-errors")
    assert f"{plain.name}在 2024 年不是示范镇。" in text_of(post(town=plain.code), "exemption-errors")
    assert "乡镇“229999999”不存在。" in page_text(post(town="229999999"))
    blank = post(town=s.a.code, reason=" ", doc_no="")
    assert "请填写免评原因。" in page_text(blank) and "请填写免评的文号。" in page_text(blank)
    assert list(Exemption.objects.values_list("town_id", flat=True)) == [s.f.code]


def test_once_scoring_is_closed_the_exemption_form_is_gone_and_a_post_is_refused_visibly(
    client, province_admin, scenario
):
    newcomer = towns_in(JIAOHE, 1, start=3)[0]
    designate_all([newcomer], "provincial")
    compute(2024)
    client.force_login(province_admin)
    assert 'id="exemption-form"' not in html(client.get("/assessment/2024/exemptions/"))
    data = {"town": newcomer.code, "reason": "镇区整体搬迁", "doc_no": "吉示范镇办〔2024〕函5号"}
    response = client.post("/assessment/2024/exemptions/", data, follow=True)
    assert "2024年度评价已计算（待发布），不能再登记免评。如需更正请先重新开放。" in page_text(response)
    assert not Exemption.objects.filter(town=newcomer).exists()


def test_once_scoring_is_closed_a_veto_post_is_refused_visibly_too(client, province_admin, scenario):
    compute(2024)
    client.force_login(province_admin)
    assert 'id="veto-form"' not in html(client.get("/assessment/2024/vetoes/"))
    data = {"town": scenario.a.code, "reason": "砍伐古树名木", "doc_no": "吉林建罚〔2024〕7号"}
    response = client.post("/assessment/2024/vetoes/", data, follow=True)
    assert "2024年度评价已计算（待发布），不能再登记一票否决。如需更正请先重新开放。" in page_text(response)
    assert not Veto.objects.filter(town=scenario.a).exists()


# --- what-if (模拟推演) ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["province_viewer", "auditor", "city_official", "county_official", "partner"]
)
def test_only_the_province_admin_simulates(client, make_user, scenario, role):
    compute(2024)
    region = {"city_official": "2201", "county_official": "220112"}.get(role)
    client.force_login(make_user(role, region))
    assert client.get("/assessment/2024/simulate/").status_code == 403
    assert client.post("/assessment/2024/simulate/", {"bottom_count": "1"}).status_code == 403
    assert 'href="/assessment/2024/simulate/"' not in html(client.get("/assessment/2024/"))


def simulation(**changes):
    data = {
        "excellent_threshold": "90",
        "good_threshold": "80",
        "pass_threshold": "60",
        "top_count": "2",
        "bottom_count": "2",
        "vetoes": "",
        "scores": "",
    }
    return {**data, **changes}


def test_a_simulation_with_fewer_criticised_towns_shows_the_changes_and_saves_nothing(
    client, province_admin, scenario
):
    s = scenario
    compute(2024)  # draft: praise b, a, c (tied 2nd); criticism d (70) and e (vetoed)
    client.force_login(province_admin)
    page = client.get("/assessment/2024/simulate/")
    assert 'href="/assessment/2024/simulate/"' in html(page)
    assert 'name="bottom_count"' in html(page) and 'value="2"' in html(page)  # the round's settings
    before = counts()
    response = client.post("/assessment/2024/simulate/", simulation(bottom_count="1"))
    assert response.status_code == 200
    assert marked(response, "changes-table", "data-kind") == [
        ("criticism", f"通报批评 {s.d.name} {s.d.code} 列入 —")
    ]
    draft, simulated = text_of(response, "draft-side"), text_of(response, "simulated-side")
    assert f"通报批评：{s.d.name}（4）、{s.e.name}（5）" in draft
    assert f"通报批评：{s.e.name}（5）" in simulated and s.d.name not in simulated
    assert f"通报表扬：{s.b.name}（1）、{s.a.name}（2）、{s.c.name}（2）" in simulated
    # Nothing is written: not the results, notices, settings, scores, nor an audit entry.
    assert counts() == before
    assert AssessmentRound.objects.get(year=2024).bottom_count == 2


def test_a_simulation_with_a_hypothetical_veto_and_corrected_points(client, province_admin, scenario):
    s = scenario
    compute(2024)
    client.force_login(province_admin)
    before = counts()
    # b (95) vetoed, d's T01 corrected from 10 to 0 (70 → 60 points).
    response = client.post(
        "/assessment/2024/simulate/", simulation(vetoes=s.b.code, scores=f"{s.d.code} T01 0")
    )
    changes = changed(response)
    assert {("praise", s.b.code), ("criticism", s.b.code), ("criticism", s.d.code)} <= set(changes)
    assert ("grade", s.b.code) in changes and ("grade", s.d.code) not in changes  # 60 is still 合格
    simulated = text_of(response, "simulated-side")
    assert f"通报表扬：{s.a.name}（1）、{s.c.name}（1）" in simulated
    assert f"通报批评：{s.e.name}（4）、{s.b.name}（5）" in simulated
    assert counts() == before
    assert Score.objects.get(town=s.d, indicator__code="T01").points == 10
    assert not Veto.objects.filter(town=s.b).exists()


def test_a_simulation_with_wrong_conditions_says_what_is_wrong(client, province_admin, scenario):
    s = scenario
    compute(2024)
    client.force_login(province_admin)
    before = counts()
    malformed = client.post("/assessment/2024/simulate/", simulation(scores=f"{s.d.code} T01"))
    assert "第 1 行应为“区划代码 指标代码 得分”" in page_text(malformed)
    too_many = client.post("/assessment/2024/simulate/", simulation(scores=f"{s.d.code} T01 11"))
    assert "模拟条件有误" in text_of(too_many, "simulate-errors")
    assert f"{s.d.code} T01" in text_of(too_many, "simulate-errors")
    disordered = client.post("/assessment/2024/simulate/", simulation(good_threshold="95"))
    assert "分数线应满足 100 ≥ 优秀 ≥ 良好 ≥ 合格 ≥ 0" in text_of(disordered, "simulate-errors")
    for response in (malformed, too_many, disordered):
        assert 'id="changes-table"' not in html(response)
    assert counts() == before


# --- the round page: towns still to score, confirmation, publication preview --------------------------------


def test_the_round_page_lists_incomplete_towns_with_their_missing_indicators_and_asks_to_confirm(
    client, province_admin, scenario, django_capture_on_commit_callbacks
):
    s = scenario
    client.force_login(province_admin)
    page = client.get("/assessment/2024/")
    assert 'id="incomplete-card"' not in html(page) and 'id="confirm-incomplete"' not in html(page)
    Score.objects.filter(town=s.d, indicator__code__in=["T14", "T15"]).delete()
    page = client.get("/assessment/2024/")
    rows = dict(town_rows(page, "incomplete-table"))
    assert list(rows) == [s.d.code]
    assert rows[s.d.code][3:6] == ["省级", "13", "T14、T15"]
    assert text_of(page, "incomplete-count") == "1"
    assert 'id="confirm-incomplete"' in html(page) and 'name="confirm_incomplete"' in html(page)

    refused = client.post("/assessment/2024/run/", follow=True)
    assert "2024年度有 1 个镇评分不完整、0 个镇未录入得分" in page_text(refused)
    assert text_of(refused, "round-state") == "评分中"
    assert AssessmentRound.objects.get(year=2024).job_state == "idle"

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/assessment/2024/run/", {"confirm_incomplete": "1"})
    page = client.get("/assessment/2024/")
    assert text_of(page, "round-state") == "已计算（待发布）"
    assert "经 admin 确认，在 1 个镇评分不完整、0 个镇未录入得分 的情况下计算" in text_of(
        page, "run-confirmation"
    )
    assert 'id="incomplete-card"' not in html(page)  # scoring is closed: nothing more to enter


def test_the_publication_preview_of_a_computed_year(client, province_admin, province_viewer, scenario):
    s = scenario
    compute(2024)
    client.force_login(province_admin)
    page = client.get("/assessment/2024/")
    preview = text_of(page, "publication-preview")
    assert "发布将带来的变化（第 1 次发布）" in preview
    notices = dict(marked(page, "publication-preview", "data-preview-notice"))
    assert notices["praise"] == f"通报表扬：编发文号 新列入 {s.a.name}、{s.b.name}、{s.c.name}"
    assert notices["criticism"] == f"通报批评：编发文号 新列入 {s.d.name}、{s.e.name}"
    assert marked(page, "publication-preview", "data-preview-talk") == [
        ("added", f"{s.d.name}：新增约谈"),
        ("added", f"{s.e.name}：新增约谈"),
    ]
    assert marked(page, "publication-preview", "data-preview-change") == []  # first year: no elimination
    assert "将取用 2 个新文号" in preview
    assert 'id="preview-unexempted"' not in html(page)
    assert "发布评价结果" in text_of(page, "publish-card")
    # The preview is the province_admin's, beside the publish form.
    client.force_login(province_viewer)
    assert 'id="publication-preview"' not in html(client.get("/assessment/2024/"))


def test_an_unassessed_provincial_town_without_exemption_blocks_publication(client, province_admin, scenario):
    newcomer = towns_in(JIAOHE, 1, start=3)[0]
    designate_all([newcomer], "provincial")
    compute(2024)
    client.force_login(province_admin)
    page = client.get("/assessment/2024/")
    assert f"{newcomer.name}（{newcomer.code}）" in text_of(page, "preview-unexempted")
    response = client.post("/assessment/2024/publish/", {"doc_prefix": "吉示范镇办"}, follow=True)
    assert f"以下省级示范镇未评且未登记免评：{newcomer.name}（{newcomer.code}）" in page_text(response)
    assert text_of(response, "round-state") == "已计算（待发布）"
    assert not Notice.objects.filter(doc_no__isnull=False).exists() and not Publication.objects.exists()

    # The way out: reopen, exempt it, run again, publish.
    client.post("/assessment/2024/reopen/", {"reason": "补登免评"})
    client.post(
        "/assessment/2024/exemptions/",
        {"town": newcomer.code, "reason": "行政区划调整", "doc_no": "吉示范镇办〔2024〕函6号"},
    )
    compute(2024)
    assert 'id="preview-unexempted"' not in html(client.get("/assessment/2024/"))
    response = client.post("/assessment/2024/publish/", {"doc_prefix": "吉示范镇办"}, follow=True)
    assert text_of(response, "round-state") == "已发布"


def test_the_reopen_card_is_offered_for_computed_failed_and_published_years(client, province_admin, scenario):
    client.force_login(province_admin)
    assert 'id="reopen-card"' not in html(client.get("/assessment/2024/"))  # still being scored
    compute(2024)
    assert 'id="reopen-card"' in html(client.get("/assessment/2024/"))
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    assert 'id="reopen-card"' in html(client.get("/assessment/2024/"))
    # A job that failed leaves scoring closed: reopening lets scores be corrected again.
    set_counts(2025)
    score(province_admin, 2025, dict.fromkeys(scenario.towns[:5], "80"))
    failed = Job.objects.create(
        kind="assessment.run",
        title="2025年度示范镇评价计算",
        state="failed",
        error="计算失败：数据库连接中断",
    )
    AssessmentRound.objects.filter(year=2025).update(state="scoring_closed", job=failed)
    page = client.get("/assessment/2025/")
    assert text_of(page, "job-state") == "失败" and 'id="reopen-card"' in html(page)
    response = client.post("/assessment/2025/reopen/", {"reason": "计算失败后更正得分"}, follow=True)
    assert text_of(response, "round-state") == "评分中"


# --- a published year corrected ------------------------------------------------------------------------------


@pytest.fixture
def eliminated(province_admin):
    """长春 (农安县): three provincial towns at 95/91/85 and two city-level towns at 93 (优秀) and 85 (良好);
    吉林 (蛟河市): two provincial towns at 62/55, criticised (bottom 2) in 2024 and 2025. Both years published:
    in 2025 both 吉林 towns are eliminated, the 55-point one substituted by the 93-point city-level town."""
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
        publish(province_admin, year=year, doc_prefix="吉示范镇办")
    return changchun, jilin, city_level


def active_tier(town):
    return Designation.objects.active().get(town=town).tier


def test_a_published_year_is_corrected_from_the_pages(
    client, province_admin, eliminated, django_capture_on_commit_callbacks
):
    changchun, jilin, city_level = eliminated
    assert not Designation.objects.active().filter(town=jilin[1]).exists()  # eliminated
    assert active_tier(city_level[0]) == "provincial"  # its substitute
    first_criticism = Notice.objects.get(round__year=2025, kind="criticism")
    client.force_login(province_admin)

    response = client.post("/assessment/2025/reopen/", {"reason": "蛟河市得分录入有误"}, follow=True)
    assert text_of(response, "round-state") == "评分中"
    assert 'id="settings-form"' in html(response)  # a reopened published year may correct its settings
    # 55 → 90 for the eliminated town; 93 → 85 for its substitute, no longer 优秀.
    for town, total in ((jilin[1], "90"), (city_level[0], "85")):
        saved = client.post(f"/assessment/2025/scores/{town.code}/", points_for(total), follow=True)
        assert f"已保存{town.name}的" in page_text(saved)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/assessment/2025/run/")

    page = client.get("/assessment/2025/")
    assert text_of(page, "round-state") == "已计算（待发布）"
    assert "更正后重新发布" in text_of(page, "publish-card")
    assert "发布将带来的变化（第 2 次发布）" in text_of(page, "publication-preview")
    assert marked(page, "publication-preview", "data-preview-change") == [
        ("restore", f"{jilin[1].name}：撤销淘汰，恢复省级示范镇"),
        ("revoke", f"{city_level[0].name}：撤销递补，恢复为市级示范镇"),
    ]
    notices = dict(marked(page, "publication-preview", "data-preview-notice"))
    praise = Notice.objects.get(round__year=2025, kind="praise", status="published")
    assert notices["praise"] == f"通报表扬：不变（{praise.doc_no}）"
    assert notices["criticism"] == (
        f"通报批评：重新发文，替代 {first_criticism.doc_no} 新列入 {changchun[2].name} 不再列入 {jilin[1].name}"
    )
    assert marked(page, "publication-preview", "data-preview-talk") == [
        ("added", f"{changchun[2].name}：新增约谈"),
        ("cancelled", f"{jilin[1].name}：撤销约谈"),
    ]
    assert "将取用 2 个新文号（含 1 个更正通知文号）" in text_of(page, "publication-preview")
    # Until it is published again, the published result and designations stay in force.
    assert active_tier(city_level[0]) == "provincial"

    response = client.post("/assessment/2025/publish/", {"doc_prefix": "吉示范镇办"}, follow=True)
    assert text_of(response, "round-state") == "已发布"
    assert (active_tier(jilin[1]), active_tier(city_level[0])) == ("provincial", "city")

    correction = Publication.objects.get(round__year=2025, number=2)
    assert correction.correction_doc_no.startswith("吉示范镇办〔")
    new_criticism = Notice.objects.get(round__year=2025, kind="criticism", status="published")
    publications = dict(publication_rows(response))
    assert list(publications) == ["1", "2"]
    assert publications["1"][4] == "—"  # the first publication needs no correction number
    assert publications["2"][0] == "第 2 次（更正）"
    assert publications["2"][3] == new_criticism.doc_no
    assert publications["2"][4:6] == [correction.correction_doc_no, "蛟河市得分录入有误"]
    assert "撤销淘汰 1 个" in publications["2"][6] and "撤销递补 1 个" in publications["2"][6]

    listed = marked(response, "notice-card", "data-notice-status")
    assert sorted(status for status, _text in listed) == ["published", "published", "superseded"]
    superseded = next(text for status, text in listed if status == "superseded")
    assert f"{first_criticism.doc_no}，2 个镇，已被 {new_criticism.doc_no} 替代" in superseded
    assert f'href="/assessment/2025/notices/criticism/?notice={first_criticism.pk}"' in html(response)

    old = client.get("/assessment/2025/notices/criticism/", {"notice": first_criticism.pk})
    assert text_of(old, "notice-superseded") == (
        f"本通报（{first_criticism.doc_no}）已因评价结果更正被 {new_criticism.doc_no} 替代，原文号保留备查。"
    )
    assert text_of(old, "notice-doc-no") == first_criticism.doc_no
    assert [code for code, _cells in town_rows(old, "notice-towns")] == [jilin[0].code, jilin[1].code]
    current = client.get("/assessment/2025/notices/criticism/")
    assert 'id="notice-superseded"' not in html(current)
    assert [code for code, _cells in town_rows(current, "notice-towns")] == [changchun[2].code, jilin[0].code]


def test_after_a_correction_the_cancelled_talk_shows_without_the_held_form(
    client, province_admin, province_viewer, eliminated
):
    changchun, jilin, _city_level = eliminated
    reopen(province_admin, year=2025, reason="蛟河市得分录入有误")
    save_scores(province_admin, year=2025, town=jilin[1], points_by_code=points_for("90"))
    compute(2025)
    publish(province_admin, year=2025, doc_prefix="吉示范镇办")
    client.force_login(province_admin)
    page = client.get("/assessment/2025/talks/")
    rows = dict(town_rows(page, "talk-table"))
    assert {code: cells[3] for code, cells in rows.items()} == {
        jilin[1].code: "已撤销（结果更正）",
        changchun[2].code: "待约谈",
        jilin[0].code: "待约谈",
    }
    assert rows[jilin[1].code][5] == "结果更正后不再列入通报批评，约谈撤销。"
    assert rows[jilin[1].code][6] == "—"  # no held form for a cancelled talk
    cancelled = TalkFollowUp.objects.get(round__year=2025, town=jilin[1])
    pending = TalkFollowUp.objects.get(round__year=2025, town=jilin[0])
    assert f'id="held-on-{cancelled.pk}"' not in html(page) and f'id="held-on-{pending.pk}"' in html(page)
    assert text_of(page, "talk-pending") == "2"
    # Posting the held form anyway is refused with the reason.
    response = client.post(
        f"/assessment/2025/talks/{cancelled.pk}/held/", {"held_on": "2026-03-18"}, follow=True
    )
    assert f"{jilin[1].name}的约谈已因结果更正撤销，无需登记。" in page_text(response)
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.held_on) == ("cancelled", None)
    client.force_login(province_viewer)
    assert "已撤销（结果更正）" in text_of(client.get("/assessment/2025/talks/"), "talk-table")


# --- reads never create a round -------------------------------------------------------------------------------


YEAR_PAGES = [
    "",
    "progress.json",
    "indicators/",
    "indicators/export.xlsx",
    "unassessed/export.xlsx",
    "scores/",
    "scores/export.xlsx",
    "vetoes/",
    "vetoes/export.xlsx",
    "exemptions/",
    "simulate/",
    "rankings/",
    "rankings/export.xlsx",
    "notices/praise/",
    "notices/criticism.pdf",
    "eliminations/",
    "eliminations/export.xlsx",
    "eliminations/cities.xlsx",
    "talks/",
    "talks/export.xlsx",
]


@pytest.mark.parametrize("role", [Role.PROVINCE_ADMIN, Role.PROVINCE_VIEWER, Role.CITY_OFFICIAL])
def test_no_page_of_a_year_without_a_round_creates_it(client, make_user, role):
    town = town_in(NONGAN, 0)
    designate_all([town], "provincial")
    client.force_login(make_user(role, "2201" if role == Role.CITY_OFFICIAL else None))
    before = counts()
    statuses = {}
    for path in [*YEAR_PAGES, f"scores/{town.code}/"]:
        statuses[path] = client.get(f"/assessment/2031/{path}").status_code
    assert {path for path, status in statuses.items() if status not in (200, 403, 404)} == set()
    assert statuses[""] == statuses["scores/"] == statuses["rankings/"] == statuses["talks/"] == 200
    assert statuses["notices/praise/"] == 404  # nothing computed, nothing to show
    assert counts() == before
    assert not AssessmentRound.objects.filter(year=2031).exists()


def test_a_year_without_a_round_shows_the_defaults(client, province_admin):
    town = town_in(NONGAN, 0)
    designate_all([town], "provincial")
    client.force_login(province_admin)
    before = counts()
    page = client.get("/assessment/2031/")
    settings = text_of(page, "round-settings")
    assert "≥ 90 分" in settings and "≥ 80 分" in settings and "≥ 60 分" in settings
    assert "前 5 名" in settings and "后 5 名" in settings
    assert text_of(page, "indicator-total") == "100"
    assert len(marked(page, "indicator-table", "data-indicator")) == 15
    assert text_of(page, "round-state") == "评分中" and 'id="settings-form"' in html(page)
    assert [code for code, _cells in town_rows(page, "unassessed-table")] == [town.code]
    simulate = client.get("/assessment/2031/simulate/")
    assert 'name="top_count"' in html(simulate) and 'value="5"' in html(simulate)
    # A simulation of that year computes from the defaults and writes nothing either.
    assert (
        client.post("/assessment/2031/simulate/", simulation(top_count="5", bottom_count="5")).status_code
        == 200
    )
    assert counts() == before
