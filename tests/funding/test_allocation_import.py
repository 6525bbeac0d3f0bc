"""The allocation import (issue 11, point 2; R5/R6): the allocation list's export, edited, imports back — a
recorded allocation's amount and note changed with their before and after, new allocations, every other row
unchanged —; every row checked as allocate() checks it, in the file's order (never above the quota, never above
the project's investment), within the importer's city; nothing written before the confirm; the confirm writes
through allocate() and revise_allocation(), all rows or none."""

import io
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.import_batches import confirm_import, preview_now, stage_import
from core.models import ImportBatch, Notification
from funding import selectors
from funding.models import Allocation
from funding.services import allocate, set_quota
from tests.audit import change_set_entry_of
from tests.xlsx import content_of
from towns.models import Region
from towns.services import designate

from ..conftest import JIAOHE, PROJECT_DATA, town_in, upload
from .import_helpers import csv_bytes, edited_sheet, post_file, rows_of
from .page_helpers import set_status

pytestmark = pytest.mark.usefixtures("jilin")

URL = "/funding/allocations/import/"
KIND = "funding.allocations"
HEADER = "年度,项目编号,资金来源,金额,备注,安排编号"
GENERAL = "provincial_general_bond"


@pytest.fixture
def funded(make_project, county_quota, province_admin, city_official, other_county_official):
    """2026, 双阳区 (quota 1,000/800): a general-bond project (1,000 万元) with 600 general bond and 50 county
    budget, a special-bond one (500 万元) with 300 special bond; 蛟河市 (吉林市, quota 400/0): a general-bond
    project with 250 general bond."""
    from projects.services import create_project

    general = make_project(investment="1000.00")
    special = make_project(
        name="镇区停车场",
        task_area="T03",
        special_bond_field=True,
        annual_revenue="100.00",
        annual_debt_service="80.00",
        investment="500.00",
    )
    town = town_in(JIAOHE)
    designate(town, "provincial", 2022)
    jiaohe = create_project(other_county_official, town=town, data={**PROJECT_DATA, "name": "蛟河污水处理站"})
    set_quota(
        province_admin,
        region=Region.objects.get(code=JIAOHE),
        year=2026,
        general_amount="400",
        special_amount="0",
    )
    made = {
        "bond": allocate(city_official, project=general, source=GENERAL, amount="600", year=2026),
        "budget": allocate(
            city_official, project=general, source="county_budget", amount="50", year=2026, note="县级配套"
        ),
        "special_bond": allocate(
            province_admin, project=special, source="provincial_special_bond", amount="300", year=2026
        ),
        "jiaohe_bond": allocate(province_admin, project=jiaohe, source=GENERAL, amount="250", year=2026),
    }
    return {"general": general, "special": special, "jiaohe": jiaohe, **made}


def written():
    """What the database holds of allocations, the audit log's length and the notifications'."""
    return (
        sorted(Allocation.objects.values_list("id", "project_id", "source", "year", "amount", "note")),
        LogEntry.objects.count(),
        Notification.objects.count(),
    )


def test_an_exported_allocation_sheet_edited_imports_back(client, city_official, county_official, funded):
    client.force_login(city_official)
    exported = content_of(client.get("/funding/allocations/export.xlsx"))
    headers = [cell.value for cell in load_workbook(io.BytesIO(exported)).active[3]]
    assert headers[-1] == "安排编号"
    budget, general = funded["budget"], funded["general"]
    content = edited_sheet(
        exported,
        key_column=headers.index("安排编号"),
        edits={budget.pk: {"金额": 40, "备注": "县级配套（调整）"}},
        append=[
            {"年度": 2026, "项目编号": general.pk, "资金来源": "省级一般债券", "金额": 100, "备注": "第二批"}
        ],
    )
    before = written()
    batch = post_file(client, URL, "资金安排明细.xlsx", content)
    assert (batch.rows_new, batch.rows_changed, batch.rows_unchanged, batch.rows_error) == (1, 1, 2, 0)
    rows = {subject: (status, changes) for status, subject, changes, _message in rows_of(batch).values()}
    town = general.town.name
    assert rows[
        f"安排编号 {budget.pk} {town}“镇区污水管网改造工程”（项目编号 {general.pk}） 县级财政资金 2026 年"
    ] == (
        "changed",
        [("金额", "50.00", "40.00"), ("备注", "县级配套", "县级配套（调整）")],
    )
    assert rows[f"{town}“镇区污水管网改造工程”（项目编号 {general.pk}） 省级一般债券 2026 年"] == (
        "new",
        [
            ("年度", "", "2026"),
            ("资金来源", "", "省级一般债券"),
            ("金额", "", "100.00"),
            ("备注", "", "第二批"),
        ],
    )
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "<del>50.00</del> → <strong>40.00</strong>" in page
    assert written() == before  # neither the upload nor the preview wrote anything

    response = client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "导入完成：新增 1 行，修改 1 行，未变 2 行。" in response.content.decode()
    budget.refresh_from_db()
    assert (budget.amount, budget.note) == (Decimal("40.00"), "县级配套（调整）")
    new = Allocation.objects.get(note="第二批")
    assert (new.project, new.source, new.amount, new.created_by) == (
        general,
        GENERAL,
        Decimal("100.00"),
        city_official,
    )
    assert new.quota.region_id == general.town.county_id
    for allocation in (budget, new):
        entry, _row = change_set_entry_of(allocation)
        assert entry.actor == city_official and entry.additional_data["via"] == "import"
    told = Notification.objects.filter(user=county_official).order_by("pk")
    assert [n.title for n in told][-2:] == [
        f"资金已安排：{town}“镇区污水管网改造工程”",
        f"资金安排已调整：{town}“镇区污水管网改造工程”",
    ]
    assert "由 50.00 万元调整为 40.00 万元" in told.last().body

    again = post_file(client, URL, "again.xlsx", content_of(client.get("/funding/allocations/export.xlsx")))
    assert (again.rows_new, again.rows_changed, again.rows_unchanged) == (0, 0, 4)
    # Without its 安排编号 column, a sheet already imported allocates nothing twice.
    stripped = edited_sheet(content_of(client.get("/funding/allocations/export.xlsx")), edits={})
    workbook = load_workbook(io.BytesIO(stripped))
    workbook.active.delete_cols(len(headers))
    buffer = io.BytesIO()
    workbook.save(buffer)
    twice = post_file(client, URL, "no-ids.xlsx", buffer.getvalue())
    assert (twice.rows_new, twice.rows_unchanged) == (0, 4)


def test_errors_are_listed_with_every_reason(client, city_official, funded):
    client.force_login(city_official)
    general, special, jiaohe = funded["general"], funded["special"], funded["jiaohe"]
    cancelled = set_status(special, "cancelled")
    content = csv_bytes(
        HEADER,
        (2026, jiaohe.pk, "县级财政资金", "10", "", ""),  # another city's project
        (2026, jiaohe.pk, "省级一般债券", "250", "", funded["jiaohe_bond"].pk),  # another city's allocation
        (2026, general.pk, "省级一般债券", "abc", "", ""),
        (2026, general.pk, "社会资本", "400", "", ""),  # 1,000 − 650 = 350 unfunded
        (2026, cancelled.pk, "县级财政资金", "1", "", ""),
        (2026, general.pk, "省级专项债券", "1", "", ""),
        (2026, general.pk, "国债", "1", "", "x"),
    )
    before = written()
    batch = post_file(client, URL, "资金.csv", content)
    messages = {number: message for number, (_s, _subject, _c, message) in rows_of(batch).items()}
    assert messages[2] == f"项目编号 {jiaohe.pk} 不存在。"
    assert messages[3] == f"安排编号 {funded['jiaohe_bond'].pk} 不存在；项目编号 {jiaohe.pk} 不存在。"
    assert messages[4] == "安排金额“abc”不是有效的金额。"
    assert messages[5] == "安排金额 400.00 万元超过项目尚未落实的资金 350.00 万元。"
    assert messages[6] == "项目已终止，不能再安排资金。"
    assert messages[7] == "该项目的推荐债券类型为“一般债券”，不能安排专项债券。"
    assert messages[8].startswith("安排编号“x”无效；未知的资金来源“国债”，应为：省级一般债券、")
    assert batch.rows_error == 7
    response = client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "预览中有 7 行错误，不能导入" in response.content.decode()
    assert written() == before


def test_who_may_import_allocations(
    client, api_client, county_official, province_viewer, city_official, funded
):
    content = csv_bytes(HEADER, (2026, funded["general"].pk, "县级财政资金", "1", "", ""))
    for user in (county_official, province_viewer):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"file": upload("a.csv", content)}).status_code == 403
        assert 'id="allocation-import-link"' not in client.get("/funding/allocations/").content.decode()
        assert client.get("/imports/templates/funding.allocations.xlsx").status_code == 403
        api_client.force_authenticate(user)
        response = api_client.post("/api/v1/imports/", {"kind": KIND, "file": upload("a.csv", content)})
        assert response.status_code == 403
    assert not ImportBatch.objects.exists()
    client.force_login(city_official)
    page = client.get("/funding/allocations/").content.decode()
    assert 'id="allocation-import-link" href="/funding/allocations/import/"' in page
    template = client.get("/imports/templates/funding.allocations.xlsx")
    headers = [cell.value for cell in load_workbook(io.BytesIO(content_of(template))).active[3]]
    exported = load_workbook(io.BytesIO(content_of(client.get("/funding/allocations/export.xlsx")))).active
    assert headers == [cell.value for cell in exported[3]]


def test_the_api_previews_and_confirms_in_the_citys_scope(api_client, city_official, funded):
    api_client.force_authenticate(city_official)
    general = funded["general"]
    content = csv_bytes(
        "year,project,source,amount,note,id",
        (2026, general.pk, GENERAL, "300", "", ""),
        (2026, general.pk, "county_budget", "50", "县级配套", funded["budget"].pk),
    )
    response = api_client.post("/api/v1/imports/", {"kind": KIND, "file": upload("a.csv", content)})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["counts"] == {"new": 1, "changed": 0, "unchanged": 1, "error": 0, "total": 2}
    confirmed = api_client.post(f"/api/v1/imports/{body['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "applied"
    assert Allocation.objects.filter(project=general, source=GENERAL).count() == 2


def test_data_changed_since_the_preview_writes_nothing(
    client, city_official, province_admin, funded, make_project
):
    client.force_login(city_official)
    general = funded["general"]
    content = csv_bytes(
        HEADER,
        (2026, general.pk, "县级财政资金", "10", "", ""),
        (2026, general.pk, "省级一般债券", "300", "", ""),  # 400 of the general quota are left
    )
    batch = post_file(client, URL, "a.csv", content)
    assert (batch.rows_new, batch.rows_error) == (2, 0)
    other = make_project(name="镇区道路", investment="800.00")  # meanwhile 200 of the quota go elsewhere
    allocate(province_admin, project=other, source=GENERAL, amount="200", year=2026)
    before = written()
    response = client.post(f"/imports/{batch.pk}/confirm/", follow=True)
    assert "数据在预览之后发生了变化" in response.content.decode()
    assert written() == before  # the county budget row was not written either
    assert rows_of(batch)[3][3] == "安排金额 300.00 万元超过当年新增一般债券剩余限额 200.00 万元。"


def test_a_confirm_the_service_refuses_writes_no_row(client, city_official, funded, monkeypatch):
    """Should the preview ever let through what allocate() refuses, the refusal rolls the whole import back."""
    facts = selectors.allocation_import_facts

    def generous(*args, **kwargs):  # a preview that thinks every project unfunded
        found = facts(*args, **kwargs)
        for pid, project in found.projects.items():
            found.projects[pid] = project.__class__(**{**project.__dict__, "unfunded": Decimal("100000")})
        return found

    monkeypatch.setattr(selectors, "allocation_import_facts", generous)
    client.force_login(city_official)
    general, budget = funded["general"], funded["budget"]
    content = csv_bytes(
        HEADER,
        (2026, general.pk, "省级一般债券", "600", "", funded["bond"].pk),  # unchanged
        (2026, general.pk, "县级财政资金", "30", "调整", budget.pk),  # changed, written first
        (2026, general.pk, "社会资本", "400", "", ""),  # allocate() refuses: 350 + 20 unfunded
    )
    batch = post_file(client, URL, "a.csv", content)
    assert (batch.rows_changed, batch.rows_new, batch.rows_error) == (1, 1, 0)
    before = written()
    page = client.post(f"/imports/{batch.pk}/confirm/", follow=True).content.decode()
    assert (
        "第 4 行：安排金额 400.00 万元超过项目尚未落实的资金 370.00 万元。导入未执行，没有写入任何数据。"
        in page
    )
    assert written() == before  # the revision of row 3 was rolled back, and nobody was told


def test_the_confirm_locks_quotas_then_projects_before_it_previews_again(city_official, funded):
    general = funded["general"]
    content = csv_bytes(HEADER, (2026, general.pk, "省级一般债券", "10", "", ""))
    batch = stage_import(city_official, kind=KIND, file_name="a.csv", data=content)
    with CaptureQueriesContext(connection) as confirming:
        confirm_import(city_official, batch=batch)
    sql = [q["sql"] for q in confirming.captured_queries]

    def first(predicate):
        return next(i for i, s in enumerate(sql) if predicate(s))

    quotas = first(lambda s: s.startswith('SELECT "funding_debtquota"."id"') and "FOR UPDATE" in s)
    projects = first(lambda s: s.startswith('SELECT "projects_project"."id"') and "FOR UPDATE" in s)
    read = first(lambda s: '"general_remaining"' in s)  # the preview's quota balances
    created = first(lambda s: s.startswith('INSERT INTO "funding_allocation"'))
    assert quotas < projects < read < created


def test_the_preview_reads_a_constant_number_of_queries(province_admin, make_project, funded):
    projects = [make_project(name=f"项目{n}", investment="100.00") for n in range(50)]
    revisions = [(2026, funded["general"].pk, "县级财政资金", "45", "", funded["budget"].pk)]

    def preview(count):
        lines = [(2026, p.pk, "县级财政资金", "1", "", "") for p in projects[:count]]
        content = csv_bytes(HEADER, *lines, *revisions)
        with CaptureQueriesContext(connection) as queries:
            report = preview_now(province_admin, kind=KIND, file_name="a.csv", data=content)
        assert [o.status for o in report.outcomes] == ["new"] * count + ["changed"]
        return len(queries)

    assert preview(10) == preview(50)


def test_the_command_previews_with_dry_run_and_imports_without(tmp_path, funded):
    general = funded["general"]
    path = tmp_path / "资金安排.csv"
    path.write_bytes(csv_bytes("year,project,source,amount", (2026, general.pk, "city_budget", "20")))
    out = StringIO()
    call_command("import_allocations", str(path), "--dry-run", stdout=out)
    assert "预览（未写入任何数据）：新增 1 行，修改 0 行，未变 0 行，错误 0 行。" in out.getvalue()
    assert not Allocation.objects.filter(source="city_budget").exists()
    out = StringIO()
    call_command("import_allocations", str(path), stdout=out)
    assert "导入完成：新增 1 行，修改 0 行，未变 0 行。" in out.getvalue()
    made = Allocation.objects.get(source="city_budget")
    assert made.created_by is None
    entry, _row = change_set_entry_of(made)
    assert entry.actor is None and entry.additional_data["via"] == "command"
    path.write_bytes(csv_bytes("year,project,source,amount", (2026, general.pk, GENERAL, "500")))
    err = StringIO()
    with pytest.raises(CommandError, match="1 行有错误"):
        call_command("import_allocations", str(path), stdout=StringIO(), stderr=err)
    assert "第 2 行：安排金额 500.00 万元超过项目尚未落实的资金 330.00 万元。" in err.getvalue()
