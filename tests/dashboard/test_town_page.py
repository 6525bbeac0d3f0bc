"""A town's page (issue 10, point 6): every app's record of the town in one place, as far as the user's scope
allows; out of scope exactly like a town that does not exist; a constant number of queries."""

import re

import pytest

from accounts.models import Role
from tests.xlsx import workbook_of

from ..pages import html, keyed_rows, page_text, text_of

pytestmark = pytest.mark.usefixtures("jilin")


def page(client, user, town):
    client.force_login(user)
    response = client.get(f"/towns/{town.code}/")
    assert response.status_code == 200
    return response


def rows(response, element_id, key="data-id"):
    return dict(keyed_rows(response, element_id, key))


def without_csrf_token(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_the_province_admin_sees_every_section(client, province_admin, record):
    response = page(client, province_admin, record.town)
    assert "吉示范镇办〔2022〕1号" in text_of(response, "designation-history")

    submissions = text_of(response, "town-submissions")
    assert "第一批示范镇评选" in submissions and "已入选" in submissions and "申报省级示范镇" in submissions
    assert "推荐（已上报 → 市级已推荐）" in submissions and "同意推荐" in submissions
    assert "被拒绝：须经市级推荐后才能审定" in submissions  # the audit log's readers see refused attempts
    assert (
        submissions.index("上报（")
        < submissions.index("同意推荐")
        < submissions.index("审定入选（市级已推荐")
    )

    projects = rows(response, "town-projects")
    assert projects[str(record.reported.pk)][0].startswith("镇区污水管网改造工程")
    assert projects[str(record.reported.pk)][2:] == ["在建", "1,200.00", "300.00", "25.00%", "2025年第1季度"]
    assert projects[str(record.planned.pk)][2:] == ["储备", "800.00", "0.00", "0.00%", "未报送"]
    assert 'data-width="25.00"' in html(response)
    assert "合计 2 个项目 2,000.00 300.00" in text_of(response, "town-projects")

    funding = rows(response, "town-funding", "data-source")
    assert funding == {
        "county_budget": ["县级财政资金", "300.00", "2", ""],
        "social_capital": ["社会资本", "100.00", "1", ""],
    }
    assert text_of(response, "town-funding-total") == "400.00"
    assert 'aria-valuenow="75.0"' in html(response)

    results = rows(response, "town-results", "data-year")
    assert results["2024"] == ["2024", "省级", "61.5", "合格", "2", ""]
    assert (
        results["2025"][3] == "不合格" and "一票否决" in results["2025"][5] and "待发布" in results["2025"][5]
    )
    assert list(results) == ["2025", "2024"]  # newest first
    assert 'id="spec-town-scores"' in html(response) and 'id="spec-town-ranks"' in html(response)
    assert "js/charts.js" in html(response)

    assert "砍伐古树" in text_of(response, "town-vetoes") and "吉建罚〔2025〕2号" in text_of(
        response, "town-vetoes"
    )
    notices = text_of(response, "town-notices")
    assert record.criticism.doc_no in notices and "2024年度通报批评" in notices and "第 2 名" in notices
    assert "2025年度通报批评 待发布" in notices  # the draft, to a province role
    assert "2024 年度 待约谈" in text_of(response, "town-talks")
    assert 'id="tier-change-form"' in html(response)

    # Nothing of the other town.
    assert "蛟河专属项目" not in html(response) and record.other.name not in html(response)
    assert "吉示范镇办〔2022〕2号" not in html(response)


def test_a_county_official_sees_his_town_as_published(client, county_official, record):
    response = page(client, county_official, record.town)
    submissions = text_of(response, "town-submissions")
    assert "同意推荐" in submissions and "被拒绝" not in submissions
    assert list(rows(response, "town-results", "data-year")) == ["2024"]
    notices = text_of(response, "town-notices")
    assert record.criticism.doc_no in notices and "2025" not in notices and "待发布" not in notices
    assert "2024 年度 待约谈" in text_of(response, "town-talks")
    assert "砍伐古树" in text_of(response, "town-vetoes")  # vetoes are listed as soon as recorded
    assert len(rows(response, "town-projects")) == 2 and text_of(response, "town-funding-total") == "400.00"
    assert 'id="tier-change-form"' not in html(response)


@pytest.mark.parametrize(
    ("role", "region", "sees_drafts", "sees_refusals"),
    [
        (Role.PROVINCE_VIEWER, None, True, False),
        (Role.AUDITOR, None, True, True),
        (Role.PARTNER, None, False, False),
        (Role.CITY_OFFICIAL, "2201", False, False),
    ],
)
def test_each_role_sees_what_the_scoping_policy_gives_it(
    client, make_user, record, role, region, sees_drafts, sees_refusals
):
    response = page(client, make_user(role, region), record.town)
    years = list(rows(response, "town-results", "data-year"))
    assert years == (["2025", "2024"] if sees_drafts else ["2024"])
    assert ("待发布" in text_of(response, "town-notices")) == sees_drafts
    assert ("被拒绝" in text_of(response, "town-submissions")) == sees_refusals
    assert len(rows(response, "town-projects")) == 2


@pytest.mark.parametrize("path", ["/towns/{code}/", "/api/v1/towns/{code}/summary/"])
def test_a_town_outside_the_scope_answers_like_one_that_does_not_exist(
    client, other_county_official, county_official, record, path
):
    client.force_login(other_county_official)  # 蛟河市
    outside = client.get(path.format(code=record.town.code))
    missing = client.get(path.format(code="229999999"))
    assert outside.status_code == missing.status_code == 404
    assert without_csrf_token(outside) == without_csrf_token(missing)
    assert record.town.name not in html(outside)
    # His own town is there, without any of the first town's record.
    own = client.get(path.format(code=record.other.code))
    assert own.status_code == 200 and "蛟河专属项目" in html(own) and record.town.name not in html(own)


def test_a_town_without_any_record_says_so(client, county_official):
    from ..conftest import SHUANGYANG, town_in

    response = page(client, county_official, town_in(SHUANGYANG, 1))
    text = page_text(response)
    for empty in (
        "暂无候选镇申报",
        "暂无建设项目",
        "暂无资金安排",
        "暂无评价结果",
        "无一票否决事项",
        "未列入通报",
        "无约谈",
    ):
        assert empty in text
    assert "js/charts.js" not in html(response)


def test_the_town_charts_export_carries_the_charts_numbers(client, province_admin, county_official, record):
    response = page(client, province_admin, record.town)
    assert 'id="town-charts-export" href="?export=xlsx"' in html(response)
    export = client.get(f"/towns/{record.town.code}/", {"export": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = workbook_of(export)
    assert len(workbook.sheetnames) == 2
    scores = workbook[workbook.sheetnames[0]]
    assert [cell.value for cell in scores["A"]][3:] == ["2024年", "2025年"]
    assert 61.5 in [cell.value for row in scores.iter_rows(min_row=4) for cell in row]

    client.force_login(county_official)
    assert client.get(f"/towns/{record.other.code}/", {"export": "xlsx"}).status_code == 404
