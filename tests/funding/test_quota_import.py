"""The new-debt quota import (issue 11, point 2; R6): the quota list's export, edited, imports back — changed
amounts with their before and after, new quotas, every other row unchanged —; every row checked as set_quota
checks it; nothing written before the confirm; the confirm writes through set_quota, all rows or none."""

import io
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.import_batches import preview_now
from core.models import ImportBatch
from funding import selectors
from funding.models import DebtQuota
from funding.rules import RecordedQuota
from funding.services import allocate, set_quota
from tests.audit import change_set_entry_of
from tests.xlsx import content_of
from towns.models import Region

from ..conftest import CHANGCHUN, JIAOHE, NONGAN, SHUANGYANG, upload
from .import_helpers import csv_bytes, edited_sheet, post_file, rows_of

pytestmark = pytest.mark.usefixtures("jilin")

URL = "/funding/quotas/import/"
KIND = "funding.quotas"
HEADER = "年度,区划代码,一般债券限额,专项债券限额"


@pytest.fixture
def quotas(province_admin, county_quota, make_project):
    """双阳区 2026 1,000/800 with 600 general allocated; 农安县 2026 500/200."""
    set_quota(
        province_admin,
        region=Region.objects.get(code=NONGAN),
        year=2026,
        general_amount="500",
        special_amount="200",
    )
    project = make_project(investment="700.00")
    allocate(province_admin, project=project, source="provincial_general_bond", amount="600", year=2026)
    return county_quota


def written():
    """What the database holds of quotas, and the audit log's length."""
    return (
        sorted(
            DebtQuota.objects.values_list("region_id", "year", "general_amount", "special_amount", "version")
        ),
        LogEntry.objects.count(),
    )


def test_an_exported_quota_sheet_edited_imports_back(client, province_admin, quotas):
    client.force_login(province_admin)
    exported = client.get("/funding/quotas/export.xlsx")
    content = edited_sheet(
        content_of(exported),
        key_column=1,
        edits={SHUANGYANG: {"一般债券限额": 1200, "专项债券限额": "800.00"}},
        append=[{"年度": 2026, "区划代码": JIAOHE, "地区": "蛟河市", "一般债券限额": 400, "专项债券限额": 0}],
    )
    before = written()
    batch = post_file(client, URL, "新增债务限额.xlsx", content)
    assert (batch.rows_new, batch.rows_changed, batch.rows_unchanged, batch.rows_error) == (1, 1, 1, 0)
    rows = rows_of(batch)
    assert rows[4] == (
        "changed",
        f"双阳区（{SHUANGYANG}） 2026 年",
        [("一般债券限额", "1,000.00", "1,200.00")],
        "",
    )
    assert rows[5][0] == "unchanged" and rows[5][1] == f"农安县（{NONGAN}） 2026 年"
    assert rows[6] == (
        "new",
        f"蛟河市（{JIAOHE}） 2026 年",
        [("一般债券限额", "", "400.00"), ("专项债券限额", "", "0.00")],
        "",
    )
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "<del>1,000.00</del> → <strong>1,200.00</strong>" in page
    assert written() == before  # neither the upload nor the preview page wrote anything

    response = client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "导入完成：新增 1 行，修改 1 行，未变 1 行。" in response.content.decode()
    shuangyang = DebtQuota.objects.get(region_id=SHUANGYANG, year=2026)
    assert (shuangyang.general_amount, shuangyang.special_amount, shuangyang.version) == (
        Decimal("1200.00"),
        Decimal("800.00"),
        2,
    )
    assert DebtQuota.objects.get(region_id=JIAOHE, year=2026).general_amount == Decimal("400.00")
    entry, _row = change_set_entry_of(shuangyang)
    assert entry.actor == province_admin and entry.additional_data["via"] == "import"
    assert DebtQuota.objects.get(region_id=NONGAN).version == 1  # the unchanged row was not written

    # Exported again, it imports as unchanged throughout.
    again = post_file(client, URL, "again.xlsx", content_of(client.get("/funding/quotas/export.xlsx")))
    assert (again.rows_new, again.rows_changed, again.rows_unchanged) == (0, 0, 3)


def test_english_keys_and_the_template_import(client, province_admin, quotas):
    client.force_login(province_admin)
    content = csv_bytes("year,region,general_amount,special_amount", (2027, CHANGCHUN, "100.5", "0"))
    batch = post_file(client, URL, "quotas.csv", content)
    assert rows_of(batch)[2][:2] == ("new", f"长春市（市本级）（{CHANGCHUN}） 2027 年")

    template = client.get("/imports/templates/funding.quotas.xlsx")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(content_of(template)))
    headers = [cell.value for cell in sheet.active[3]]
    exported = load_workbook(io.BytesIO(content_of(client.get("/funding/quotas/export.xlsx")))).active
    assert headers == [cell.value for cell in exported[3]]
    assert "填写说明" in sheet.sheetnames
    batch = post_file(client, URL, "模板.xlsx", content_of(template))  # the example row imports as it stands
    assert rows_of(batch)[4][0] == "unchanged"  # the example is 双阳区 2026: 1,000/800, as set


def test_errors_are_listed_with_every_reason_and_nothing_can_be_confirmed(client, province_admin, quotas):
    client.force_login(province_admin)
    content = csv_bytes(
        HEADER,
        (2026, SHUANGYANG, "599.99", "800"),  # below the 600 allocated (R6)
        (2026, "220112102", "1", "1"),  # a town
        (2026, "22", "1", "1"),  # the province
        ("20x6", "999999", "abc", "-5"),
        (2026, NONGAN, "500", "200"),
        (2026, NONGAN, "510", "200"),
    )
    before = written()
    batch = post_file(client, URL, "限额.csv", content)
    rows = rows_of(batch)
    assert rows[2][0] == "error" and rows[2][3] == "已安排一般债券 600.00 万元，限额不能低于该数。"
    assert rows[3][3] == "区划代码 220112102 不存在。"
    assert rows[4][3] == "新增债务限额按市（州）或县（市、区）下达，吉林省（22）不是。"
    assert rows[5][3].split("；") == [
        "区划代码 999999 不存在",
        "年度“20x6”无效（年度应为 2000–2100 之间的四位年份）",
        "一般债券限额“abc”不是有效的金额",
        "专项债券限额不能为负数。",
    ]
    assert rows[6][0] == "unchanged" and rows[7][3] == "与第 6 行是同一地区、同一年度的限额。"
    response = client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "预览中有 5 行错误，不能导入" in response.content.decode()
    assert written() == before


def test_only_province_admins_import_quotas(
    client, api_client, city_official, county_official, province_admin
):
    for user in (city_official, county_official):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert (
            client.post(
                URL, {"file": upload("q.csv", csv_bytes(HEADER, (2026, SHUANGYANG, 1, 1)))}
            ).status_code
            == 403
        )
        assert 'id="quota-import-link"' not in client.get("/funding/quotas/").content.decode()
        api_client.force_authenticate(user)
        response = api_client.post("/api/v1/imports/", {"kind": KIND, "file": upload("q.csv", b"x")})
        assert response.status_code == 403
    assert not ImportBatch.objects.exists() and not DebtQuota.objects.exists()
    client.force_login(province_admin)
    page = client.get("/funding/quotas/").content.decode()
    assert 'id="quota-import-link" href="/funding/quotas/import/"' in page
    upload_page = client.get(URL).content.decode()
    assert "导入新增债务限额" in upload_page and "/imports/templates/funding.quotas.xlsx" in upload_page


def test_the_api_previews_and_confirms(api_client, province_admin, quotas):
    api_client.force_authenticate(province_admin)
    content = csv_bytes(HEADER, (2026, SHUANGYANG, "1000", "900"), (2028, JIAOHE, "1", "2"))
    response = api_client.post("/api/v1/imports/", {"kind": KIND, "file": upload("q.csv", content)})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["counts"] == {"new": 1, "changed": 1, "unchanged": 0, "error": 0, "total": 2}
    assert body["rows"]["results"][0]["changes"] == [
        {"field": "special_amount", "label": "专项债券限额", "before": "800.00", "after": "900.00"}
    ]
    assert DebtQuota.objects.get(region_id=SHUANGYANG).special_amount == Decimal("800.00")
    confirmed = api_client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "applied"
    assert DebtQuota.objects.get(region_id=SHUANGYANG).special_amount == Decimal("900.00")
    assert DebtQuota.objects.get(region_id=JIAOHE, year=2028).special_amount == Decimal("2.00")


def test_data_changed_since_the_preview_writes_nothing(client, province_admin, quotas, make_project):
    client.force_login(province_admin)
    batch = post_file(
        client,
        URL,
        "q.csv",
        csv_bytes(HEADER, (2026, NONGAN, "600", "200"), (2026, SHUANGYANG, "700", "800")),
    )
    assert (batch.rows_changed, batch.rows_error) == (2, 0)
    project = make_project(investment="500.00")  # meanwhile 双阳区 allocates 150 more: 750 > 700
    allocate(province_admin, project=project, source="provincial_general_bond", amount="150", year=2026)
    before = written()
    response = client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "数据在预览之后发生了变化" in response.content.decode()
    assert written() == before  # 农安县's good row was not written either
    assert rows_of(batch)[3][3] == "已安排一般债券 750.00 万元，限额不能低于该数。"


def test_a_confirm_the_service_refuses_writes_no_row(client, province_admin, quotas, monkeypatch):
    """Should the preview ever let through what set_quota refuses, the refusal rolls the whole import back."""
    facts = selectors.quota_import_facts

    def blind(*args, **kwargs):  # a preview that does not see what is allocated
        regions, recorded = facts(*args, **kwargs)
        return regions, {
            key: RecordedQuota(q.id, q.general, q.special, 0, 0, q.version) for key, q in recorded.items()
        }

    monkeypatch.setattr(selectors, "quota_import_facts", blind)
    client.force_login(province_admin)
    batch = post_file(
        client,
        URL,
        "q.csv",
        csv_bytes(HEADER, (2026, NONGAN, "600", "200"), (2026, SHUANGYANG, "100", "800")),
    )
    assert (batch.rows_changed, batch.rows_error) == (2, 0)
    before = written()
    response = client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    page = response.content.decode()
    assert "第 3 行：已安排一般债券 600.00 万元，限额不能低于该数。导入未执行，没有写入任何数据。" in page
    assert written() == before  # 农安县's row (row 2, written first) was rolled back
    batch.refresh_from_db()
    assert batch.state == "failed"


def test_the_preview_reads_a_constant_number_of_queries(province_admin, quotas):
    codes = list(
        Region.objects.filter(level__in=["city", "county"]).order_by("code").values_list("code", flat=True)
    )

    def preview(count):
        content = csv_bytes(HEADER, *((2026, code, "10", "10") for code in codes[:count]))
        with CaptureQueriesContext(connection) as queries:
            report = preview_now(province_admin, kind=KIND, file_name="q.csv", data=content)
        assert len(report.outcomes) == count
        return len(queries)

    assert preview(10) == preview(50)


def test_the_command_previews_with_dry_run_and_imports_without(tmp_path, quotas):
    path = tmp_path / "限额.csv"
    path.write_bytes(csv_bytes("year,region,general_amount,special_amount", (2026, NONGAN, "550", "200")))
    out = StringIO()
    call_command("import_quotas", str(path), "--dry-run", stdout=out)
    assert "预览（未写入任何数据）：新增 0 行，修改 1 行，未变 0 行，错误 0 行。" in out.getvalue()
    assert DebtQuota.objects.get(region_id=NONGAN).general_amount == Decimal("500.00")
    out = StringIO()
    call_command("import_quotas", str(path), stdout=out)
    assert "导入完成：新增 0 行，修改 1 行，未变 0 行。" in out.getvalue()
    quota = DebtQuota.objects.get(region_id=NONGAN)
    assert quota.general_amount == Decimal("550.00")
    entry, _row = change_set_entry_of(quota)
    assert entry.actor is None and entry.additional_data["via"] == "command"
    path.write_bytes(csv_bytes(HEADER, (2026, SHUANGYANG, "10", "10")))
    err = StringIO()
    with pytest.raises(CommandError, match="1 行有错误"):
        call_command("import_quotas", str(path), stdout=StringIO(), stderr=err)
    assert "第 2 行：已安排一般债券 600.00 万元，限额不能低于该数。" in err.getvalue()


def test_the_confirm_previews_again_under_the_quotas_locks(province_admin, quotas):
    """The staging reads without locks; the confirm locks the file's quotas before it checks them again."""
    from core.import_batches import confirm_import, stage_import

    content = csv_bytes(HEADER, (2026, NONGAN, "600", "200"))
    with CaptureQueriesContext(connection) as staging:
        batch = stage_import(province_admin, kind=KIND, file_name="q.csv", data=content)
    assert not [q for q in staging.captured_queries if "FOR UPDATE" in q["sql"]]
    with CaptureQueriesContext(connection) as confirming:
        confirm_import(province_admin, batch=batch)
    sql = [q["sql"] for q in confirming.captured_queries]
    locked = next(
        i for i, s in enumerate(sql) if s.startswith('SELECT "funding_debtquota"."id"') and "FOR UPDATE" in s
    )
    read = next(i for i, s in enumerate(sql) if '"general_allocated"' in s)  # the preview's usage query
    updated = next(i for i, s in enumerate(sql) if s.startswith('UPDATE "funding_debtquota"'))
    assert locked < read < updated
