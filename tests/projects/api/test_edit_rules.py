"""Issue 8 point 9 through API v1 (PostgreSQL when DATABASE_URL points to it): a project keeps R5 and R6
under edits. The investment never goes below what is allocated, the recommended bond type does not change
under bond allocations, a project 在建 keeps its approvals, 已完工 needs a 100% report or a recorded reason,
and a write from a stale version answers 409 and changes nothing."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from funding.services import allocate
from projects.models import Project
from projects.services import change_status, submit_report, update_project

from .scenarios import approve

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/"
APPROVALS = {
    "planning_approval_date": "2025-03-01",
    "planning_approval_doc_no": "双规批〔2025〕3号",
    "design_approval_date": "2025-04-01",
    "design_approval_doc_no": "双设批〔2025〕7号",
}


def patch(client, project, **changes):
    return client.patch(f"{URL}{project.pk}/", changes, format="json")


def set_status(client, project, status, **extra):
    return client.post(f"{URL}{project.pk}/status/", {"status": status, **extra}, format="json")


def under_construction(official, project):
    update_project(official, project=project, data=APPROVALS)
    approve(official, project)
    return change_status(official, project=project, status="under_construction")


def updates_of(project):
    return LogEntry.objects.get_for_object(project).filter(action=LogEntry.Action.UPDATE).count()


# --- investment and allocations (R6) ------------------------------------------------------------------------


def test_the_investment_cannot_be_lowered_below_what_is_allocated(
    api_as, county_official, province_admin, make_project, county_quota
):
    project = make_project()  # 1,200.00 万元, general bond
    allocate(province_admin, project=project, source="provincial_general_bond", amount="600.00", year=2026)
    allocate(province_admin, project=project, source="county_budget", amount="100.50", year=2026)
    client = api_as(county_official)
    audited = updates_of(project)
    refused = patch(client, project, investment="700.49")
    assert (refused.status_code, refused.json()) == (
        400,
        {"detail": "总投资不能低于已安排给该项目的资金 700.50 万元（拟改为 700.49 万元）。"},
    )
    project.refresh_from_db()
    assert (project.investment, project.version, updates_of(project)) == (Decimal("1200.00"), 1, audited)
    exact = patch(client, project, investment="700.50")
    assert (exact.status_code, exact.json()["investment"], exact.json()["version"]) == (200, "700.50", 2)
    # …and the project is then fully funded: nothing more can be allocated to it
    more = api_as(province_admin).post(
        "/api/v1/allocations/",
        {"project": project.pk, "source": "social_capital", "amount": "0.01", "year": 2026},
        format="json",
    )
    assert (more.status_code, more.json()["detail"]) == (
        400,
        "安排金额 0.01 万元超过项目尚未落实的资金 0.00 万元。",
    )


# --- the recommended bond type under bond allocations (R5, R6) ----------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"public_welfare": False},
        {"annual_revenue": "10.00"},
        {"special_bond_field": True, "annual_revenue": "90.00", "annual_debt_service": "80.00"},
    ],
)
def test_a_bond_type_change_is_refused_while_bond_allocations_exist(
    api_as, county_official, province_admin, make_project, county_quota, change
):
    project = make_project()
    allocate(province_admin, project=project, source="provincial_general_bond", amount="600.00", year=2026)
    allocate(
        province_admin,
        project=project,
        source="provincial_general_bond",
        amount="100.00",
        year=2026,
        note="第二批",
    )
    # not a bond: not named
    allocate(province_admin, project=project, source="county_budget", amount="50.00", year=2026)
    response = patch(api_as(county_official), project, **change)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("该修改会使推荐债券类型由“一般债券”变为")
    assert (
        "已安排债券资金：2026年省级一般债券 600.00 万元；2026年省级一般债券 100.00 万元。"
        in (response.json()["detail"])
    )
    assert "县级财政资金" not in response.json()["detail"]
    project.refresh_from_db()
    assert (project.public_welfare, project.annual_revenue, project.version) == (True, Decimal("0.00"), 1)
    assert api_as(county_official).get(f"{URL}{project.pk}/").json()["recommended_bond_type"] == "general"


def test_a_change_keeping_the_bond_type_or_without_bond_money_is_accepted(
    api_as, county_official, province_admin, make_project, county_quota
):
    bonded = make_project()
    allocate(province_admin, project=bonded, source="provincial_general_bond", amount="600.00", year=2026)
    client = api_as(county_official)
    kept = patch(client, bonded, special_bond_field=True, name="污水管网（一期）")  # still general
    assert (kept.status_code, kept.json()["recommended_bond_type"]) == (200, "general")
    budget_only = make_project(name="镇区绿化")
    allocate(province_admin, project=budget_only, source="county_budget", amount="300.00", year=2026)
    changed = patch(client, budget_only, public_welfare=False, annual_revenue="30.00")
    assert (changed.status_code, changed.json()["recommended_bond_type"]) == (200, "none")


# --- approvals of a project 在建 (R5 有项目必规划、无设计不动工) ---------------------------------------------------


@pytest.mark.parametrize(
    ("erase", "named"),
    [
        ({"planning_approval_date": None}, "规划批复"),
        ({"planning_approval_doc_no": ""}, "规划批复"),
        ({"design_approval_doc_no": "  "}, "设计批复"),
        ({"planning_approval_date": None, "design_approval_date": None}, "规划批复和设计批复"),
    ],
)
def test_the_approvals_of_a_project_under_construction_cannot_be_erased(
    api_as, county_official, make_project, erase, named
):
    project = under_construction(county_official, make_project())
    response = patch(api_as(county_official), project, **erase)
    assert (response.status_code, response.json()) == (
        400,
        {"detail": f"项目在建，{named}（日期和文号）不能删除：有项目必规划、无设计不动工。"},
    )
    project.refresh_from_db()
    assert project.has_planning_approval and project.has_design_approval


def test_approvals_may_be_corrected_when_built_and_erased_before(api_as, county_official, make_project):
    client = api_as(county_official)
    built = under_construction(county_official, make_project())
    corrected = patch(client, built, design_approval_doc_no="双设批〔2025〕8号")
    assert (corrected.status_code, corrected.json()["design_approval_doc_no"]) == (200, "双设批〔2025〕8号")
    approved = make_project(name="镇区公厕")
    update_project(county_official, project=approved, data=APPROVALS)
    approve(county_official, approved)
    erased = patch(client, approved, planning_approval_date=None)  # 已批复, not yet built
    assert (erased.status_code, erased.json()["planning_approval_date"]) == (200, None)


def test_a_completed_project_is_not_edited_at_all(api_as, county_official, make_project):
    project = under_construction(county_official, make_project())
    submit_report(
        county_official,
        project=project,
        period_type="month",
        year=2025,
        number=6,
        cumulative_investment="1200.00",
        percent_complete="100",
    )
    assert set_status(api_as(county_official), project, "completed").status_code == 200
    response = patch(api_as(county_official), project, planning_approval_doc_no="")
    assert (response.status_code, response.json()) == (400, {"detail": "项目状态为“已完工”，不能再修改。"})


# --- 已完工 needs a 100% report or a reason (R5) ------------------------------------------------------------------


def test_completion_needs_the_latest_report_at_100_percent(api_as, county_official, make_project):
    project = under_construction(county_official, make_project())
    client = api_as(county_official)
    unreported = set_status(client, project, "completed")
    assert (unreported.status_code, unreported.json()) == (
        400,
        {
            "detail": "项目尚未报送进度：转为已完工须最近一期进度报送的形象进度为 100%，"
            "或填写未达 100% 即完工的说明。"
        },
    )
    submit_report(
        county_official,
        project=project,
        period_type="month",
        year=2025,
        number=5,
        cumulative_investment="900.00",
        percent_complete="80",
    )
    short = set_status(client, project, "completed", completion_note="   ")
    assert (short.status_code, short.json()) == (
        400,
        {
            "detail": "最近一期进度报送（2025年5月）的形象进度为 80.00%：转为已完工须为 100%，"
            "或填写未达 100% 即完工的说明。"
        },
    )
    submit_report(
        county_official,
        project=project,
        period_type="month",
        year=2025,
        number=6,
        cumulative_investment="1200.00",
        percent_complete="100",
    )
    done = set_status(client, project, "completed")
    assert (done.status_code, done.json()["status"], done.json()["completion_note"]) == (200, "completed", "")


def test_completion_with_a_reason_records_it_visibly_and_audited(api_as, county_official, make_project):
    project = under_construction(county_official, make_project())
    submit_report(
        county_official,
        project=project,
        period_type="month",
        year=2025,
        number=5,
        cumulative_investment="900.00",
        percent_complete="80",
    )
    reason = "剩余绿化工程因季节原因调整至下一年度单独立项，主体工程已于 2025 年 6 月竣工验收"
    response = set_status(api_as(county_official), project, "completed", completion_note=f"  {reason} ")
    assert response.status_code == 200, response.content
    item = response.json()
    assert (item["status"], item["completion_note"], item["version"]) == ("completed", reason, 5)
    assert api_as(county_official).get(URL).json()["results"][0]["completion_note"] == reason
    entry = LogEntry.objects.get_for_object(project).order_by("-timestamp", "-id").first()
    assert entry.changes_dict["completion_note"] == ["", reason]
    assert entry.changes_dict["status"] == ["under_construction", "completed"]


def test_a_completion_note_belongs_to_completion_only(api_as, county_official, make_project):
    project = make_project()
    client = api_as(county_official)
    response = set_status(client, project, "approved", completion_note="提前说明")
    assert (response.status_code, response.json()) == (400, {"detail": "完工说明只在转为已完工时填写。"})
    sent = patch(client, project, completion_note="写在项目上")
    assert sent.status_code == 400 and sent.json()["detail"].startswith("不能填写的字段：completion_note")
    project.refresh_from_db()
    assert (project.status, project.completion_note) == ("planned", "")


# --- versions: a stale write answers 409 and changes nothing ---------------------------------------------------


def test_a_patch_from_a_stale_version_is_refused_with_409(api_as, county_official, make_project):
    project = make_project()
    client = api_as(county_official)
    read = client.get(f"{URL}{project.pk}/").json()
    assert read["version"] == 1
    first = patch(client, project, name="甲修改", version=read["version"])
    assert (first.status_code, first.json()["version"]) == (200, 2)
    second = patch(client, project, investment="900.00", version=read["version"])
    assert (second.status_code, second.json()) == (
        409,
        {
            "detail": "该项目已被他人修改（您提交的是第 1 版，当前为第 2 版），未保存您的修改。"
            "请核对当前内容后重新提交。"
        },
    )
    project.refresh_from_db()
    assert (project.name, project.investment, project.version) == ("甲修改", Decimal("1200.00"), 2)
    # Without a version the edit applies to the latest project and keeps the other change.
    latest = patch(client, project, investment="900.00")
    assert (latest.status_code, latest.json()["name"], latest.json()["version"]) == (200, "甲修改", 3)
    bad = patch(client, project, version=0)
    assert (bad.status_code, list(bad.json())) == (400, ["version"])


def test_a_status_change_from_a_stale_version_is_refused_with_409(api_as, county_official, make_project):
    project = make_project()
    client = api_as(county_official)
    assert set_status(client, project, "approved", version=1).json()["version"] == 2
    stale = set_status(client, project, "cancelled", version=1)
    assert stale.status_code == 409
    assert "当前为第 2 版" in stale.json()["detail"]
    project.refresh_from_db()
    assert (project.status, project.version) == ("approved", 2)
    assert set_status(client, project, "cancelled", version=2).status_code == 200


def test_a_new_project_has_no_version_to_send(api_as, county_official, demo_town):
    from ...conftest import PROJECT_DATA

    response = api_as(county_official).post(
        URL, {"town": demo_town.code, **PROJECT_DATA, "version": 3}, format="json"
    )
    assert response.status_code == 400 and "version" in response.json()["detail"]
    assert not Project.objects.exists()
