"""Town directory, its export, a town's page, the quota page and the designation import page."""

import io
from urllib.parse import unquote

import pytest
from django.utils import timezone
from openpyxl import Workbook

from core.audit import audit_context
from tests.audit import change_set_entry_of
from tests.xlsx import assert_constant_queries, exported, workbook_of
from towns.models import Designation, Town
from towns.services import designate

from ..conftest import CHANGCHUN, JIAOHE, JILIN_CITY, NONGAN, SHUANGYANG, town_in

# The geography must be there even after a transactional test elsewhere flushed the database.
pytestmark = pytest.mark.usefixtures("jilin")

LUXIANG = "220112102"  # 鹿乡镇, 双阳区
YUNSHAN = "220112001"  # 云山街道, 双阳区


def codes_on_page(response):
    return [town.code for town in response.context["page"].object_list]


def open_export(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return workbook_of(response).active


def exported_codes(sheet):
    return [row[0].value for row in sheet.iter_rows(min_row=4) if row[0].value]


@pytest.fixture
def admin_client(client, province_admin):
    client.force_login(province_admin)
    return client


# --- directory --------------------------------------------------------------------------------------


def test_directory_lists_towns_with_their_designation(admin_client):
    designate(Town.objects.get(code=LUXIANG), "provincial", 2022, dev_type="culture_tourism")
    response = admin_client.get("/towns/", {"county": SHUANGYANG})
    assert response.status_code == 200
    html = response.content.decode()
    row = html.split('<td class="code">220112102</td>')[1].split("</tr>")[0]
    assert '<a href="/towns/220112102/">鹿乡镇</a>' in row
    assert "长春市" in row and "双阳区" in row
    assert "省级" in row and "2022" in row and "文化旅游型" in row
    for header in ("区划代码", "名称", "市（州）", "县（市、区）", "示范镇层级", "认定起始年度", "发展类型"):
        assert f'title="按{header}排序">{header}</a>' in html  # each header sorts the list
    # Only 镇 by default: a 街道 is not listed.
    assert YUNSHAN not in codes_on_page(response)
    assert set(codes_on_page(response)) == set(
        Town.objects.filter(county_id=SHUANGYANG, kind="town").values_list("code", flat=True)
    )


def test_directory_filters(admin_client):
    nongan_town = town_in(NONGAN, 0)
    designate(nongan_town, "city", 2023, dev_type="industry")
    designate(town_in(JIAOHE, 0), "city", 2023, dev_type="border")
    designate(town_in(SHUANGYANG, 0), "county", 2022, dev_type="industry")

    def codes(**params):
        return set(codes_on_page(admin_client.get("/towns/", {"page_size": 200, **params})))

    changchun = codes(city=CHANGCHUN)
    assert changchun and all(code.startswith(CHANGCHUN) for code in changchun)
    assert len(changchun) == Town.objects.filter(city_id=CHANGCHUN, kind="town").count()
    assert codes(county=NONGAN) == set(
        Town.objects.filter(county_id=NONGAN, kind="town").values_list("code", flat=True)
    )
    assert codes(tier="city") == {nongan_town.code, town_in(JIAOHE, 0).code}
    assert codes(tier="city", city=CHANGCHUN) == {nongan_town.code}
    assert codes(dev_type="industry") == {nongan_town.code, town_in(SHUANGYANG, 0).code}
    assert codes(search="鹿乡") == {LUXIANG}
    assert codes(search="2201121") == {
        code for code in codes(county=SHUANGYANG) if code.startswith("2201121")
    }
    assert YUNSHAN in codes(county=SHUANGYANG, kind="all")
    assert codes(county=SHUANGYANG, kind="subdistrict") == set(
        Town.objects.filter(county_id=SHUANGYANG, kind="subdistrict").values_list("code", flat=True)
    )
    assert codes(tier="none", county=SHUANGYANG) == codes(county=SHUANGYANG) - {town_in(SHUANGYANG, 0).code}


def test_directory_filter_selects_offer_the_regions(admin_client):
    html = admin_client.get("/towns/").content.decode()
    assert '<option value="2201">长春市</option>' in html
    assert '<optgroup label="吉林市">' in html  # counties grouped by city
    html = admin_client.get("/towns/", {"city": JILIN_CITY}).content.decode()
    assert f'<option value="{JIAOHE}">蛟河市</option>' in html
    assert f'<option value="{SHUANGYANG}">' not in html  # only the chosen city's counties


def test_directory_shows_a_chinese_error_for_a_bad_filter(admin_client):
    response = admin_client.get("/towns/", {"tier": "golden"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "筛选条件有误" in html and "示范镇层级" in html and "选择一个有效的选项" in html
    assert codes_on_page(response) == []


def test_directory_pagination_keeps_the_filters(admin_client):
    response = admin_client.get("/towns/", {"city": CHANGCHUN, "page_size": 20})
    assert len(codes_on_page(response)) == 20
    html = response.content.decode()
    assert "city=2201&amp;page_size=20&amp;page=2" in html
    second = admin_client.get("/towns/", {"city": CHANGCHUN, "page_size": 20, "page": 2})
    assert len(codes_on_page(second)) == 20
    assert not set(codes_on_page(second)) & set(codes_on_page(response))
    assert all(code.startswith(CHANGCHUN) for code in codes_on_page(second))


def test_directory_page_size_defaults_to_50_and_is_capped_at_200(admin_client):
    assert len(codes_on_page(admin_client.get("/towns/"))) == 50
    assert len(codes_on_page(admin_client.get("/towns/", {"page_size": "100000"}))) == 200
    assert len(codes_on_page(admin_client.get("/towns/", {"page_size": "lots"}))) == 50


def designate_many(count, year=2022):
    towns = list(Town.objects.filter(kind="town").order_by("code")[:count])
    Designation.objects.bulk_create(
        Designation(town=town, tier="provincial", from_year=year, dev_type="industry") for town in towns
    )


@pytest.mark.parametrize("count", [10, 100])
def test_directory_query_count_does_not_grow_with_rows(admin_client, django_assert_num_queries, count):
    designate_many(count)
    # session, user, the unread notices of the navbar bell, 2 × region lists for the filters, count, rows
    with django_assert_num_queries(7):
        response = admin_client.get("/towns/", {"tier": "provincial", "page_size": 200})
    assert len(codes_on_page(response)) == count


# --- export -----------------------------------------------------------------------------------------


def test_export_has_title_unit_and_frozen_header_with_codes_as_text(admin_client):
    designate(Town.objects.get(code=LUXIANG), "provincial", 2022, doc_no="吉示范镇办〔2022〕1号")
    response = admin_client.get("/towns/export.xlsx", {"county": SHUANGYANG})
    today = timezone.localdate().strftime("%Y%m%d")
    assert f"示范镇名录-{today}.xlsx" in unquote(response["Content-Disposition"])
    sheet = open_export(response)
    assert sheet["A1"].value == "吉林省示范镇名录"
    assert "导出时间" in sheet["A2"].value
    assert [cell.value for cell in sheet[3]][:6] == [
        "区划代码",
        "名称",
        "类别",
        "市（州）",
        "县（市、区）",
        "示范镇层级",
    ]
    assert sheet.freeze_panes == "A4"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=4)}
    assert set(rows) == set(
        Town.objects.filter(county_id=SHUANGYANG, kind="town").values_list("code", flat=True)
    )
    luxiang = rows[LUXIANG]
    assert luxiang[0].data_type == "s" and isinstance(luxiang[0].value, str)
    assert [cell.value for cell in luxiang[1:8]] == [
        "鹿乡镇",
        "镇",
        "长春市",
        "双阳区",
        "省级",
        2022,
        "吉示范镇办〔2022〕1号",
    ]


def test_export_never_writes_a_formula(admin_client):
    town = Town.objects.get(code=LUXIANG)
    designate(town, "county", 2022, doc_no='=HYPERLINK("http://x")')
    other = town_in(SHUANGYANG, 1)
    Town.objects.filter(code=other.code).update(name="=1+2镇")
    third = town_in(SHUANGYANG, 2)
    Town.objects.filter(code=third.code).update(name="@SUM(A1)")
    sheet = open_export(admin_client.get("/towns/export.xlsx", {"county": SHUANGYANG}))
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=4)}
    doc_cell = cells[LUXIANG][7]
    assert doc_cell.value == '=HYPERLINK("http://x")' and doc_cell.data_type == "s"
    assert cells[other.code][1].value == "=1+2镇" and cells[other.code][1].data_type == "s"
    assert cells[third.code][1].value == "@SUM(A1)" and cells[third.code][1].data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_export_carries_the_filters_and_covers_every_page(admin_client):
    designate_many(60)
    list_html = admin_client.get("/towns/", {"tier": "provincial", "page": 2}).content.decode()
    assert 'id="town-export-link" href="/towns/export.xlsx?tier=provincial"' in list_html
    sheet = open_export(admin_client.get("/towns/export.xlsx", {"tier": "provincial"}))
    assert len(exported_codes(sheet)) == 60  # more than one page of the list


def test_the_directory_export_costs_the_same_queries_for_10_and_200_towns(
    admin_client, django_assert_num_queries
):
    towns = list(Town.objects.filter(kind="town").order_by("code")[:200])
    Designation.objects.bulk_create(
        Designation(town=town, tier="county", from_year=2022) for town in towns[:10]
    )

    def grow():
        Designation.objects.bulk_create(
            Designation(town=town, tier="county", from_year=2023) for town in towns[10:]
        )
        Town.objects.filter(code=towns[-1].code).update(dev_type="industry")

    assert_constant_queries(
        admin_client, "/towns/export.xlsx", grow, django_assert_num_queries, params={"tier": "county"}
    )
    rows = exported(admin_client.get("/towns/export.xlsx", {"tier": "county"}))[1]
    assert len(rows) == 200
    assert rows[0][5:] == ["县级", 2022, None, None] and rows[-1][5:] == ["县级", 2023, None, "工业主导型"]


# --- detail -----------------------------------------------------------------------------------------


def test_town_page_shows_breadcrumbs_history_and_audit(client, province_admin, auditor):
    client.force_login(province_admin)
    town = Town.objects.get(code=LUXIANG)
    designate(town, "county", 2022, doc_no="双政发〔2022〕1号")
    with audit_context(actor=auditor, via="admin"):
        first = Designation.objects.get(town=town)
        first.to_year, first.ended, first.end_doc_no = 2023, "promoted", "长政发〔2023〕2号"
        first.save()
    with audit_context(actor=province_admin, via="import"):
        designate(town, "city", 2023, doc_no="长政发〔2023〕2号", began="promoted", dev_type="trade")
    other = town_in(SHUANGYANG, 1)
    designate(other, "county", 2022, doc_no="双政发〔2022〕5号")

    response = client.get(f"/towns/{LUXIANG}/")
    assert response.status_code == 200
    html = response.content.decode()
    crumbs = html.split('class="breadcrumb"')[1].split("</ol>")[0]
    assert crumbs.index("吉林省") < crumbs.index("长春市") < crumbs.index("双阳区") < crumbs.index("鹿乡镇")
    history = html.split('id="designation-history"')[1].split("</table>")[0]
    assert history.index("2023–至今") < history.index("2022–2023")  # newest first
    assert "市级" in history and "晋级" in history and "晋升更高层级" in history
    assert "双政发〔2022〕1号" in history and "长政发〔2023〕2号" in history and "商贸流通型" in history
    audit = html.split("变更记录")[1].split("</table>")[0]
    rows = audit.split("<tbody>")[1].split("<tr>")[1:]
    # Newest first: the town's new development type, the city-level designation, the ended one, ...
    assert "修改" in rows[0] and "商贸流通型" in rows[0] and "admin" in rows[0] and "导入" in rows[0]
    assert "新增" in rows[1] and "市级" in rows[1] and "admin" in rows[1]
    assert "修改" in rows[2] and "auditor" in rows[2] and "管理后台" in rows[2]
    assert '终止年度：</span><span class="old">—</span> → <span class="new">2023</span>' in rows[2]
    assert "双政发〔2022〕5号" not in audit  # another town's record is not part of this history


def test_unknown_town_is_a_404(admin_client):
    assert admin_client.get("/towns/999999999/").status_code == 404


# --- quotas -----------------------------------------------------------------------------------------


def test_quota_page_shows_the_numbers_and_the_unmet_regions(admin_client):
    for index in range(2):
        designate(town_in(NONGAN, index), "provincial", 2022)
        designate(town_in("220182", index), "city", 2022)
    designate(town_in(SHUANGYANG, 0), "county", 2022)
    response = admin_client.get("/towns/quotas/")
    html = response.content.decode()
    province = html.split('id="province-quota"')[1].split("</table>")[0]
    assert "≥30" in province and "≥40" in province and "≥50" in province
    assert '<td class="num">2</td>' in province and '<td class="num">28</td>' in province  # count, shortfall
    changchun = html.split('data-code="2201"')[1].split("</tr>")[0]
    assert "2 / 2" in changchun and "达标" in changchun and "未达标" not in changchun
    jilin_city = html.split('data-code="2202"')[1].split("</tr>")[0]
    assert "0 / 2" in jilin_city and "未达标" in jilin_city and "省级缺 2 个、市级缺 2 个" in jilin_city
    shuangyang = html.split(f'data-code="{SHUANGYANG}"')[1].split("</tr>")[0]
    assert "1 / 1" in shuangyang and "达标" in shuangyang and "未达标" not in shuangyang
    nanguan = html.split('data-code="220102"')[1].split("</tr>")[0]  # 南关区: no 镇 at all
    assert "无建制镇，不适用" in nanguan


def test_quota_page_can_show_unmet_regions_only(admin_client):
    designate(town_in(SHUANGYANG, 0), "county", 2022)
    response = admin_client.get("/towns/quotas/", {"unmet": "1"})
    html = response.content.decode()
    assert f'data-code="{SHUANGYANG}"' not in html
    assert f'data-code="{NONGAN}"' in html
    assert 'data-code="220102"' not in html  # not applicable is not unmet
    assert all(not quota.met for quota in response.context["counties"])


def test_quota_export(admin_client):
    designate(town_in(SHUANGYANG, 0), "county", 2022)
    sheet = open_export(admin_client.get("/towns/quotas/export.xlsx"))
    assert sheet["A1"].value == "吉林省示范镇指标完成情况"
    assert sheet.freeze_panes == "A4"
    rows = {row[1].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=4)}
    assert rows["22"][0] == "全省" and rows["22"][-2] == "未达标"
    assert rows[SHUANGYANG][2] == "双阳区" and rows[SHUANGYANG][9] == 1 and rows[SHUANGYANG][-2] == "达标"
    assert rows["220102"][-2] == "无建制镇，不适用"
    assert rows[CHANGCHUN][-1] == "省级缺 2 个、市级缺 2 个"


# --- designation import -----------------------------------------------------------------------------


def upload(client, name, content):
    return client.post("/towns/designations/import/", {"file": io_file(name, content)})


def io_file(name, content):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def preview_of(admin_client, response):
    """The preview page an upload redirected to."""
    assert response.status_code == 302 and response["Location"].startswith("/imports/")
    return admin_client.get(response["Location"]).content.decode()


def test_import_with_a_bad_row_imports_nothing_and_names_the_row(admin_client):
    good, also_good = town_in(SHUANGYANG, 0), town_in(JIAOHE, 0)
    content = (
        "town_code,tier,year,doc_no,dev_type\n"
        f"{good.code},省级,2022,吉示范镇办〔2022〕1号,文化旅游型\n"
        f"{YUNSHAN},county,2022,,\n"
        f"{also_good.code},city,20x2,,\n"
    ).encode()
    page = preview_of(admin_client, upload(admin_client, "认定.csv", content))
    assert "有 2 行错误，不能导入" in page and 'id="import-confirm-form"' not in page
    rows = {number: page.split(f'data-row="{number}"')[1].split("</tr>")[0] for number in (2, 3, 4)}
    assert "新增" in rows[2]
    assert "错误" in rows[3] and "只有建制镇可以认定为示范镇" in rows[3]
    assert "年度“20x2”无效" in rows[4]
    assert not Designation.objects.exists()


def test_import_of_a_good_file(admin_client, province_admin):
    first, second = town_in(SHUANGYANG, 0), town_in(JIAOHE, 0)
    workbook = Workbook()
    workbook.active.append(["town_code", "tier", "year", "doc_no", "dev_type"])
    workbook.active.append([first.code, "provincial", 2022, "吉示范镇办〔2022〕1号", "industry"])
    workbook.active.append([second.code, "县级", 2023, "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(admin_client, "认定.xlsx", buffer.getvalue())
    assert 'id="import-confirm-form"' in preview_of(admin_client, response)
    assert not Designation.objects.exists()
    page = admin_client.post(f"{response['Location']}confirm/", follow=True).content.decode()
    assert "导入完成：新增 2 行，修改 0 行，未变 0 行。" in page
    assert Designation.objects.get(town=first).tier == "provincial"
    assert Designation.objects.get(town=second).from_year == 2023
    entry, _row = change_set_entry_of(Designation.objects.get(town=first))
    assert entry.actor == province_admin and entry.additional_data["via"] == "import"
    # The same file again changes nothing.
    response = upload(admin_client, "认定.xlsx", buffer.getvalue())
    page = admin_client.post(f"{response['Location']}confirm/", follow=True).content.decode()
    assert "新增 0 行，修改 0 行，未变 2 行" in page
    assert Designation.objects.count() == 2


def test_import_refuses_other_file_types_and_big_files(admin_client, settings):
    response = upload(admin_client, "认定.txt", b"town_code,tier,year\n")
    assert "不支持的文件类型“.txt”，请上传 .csv 或 .xlsx 文件" in response.content.decode()
    settings.IMPORT_MAX_BYTES = 10
    response = upload(admin_client, "认定.csv", b"town_code,tier,year\n220112102,county,2022\n")
    assert response.status_code == 400 and "超过 10 字节的上限" in response.content.decode()
    response = admin_client.post("/towns/designations/import/", {})
    assert "请选择要导入的文件" in response.content.decode()
    assert not Designation.objects.exists()


def test_import_page_explains_the_columns_and_offers_a_template(admin_client):
    html = admin_client.get("/towns/designations/import/").content.decode()
    columns = html.split('id="import-columns"')[1].split("</table>")[0]
    for column in (
        "town_code",
        "tier",
        "year",
        "doc_no",
        "dev_type",
        "区划代码",
        "示范镇层级",
        "认定起始年度",
    ):
        assert column in columns
    assert "省级、市级、县级" in columns
    response = admin_client.get("/towns/designations/import/template.xlsx")
    assert response.status_code == 200
    sheet = workbook_of(response).worksheets[0]
    assert [cell.value for cell in sheet[3]][:1] == ["区划代码"]
    assert sheet.max_row == 4  # title, unit note, header, one example


@pytest.mark.parametrize("fixture", ["city_official", "county_official", "auditor", "province_viewer"])
def test_import_is_for_province_admins_only(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get("/towns/designations/import/").status_code == 403
    content = f"town_code,tier,year\n{LUXIANG},county,2022\n".encode()
    assert upload(client, "认定.csv", content).status_code == 403
    assert client.get("/towns/designations/import/template.xlsx").status_code == 403
    assert not Designation.objects.exists()


def test_the_directory_offers_page_sizes_with_the_chosen_one_selected(admin_client):
    html = admin_client.get("/towns/", {"page_size": 200}).content.decode()
    assert '<select name="page_size" id="id_page_size"' in html
    assert '<option value="200" selected>200 条</option>' in html
    assert '<option value="50">50 条</option>' in html
