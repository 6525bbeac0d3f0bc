"""Score entry, score import and vetoes on the assessment pages (issue 5, R7): who may enter which town's
points, refused points with their reason, an import that imports nothing while one row is wrong."""

import pytest

from accounts.models import Role
from assessment.models import Score, Veto
from assessment.services import ensure_round, publish, record_exemption, record_veto, save_scores

from ..conftest import JIAOHE, PDF_BYTES, SHUANGYANG, town_in, upload
from .page_helpers import compute, designate_all, html, page_text, sheet_rows, text_of, town_rows

# The geography must be there even after a transactional test elsewhere flushed the database.
pytestmark = pytest.mark.usefixtures("jilin")


@pytest.fixture
def towns(jilin):
    """鹿乡镇 (双阳区, 长春市) and a town of 蛟河市 (吉林市), both provincial; the 2024 round exists."""
    mine, foreign = town_in(SHUANGYANG, 0), town_in(JIAOHE, 0)
    designate_all([mine, foreign], "provincial")
    ensure_round(2024)
    return mine, foreign


def score_url(town, year=2024):
    return f"/assessment/{year}/scores/{town.code}/"


def test_a_city_official_enters_the_scores_of_his_town(client, city_official, towns):
    mine, _foreign = towns
    client.force_login(city_official)
    listing = client.get("/assessment/2024/scores/")
    assert [code for code, _cells in town_rows(listing, "score-table")] == [mine.code]
    form = client.get(score_url(mine))
    assert 'name="T01"' in html(form) and 'name="T15"' in html(form)
    assert "满分" in html(form) and text_of(form, "score-entry-table").count("T0") >= 9

    response = client.post(score_url(mine), {"T01": "8.5", "T02": "10", "T03": ""}, follow=True)
    assert "已保存鹿乡镇的 2 项得分" in page_text(response)
    assert text_of(response, "score-composite") == "18.50"
    assert 'value="8.5"' in html(response)
    assert dict(Score.objects.filter(town=mine).values_list("indicator__code", "points")) == {
        "T01": 8.5,
        "T02": 10,
    }
    listing = client.get("/assessment/2024/scores/")
    cells = dict(town_rows(listing, "score-table"))[mine.code]
    assert cells[4] == "2 / 15" and cells[5] == "18.50"
    exported = sheet_rows(client.get("/assessment/2024/scores/export.xlsx"))
    assert [(row[0], row[5], row[-1]) for row in exported] == [(mine.code, 8.5, 18.5)]


def test_a_city_official_is_refused_for_a_town_of_another_city(client, city_official, towns):
    _mine, foreign = towns
    client.force_login(city_official)
    assert client.get(score_url(foreign)).status_code == 404
    assert client.post(score_url(foreign), {"T01": "5"}).status_code == 404
    assert not Score.objects.filter(town=foreign).exists()
    assert foreign.name not in html(client.get("/assessment/2024/scores/"))


def test_read_only_roles_see_the_points_but_may_not_enter_them(
    client, city_official, county_official, province_viewer, towns
):
    mine, _foreign = towns
    save_scores(city_official, year=2024, town=mine, points_by_code={"T01": "7"})
    for user in (county_official, province_viewer):
        client.force_login(user)
        page = client.get(score_url(mine))
        assert page.status_code == 200 and 'name="T01"' not in html(page)
        assert client.post(score_url(mine), {"T01": "9"}).status_code == 403
    assert Score.objects.get(town=mine).points == 7
    # The province sees the entered points; a county sees them once the year is published.
    client.force_login(province_viewer)
    assert text_of(client.get(score_url(mine)), "score-composite") == "7.00"
    client.force_login(county_official)
    assert text_of(client.get(score_url(mine)), "score-composite") == "—"


def test_out_of_range_points_are_refused_with_the_message(client, city_official, towns):
    mine, _foreign = towns
    client.force_login(city_official)
    response = client.post(score_url(mine), {"T01": "11", "T02": "9", "T03": "abc"})
    assert response.status_code == 200
    errors = page_text(response)
    assert "得分未保存" in errors
    assert "T01 园区基础设施：得分 11 超出 0–10" in errors
    assert "得分“abc”不是有效的数字" in errors
    assert 'value="11"' in html(response) and "is-invalid" in html(response)
    assert not Score.objects.exists()  # the valid T02 is not saved either


def score_file(rows):
    lines = ["town_code,indicator_code,points", *(",".join(row) for row in rows)]
    return upload("2024年度评价得分.csv", "\n".join(lines).encode())


def test_an_import_with_one_bad_row_imports_nothing_and_lists_the_row(client, province_admin, towns):
    mine, foreign = towns
    client.force_login(province_admin)
    bad = score_file([(mine.code, "T01", "8"), (mine.code, "T02", "12"), (foreign.code, "T01", "6")])
    response = client.post("/assessment/2024/scores/import/", {"file": bad})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    errors = text_of(preview, "import-errors")
    assert "有 1 行错误，不能导入" in errors and "没有写入任何数据" in errors
    rows = html(preview)
    assert "得分 12 超出 0–10" in rows.split('data-row="3"')[1].split("</tr>")[0]
    assert 'id="import-confirm-form"' not in rows
    assert not Score.objects.exists()

    good = score_file([(mine.code, "T01", "8"), (mine.code, "T02", "9.5"), (foreign.code, "T01", "6")])
    response = client.post("/assessment/2024/scores/import/", {"file": good})
    assert not Score.objects.exists()  # nothing before the confirm
    result = client.post(f"{response['Location']}confirm/", follow=True)
    assert "导入完成：新增 3 行，修改 0 行，未变 0 行。" in page_text(result)
    response = client.get("/assessment/2024/scores/")
    composites = {code: cells[5] for code, cells in town_rows(response, "score-table")}
    assert composites == {mine.code: "17.50", foreign.code: "6.00"}


def test_only_the_province_imports_score_files(client, city_official, towns):
    mine, _foreign = towns
    client.force_login(city_official)
    assert 'id="score-import-card"' not in html(client.get("/assessment/2024/scores/"))
    response = client.post("/assessment/2024/scores/import/", {"file": score_file([(mine.code, "T01", "8")])})
    assert response.status_code == 403
    assert not Score.objects.exists()


def test_province_admin_records_a_veto_with_its_document(
    client, province_admin, county_official, other_county_official, towns
):
    mine, foreign = towns
    client.force_login(province_admin)
    page = client.get("/assessment/2024/vetoes/")
    # The town field offers designated towns as they are typed (/towns/suggest/), never every one as options.
    assert 'data-suggest="/towns/suggest/" data-suggest-designated="1"' in html(page)
    assert f'<option value="{foreign.code}">' not in html(page)
    response = client.post(
        "/assessment/2024/vetoes/",
        {
            "town": foreign.code,
            "reason": "拆除历史建筑",
            "doc_no": "吉建罚〔2024〕7号",
            "document": upload("处罚决定书.pdf", PDF_BYTES),
        },
        follow=True,
    )
    assert f"已登记{foreign.name}的一票否决事项" in page_text(response)
    cells = dict(town_rows(response, "veto-table"))[foreign.code]
    assert cells[3:6] == ["拆除历史建筑", "吉建罚〔2024〕7号", "下载"]
    veto = Veto.objects.get(town=foreign)
    download = client.get(f"/assessment/2024/vetoes/{veto.pk}/document/")
    assert b"".join(download.streaming_content) == PDF_BYTES
    exported = sheet_rows(client.get("/assessment/2024/vetoes/export.xlsx"))
    assert [(row[0], row[4], row[6]) for row in exported] == [(foreign.code, "拆除历史建筑", "有")]

    # A file that is not what its name says, an unknown code: refused, nothing recorded.
    refused = client.post(
        "/assessment/2024/vetoes/",
        {"town": mine.code, "reason": "砍伐古树", "document": upload("证明.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert "可执行程序" in text_of(refused, "veto-form-card")
    refused = client.post("/assessment/2024/vetoes/", {"town": "220112999", "reason": "砍伐古树"})
    assert "区划代码 220112999 不存在" in text_of(refused, "veto-form-card")
    assert Veto.objects.count() == 1

    # Vetoes are scoped, and only the province records them.
    client.force_login(other_county_official)
    assert [code for code, _cells in town_rows(client.get("/assessment/2024/vetoes/"), "veto-table")] == [
        foreign.code
    ]
    client.force_login(county_official)
    listing = client.get("/assessment/2024/vetoes/")
    assert town_rows(listing, "veto-table") == [] and 'id="veto-form"' not in html(listing)
    assert client.get(f"/assessment/2024/vetoes/{veto.pk}/document/").status_code == 404
    assert client.post("/assessment/2024/vetoes/", {"town": mine.code, "reason": "x"}).status_code == 403


def test_a_partner_reads_scores_only_once_published(client, make_user, province_admin, towns):
    mine, foreign = towns
    save_scores(province_admin, year=2024, town=mine, points_by_code={"T01": "7"})
    record_veto(province_admin, year=2024, town=mine, reason="发生重大安全事故")
    record_exemption(
        province_admin, year=2024, town=foreign, reason="镇区整体搬迁", doc_no="吉示范镇办〔2024〕函3号"
    )
    partner = make_user(Role.PARTNER, username="adbc")
    client.force_login(partner)
    cells = dict(town_rows(client.get("/assessment/2024/scores/"), "score-table"))[mine.code]
    assert cells[5] == "—"
    compute(2024)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    cells = dict(town_rows(client.get("/assessment/2024/scores/"), "score-table"))[mine.code]
    assert cells[4:6] == ["1 / 15", "7.00"]
