"""The to-do list (待办事项, issue 10, point 5): complete per role, overdue first, each line linking to where it
is done; the /towns/inbox/ page, the home card and GET /api/v1/todo/ show the same items; a constant number of
queries whatever the number of items."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from assessment.models import AssessmentRound, TalkFollowUp
from assessment.services import ensure_round, save_scores
from dashboard.choices import TodoKind
from dashboard.todo import todo_items
from projects.models import Project
from projects.rules import period_of, previous_period
from projects.services import change_status
from selection.services import transition
from towns.models import Town
from towns.services import designate

from ..conftest import CHANGCHUN, JIAOHE, NONGAN, SHUANGYANG, town_in
from ..pages import html, keyed_rows, text_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture(autouse=True)
def monthly(settings):
    settings.PROGRESS_PERIOD = "month"


def kinds(items):
    return [item.kind for item in items]


def talk_for(town, *, due_on, year=YEAR - 1, status="pending"):
    """A 约谈 of a published year (talks follow a publication)."""
    assessment_round = ensure_round(year)
    AssessmentRound.objects.filter(pk=assessment_round.pk).update(state="published")
    return TalkFollowUp.objects.create(round=assessment_round, town=town, due_on=due_on, status=status)


def unit_in(county_code, index):
    """The index-th township-level unit (镇, 乡 or 街道) of a county: 双阳 has three 镇 only."""
    return Town.objects.filter(county_id=county_code).order_by("code")[index]


def another_round(province_admin, index):
    from selection.services import save_round

    return save_round(
        province_admin,
        name=f"补充评选第{index}批",
        tiers=["county"],
        deadline=TODAY + datetime.timedelta(days=40 + index),
    )


def filed_long_ago(project):
    """A project filed before the period that ended last, so its report for that period is overdue."""
    Project.objects.filter(pk=project.pk).update(created_at=timezone.now() - datetime.timedelta(days=100))


# --- the county --------------------------------------------------------------------------------------------


@pytest.fixture
def county_work(
    make_draft, make_project, county_official, city_official, other_county_official, province_admin
):
    """双阳: a draft, a returned draft, a submitted one (the city's now); a project overdue for last period
    and unreported this one; a pending 约谈 overdue, one due later, one held; 蛟河's talk and draft."""
    draft = make_draft(town=town_in(SHUANGYANG, 1))  # 0 is the projects' provincial town
    returned = make_draft(town=town_in(SHUANGYANG, 2))
    transition(county_official, submission_id=returned.pk, action="submit")
    transition(city_official, submission_id=returned.pk, action="return", comment="请补充投资测算")
    submitted = make_draft(town=town_in(SHUANGYANG, 1), selection_round=another_round(province_admin, 1))
    transition(county_official, submission_id=submitted.pk, action="submit")
    make_draft(town=town_in(JIAOHE, 0), user=other_county_official)

    project = make_project(name="镇区道路")
    change_status(county_official, project=project, status="approved")
    filed_long_ago(project)
    planned = make_project(name="储备项目")  # not due to report
    late_talk = talk_for(unit_in(SHUANGYANG, 0), due_on=TODAY - datetime.timedelta(days=2))
    later_talk = talk_for(unit_in(SHUANGYANG, 1), due_on=TODAY + datetime.timedelta(days=20))
    talk_for(unit_in(SHUANGYANG, 2), due_on=TODAY - datetime.timedelta(days=9), status="held")
    talk_for(town_in(JIAOHE, 1), due_on=TODAY - datetime.timedelta(days=9))
    return {
        "draft": draft,
        "returned": returned,
        "submitted": submitted,
        "project": project,
        "planned": planned,
        "late_talk": late_talk,
        "later_talk": later_talk,
    }


def test_the_countys_list_is_complete_and_overdue_first(county_official, county_work):
    items = todo_items(county_official)
    w = county_work
    refs = [item.ref for item in items]
    project = f"project:{w['project'].pk}"
    assert set(refs[:2]) == {project, f"talk:{w['late_talk'].pk}"}  # overdue first…
    assert items[0].due <= items[1].due  # …the earliest due first
    assert all(item.overdue for item in items[:2]) and not any(item.overdue for item in items[2:])
    assert [item.due for item in items[2:]] == sorted(item.due for item in items[2:])
    assert sorted(refs[2:]) == sorted(
        [
            f"submission:{w['draft'].pk}",
            f"submission:{w['returned'].pk}",
            project,  # this period, not reported yet either
            f"talk:{w['later_talk'].pk}",
        ]
    )
    by_kind = {item.kind: item for item in items}
    assert set(by_kind) == {
        TodoKind.PROGRESS_OVERDUE,
        TodoKind.TALK,
        TodoKind.DRAFT,
        TodoKind.RETURNED,
        TodoKind.PROGRESS,
    }
    returned = by_kind[TodoKind.RETURNED]
    assert returned.mark == "已退回" and returned.detail == "退回意见：请补充投资测算"
    assert returned.link == f"/towns/submissions/{w['returned'].pk}/"
    assert returned.due == w["returned"].round.deadline
    assert by_kind[TodoKind.DRAFT].mark == ""

    ended, current = previous_period(TODAY, "month"), period_of(TODAY, "month")
    overdue = by_kind[TodoKind.PROGRESS_OVERDUE]
    assert overdue.title == f"报送{ended.label}进度：{w['project'].town.name}“镇区道路”"
    assert (overdue.due, overdue.mark) == (ended.end, "已逾期")
    assert overdue.link == f"/projects/{w['project'].pk}/#report-card"
    assert by_kind[TodoKind.PROGRESS].due == current.end
    late = next(item for item in items if item.ref == f"talk:{w['late_talk'].pk}")
    assert late.title == f"落实约谈：双阳区{w['late_talk'].town.name}" and late.mark == "已逾期"
    assert late.link == f"/assessment/{YEAR - 1}/talks/"
    assert f"project:{w['planned'].pk}" not in refs


def test_a_returned_draft_resubmitted_leaves_the_countys_list(county_official, county_work):
    transition(county_official, submission_id=county_work["returned"].pk, action="submit")
    assert f"submission:{county_work['returned'].pk}" not in [i.ref for i in todo_items(county_official)]


# --- the city ------------------------------------------------------------------------------------------


@pytest.fixture
def scoring_year(province_admin):
    """An open year with four provincial towns: 双阳 a unscored, 农安 b scored in part, 农安 c complete; 蛟河 d
    unscored (another city)."""
    a, b, c, d = town_in(SHUANGYANG, 0), town_in(NONGAN, 0), town_in(NONGAN, 1), town_in(JIAOHE, 0)
    for town in (a, b, c, d):
        designate(town, "provincial", YEAR - 2)
    save_scores(province_admin, year=YEAR, town=b, points_by_code={"T01": "8"})
    full = {f"T{n:02d}": "1" for n in range(1, 16)}
    save_scores(province_admin, year=YEAR, town=c, points_by_code=full)
    return a, b, c, d


def test_the_citys_list(city_official, county_official, make_draft, scoring_year):
    a, b, _c, d = scoring_year
    submitted = make_draft(town=town_in(SHUANGYANG, 1))
    transition(county_official, submission_id=submitted.pk, action="submit")
    make_draft(town=town_in(SHUANGYANG, 2))  # a draft is still the county's
    talk = talk_for(town_in(NONGAN, 2), due_on=TODAY + datetime.timedelta(days=3))
    talk_for(town_in(JIAOHE, 1), due_on=TODAY)
    items = todo_items(city_official)
    assert [(item.kind, item.ref) for item in items] == [
        (TodoKind.TALK, f"talk:{talk.pk}"),
        (TodoKind.REVIEW, f"submission:{submitted.pk}"),
        (TodoKind.UNSCORED, f"town:{a.code}"),
        (TodoKind.INCOMPLETE, f"town:{b.code}"),
    ]
    review, unscored, incomplete = items[1:]
    assert review.title == f"审核推荐：双阳区{submitted.town.name}（县级）"
    assert unscored.title == f"录入{YEAR}年度得分：双阳区{a.name}"
    assert unscored.link == f"/assessment/{YEAR}/scores/{a.code}/"
    assert incomplete.detail.startswith("省级示范镇，已录入 1 项，缺 T02、T03")
    assert d.code not in " ".join(item.ref for item in items)


def test_a_closed_or_computed_year_asks_the_city_for_nothing(city_official, scoring_year):
    AssessmentRound.objects.filter(year=YEAR).update(state="computed")
    assert todo_items(city_official) == []


# --- the province ----------------------------------------------------------------------------------------


def test_the_province_admins_list(province_admin, county_official, city_official, make_draft, scoring_year):
    recommended = make_draft(town=town_in(SHUANGYANG, 1))
    transition(county_official, submission_id=recommended.pk, action="submit")
    transition(city_official, submission_id=recommended.pk, action="recommend")
    AssessmentRound.objects.filter(pk=ensure_round(YEAR - 1).pk).update(state="computed")
    talk = talk_for(town_in(JIAOHE, 1), due_on=TODAY - datetime.timedelta(days=1), year=YEAR - 2)
    items = todo_items(province_admin)
    assert [item.kind for item in items] == [
        TodoKind.TALK,
        TodoKind.DECISION,
        TodoKind.UNPUBLISHED,
        TodoKind.UNSCORED,
        TodoKind.INCOMPLETE,
    ]
    assert items[0].ref == f"talk:{talk.pk}" and items[0].overdue
    decision, unpublished, unscored, incomplete = items[1:]
    assert decision.title == f"审定：长春市双阳区{recommended.town.name}（县级）"
    assert unpublished.title == f"审核发布：{YEAR - 1}年度示范镇评价"
    assert unpublished.link == f"/assessment/{YEAR - 1}/"
    a, _b, _c, d = scoring_year
    assert unscored.title == f"{YEAR}年度评价：2 个示范镇未评分"
    assert unscored.detail == f"双阳区{a.name}、蛟河市{d.name}"
    assert unscored.link == f"/assessment/{YEAR}/scores/"
    assert incomplete.title == f"{YEAR}年度评价：1 个示范镇评分不完整"


@pytest.mark.parametrize("role", [Role.PROVINCE_VIEWER, Role.AUDITOR, Role.PARTNER])
def test_roles_that_act_on_nothing_have_an_empty_list(make_user, role, county_work):
    assert todo_items(make_user(role)) == []


# --- constant queries ------------------------------------------------------------------------------------


def county_rows(count, make_draft, make_project, county_official, province_admin):
    for index in range(count):
        make_draft(town=town_in(SHUANGYANG, 1), selection_round=another_round(province_admin, index))
        project = make_project(name=f"项目{index}")
        change_status(county_official, project=project, status="approved")
        filed_long_ago(project)
        talk_for(unit_in(SHUANGYANG, index), due_on=TODAY)


@pytest.mark.parametrize("count", [1, 6])
def test_the_countys_list_takes_the_same_queries_for_any_size(
    count, make_draft, make_project, county_official, province_admin, django_assert_num_queries
):
    county_rows(count, make_draft, make_project, county_official, province_admin)
    with django_assert_num_queries(4):  # submissions, two periods' projects, talks
        items = todo_items(county_official)
    assert len(items) == 4 * count


def city_rows(count, province_admin):
    towns = list(Town.objects.filter(city_id=CHANGCHUN, kind="town").order_by("code")[: 2 * count])
    for town in towns:
        designate(town, "provincial", YEAR - 2)
    for town in towns[:count]:
        save_scores(province_admin, year=YEAR, town=town, points_by_code={"T01": "5"})
    for town in towns:
        talk_for(town, due_on=TODAY)


@pytest.mark.parametrize("count", [1, 6])
@pytest.mark.parametrize("role", ["city", "province"])
def test_the_city_and_province_lists_take_the_same_queries_for_any_size(
    count, role, province_admin, city_official, django_assert_num_queries
):
    city_rows(count, province_admin)
    user = city_official if role == "city" else province_admin
    # submissions, the unfinished years, an open year's scoring gaps (designations, scores, vetoes,
    # exemptions, indicators, the year before, the towns), talks
    with django_assert_num_queries(13):
        items = todo_items(user)
    expected = 4 * count if role == "city" else 2 * count + 2
    assert len(items) == expected


# --- the page, the home card, the API ------------------------------------------------------------------


def test_the_page_lists_every_line_overdue_first_with_its_link(client, county_official, county_work):
    client.force_login(county_official)
    response = client.get("/towns/inbox/")
    rows = keyed_rows(response, "inbox-table", "data-ref")
    items = todo_items(county_official)
    assert [ref for ref, _cells in rows] == [item.ref for item in items]
    project = [cells for ref, cells in rows if ref == f"project:{county_work['project'].pk}"]
    assert [cells[0].split(" ")[0] for cells in project] == ["逾期未报送进度的项目", "本期未报送进度的项目"]
    assert project[0][0].startswith("逾期未报送进度的项目 已逾期 报送")
    returned = dict(rows)[f"submission:{county_work['returned'].pk}"]
    assert "被退回的候选镇申报 已退回" in returned[0] and returned[1] == "退回意见：请补充投资测算"
    assert f'href="/towns/submissions/{county_work["returned"].pk}/">办理</a>' in html(response)
    assert (
        text_of(response, "todo-count") == str(len(items))
        and text_of(response, "todo-overdue") == "2 项已逾期"
    )
    assert 'class="todo-overdue"' in html(response)


def test_the_home_card_shows_the_first_lines_and_how_many_more(
    client, county_official, make_draft, make_project, province_admin
):
    county_rows(3, make_draft, make_project, county_official, province_admin)  # 12 items
    client.force_login(county_official)
    home = client.get("/")
    assert len(keyed_rows(home, "home-inbox-table", "data-ref")) == 8
    assert text_of(home, "home-todo-count") == "12"
    assert "另有 4 项，查看全部待办" in text_of(home, "home-inbox")


def test_the_api_returns_the_same_items(api_as, client, county_official, county_work):
    body = api_as(county_official).get("/api/v1/todo/").json()
    items = todo_items(county_official)
    assert body["count"] == len(items)
    assert [row["ref"] for row in body["results"]] == [item.ref for item in items]
    returned = next(row for row in body["results"] if row["kind"] == "returned")
    assert returned == {
        "kind": "returned",
        "kind_label": "被退回的候选镇申报",
        "title": f"修改后重新上报：{county_work['returned'].town.name}（县级）",
        "detail": "退回意见：请补充投资测算",
        "link": f"/towns/submissions/{county_work['returned'].pk}/",
        "due": county_work["returned"].round.deadline.isoformat(),
        "overdue": False,
        "mark": "已退回",
        "ref": f"submission:{county_work['returned'].pk}",
    }
    assert api_as(None).get("/api/v1/todo/").status_code in (401, 403)


def test_the_api_answers_an_empty_list_to_a_viewer(api_as, province_viewer, county_work):
    assert api_as(province_viewer).get("/api/v1/todo/").json() == {"count": 0, "results": []}
