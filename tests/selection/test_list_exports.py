"""The rounds' list and a round's candidates export (issue 11, point 3): the page's sort, the user's scope,
the note of what produced the sheet, string cells whatever a round is named, constant queries."""

import pytest

from selection.services import save_round
from tests.conftest import JIAOHE, SHUANGYANG, bulk_submissions, town_in
from tests.pages import html
from tests.xlsx import assert_constant_queries, exported

pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def drafts(make_draft, other_county_official, open_round):
    """Two 双阳区 drafts of the open round and one 蛟河市 draft (吉林市)."""
    ours = [make_draft(town=town_in(SHUANGYANG, index)) for index in range(2)]
    theirs = make_draft(town=town_in(JIAOHE), user=other_county_official)
    return ours, theirs


def test_the_rounds_list_has_its_export_button_and_exports_its_rows(
    client, province_admin, open_round, closed_round, drafts
):
    client.force_login(province_admin)
    page = client.get("/towns/rounds/")
    assert 'id="round-list-export-link"' in html(page)
    sheet, rows = exported(client.get("/towns/rounds/export.xlsx", {"sort": "name"}))
    assert [row[0] for row in rows] == sorted([open_round.name, closed_round.name])
    assert sheet["A1"].value == "候选镇评选批次"
    assert sheet["A2"].value.startswith("筛选条件：全部；排序：批次名称（升序）")
    by_name = {row[0]: row for row in rows}
    assert by_name[open_round.name][4] == "申报中" and by_name[closed_round.name][4] == "已截止"
    assert by_name[open_round.name][-1] == 3 and by_name[closed_round.name][-1] == 0
    # The default order is the page's: latest deadline first.
    _sheet, default = exported(client.get("/towns/rounds/export.xlsx"))
    assert [row[0] for row in default] == [open_round.name, closed_round.name]


def test_the_rounds_counts_are_the_users_scope(client, other_county_official, open_round, drafts):
    client.force_login(other_county_official)
    _sheet, rows = exported(client.get("/towns/rounds/export.xlsx"))
    assert rows[0][-1] == 1  # 蛟河市's own draft only


def test_the_rounds_export_costs_constant_queries(
    client, province_admin, open_round, django_assert_num_queries
):
    client.force_login(province_admin)

    def grow():
        for index in range(3):
            save_round(
                province_admin, name=f"补充批次{index}", tiers=["county"], deadline=open_round.deadline
            )
        bulk_submissions(open_round, province_admin, 5)

    assert_constant_queries(client, "/towns/rounds/export.xlsx", grow, django_assert_num_queries)


def test_a_rounds_candidates_export_in_the_pages_order_and_scope(
    client, county_official, city_official, open_round, drafts
):
    ours, theirs = drafts
    url = f"/towns/rounds/{open_round.pk}/export.xlsx"
    client.force_login(county_official)
    assert 'id="round-detail-export-link"' in html(client.get(f"/towns/rounds/{open_round.pk}/"))
    sheet, rows = exported(client.get(url, {"sort": "-town"}))
    assert [row[0] for row in rows] == sorted((draft.town_id for draft in ours), reverse=True)
    assert all(row[0].startswith(SHUANGYANG) for row in rows) and theirs.town_id not in {r[0] for r in rows}
    assert rows[0][5] == "草稿" and "十四五建设工作方案.pdf" in rows[0][6]
    assert sheet["A2"].value.startswith(f"筛选条件：评选批次：{open_round.name}；排序：镇（降序）")
    client.force_login(city_official)
    _sheet, rows = exported(client.get(url))
    assert {row[3] for row in rows} == {"长春市"}


def test_a_round_named_like_a_formula_exports_as_text(client, province_admin, make_draft):
    import datetime

    from django.utils import timezone

    odd = save_round(
        province_admin,
        name="=1+1 a/b:c?*[x]",
        tiers=["county"],
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    make_draft(selection_round=odd)
    client.force_login(province_admin)
    response = client.get(f"/towns/rounds/{odd.pk}/export.xlsx")
    sheet, rows = exported(response)
    assert sheet.title == "=1+1 abcx 候选镇"
    assert sheet["A1"].value == "=1+1 a/b:c?*[x] 候选镇" and sheet["A1"].data_type == "s"
    assert "评选批次：=1+1 a/b:c?*[x]" in sheet["A2"].value
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert len(rows) == 1
    listed = exported(client.get("/towns/rounds/export.xlsx"))[0]
    cell = next(cell for row in listed.iter_rows(min_row=4) for cell in row[:1] if cell.value == odd.name)
    assert cell.data_type == "s"


def more_candidates(selection_round, user, county, count):
    """count drafts of a county's 镇 with their two documents, as rows (bulk_create)."""
    from selection.models import Submission, SubmissionDocument
    from towns.models import Town

    towns = Town.objects.filter(county_id=county, kind="town").order_by("code")[:count]
    submissions = Submission.objects.bulk_create(
        Submission(round=selection_round, town=town, tier="county", created_by=user) for town in towns
    )
    SubmissionDocument.objects.bulk_create(
        SubmissionDocument(
            submission=submission,
            kind=kind,
            file=f"x/{submission.pk}-{kind}.pdf",
            original_name=f"{kind}.pdf",
            file_type="pdf",
            size=100,
            sha256="0" * 64,
        )
        for submission in submissions
        for kind in ("work_plan", "implementation_plan")
    )


def test_a_rounds_candidates_export_costs_constant_queries(
    client, province_admin, open_round, make_draft, django_assert_num_queries
):
    make_draft()
    client.force_login(province_admin)
    assert_constant_queries(
        client,
        f"/towns/rounds/{open_round.pk}/export.xlsx",
        lambda: more_candidates(open_round, province_admin, JIAOHE, 6),
        django_assert_num_queries,
    )


def test_an_unknown_round_has_no_export(client, province_admin):
    client.force_login(province_admin)
    assert client.get("/towns/rounds/999999/export.xlsx").status_code == 404
