"""The designation import round-trips (issue 11, point 2): the directory the export writes, edited, imports
back — new designations, corrected document numbers with their before and after, every other row unchanged —
and the commands preview with --dry-run."""

import io
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from core.models import ImportBatch, ImportRow
from tests.audit import change_set_entry_of
from tests.xlsx import content_of
from towns.models import Designation, Town
from towns.services import designate

from ..conftest import SHUANGYANG, upload

pytestmark = pytest.mark.usefixtures("jilin")


def edited_export(client, edits, query=None):
    """The directory export of 双阳区 with cells replaced: edits {town code: {header: value}}."""
    response = client.get("/towns/export.xlsx", query or {"county": SHUANGYANG})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(content_of(response)))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[3]]
    for row in sheet.iter_rows(min_row=4):
        for header, value in edits.get(row[0].value, {}).items():
            row[headers.index(header)].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_exported_directory_edited_imports_back(client, province_admin):
    client.force_login(province_admin)
    designated, new = Town.objects.filter(county_id=SHUANGYANG, kind="town").order_by("code")[:2]
    designate(designated, "county", 2022, doc_no="双政〔2022〕1号")
    content = edited_export(
        client,
        {
            designated.code: {"认定文号": "双政〔2022〕2号"},
            new.code: {"示范镇层级": "市级", "认定起始年度": 2024, "发展类型": "商贸流通型"},
        },
    )
    entries = LogEntry.objects.count()
    response = client.post("/towns/designations/import/", {"file": upload("示范镇名录.xlsx", content)})
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/imports/{batch.pk}/"
    towns_in_county = Town.objects.filter(county_id=SHUANGYANG, kind="town").count()
    assert (batch.rows_new, batch.rows_changed, batch.rows_error) == (1, 1, 0)
    assert batch.rows_unchanged == towns_in_county - 2  # the undesignated town's row (层级 "—") asks nothing
    changed = ImportRow.objects.get(batch=batch, status="changed")
    assert changed.subject == f"{designated.name}（{designated.code}）"
    assert changed.changes == [
        {"field": "doc_no", "label": "认定文号", "before": "双政〔2022〕1号", "after": "双政〔2022〕2号"}
    ]
    new_row = ImportRow.objects.get(batch=batch, status="new")
    assert [(c["label"], c["after"]) for c in new_row.changes] == [
        ("示范镇层级", "市级"),
        ("认定起始年度", "2024"),
        ("发展类型", "商贸流通型"),
    ]
    assert Designation.objects.count() == 1 and LogEntry.objects.count() == entries  # nothing written yet

    client.post(f"/imports/{batch.pk}/confirm/")
    assert Designation.objects.get(town=designated).doc_no == "双政〔2022〕2号"
    created = Designation.objects.get(town=new)
    assert (created.tier, created.from_year, created.dev_type) == ("city", 2024, "trade")
    # The directory exported again, every 乡级单位 included (乡, 街道), imports as unchanged everywhere.
    content = edited_export(client, {}, {"county": SHUANGYANG, "kind": "all"})
    again = client.post("/towns/designations/import/", {"file": upload("名录.xlsx", content)})
    second = ImportBatch.objects.get(pk=int(again["Location"].strip("/").split("/")[-1]))
    assert (second.rows_new, second.rows_changed, second.rows_error) == (0, 0, 0)
    assert second.rows_unchanged == Town.objects.filter(county_id=SHUANGYANG).count() > towns_in_county


def test_an_import_never_ends_or_changes_a_designation(client, province_admin):
    client.force_login(province_admin)
    town = Town.objects.filter(county_id=SHUANGYANG, kind="town").order_by("code").first()
    designate(town, "county", 2022)
    content = edited_export(client, {town.code: {"示范镇层级": None, "认定起始年度": None}})
    client.post("/towns/designations/import/", {"file": upload("名录.xlsx", content)})
    row = ImportRow.objects.get(status="error")
    assert "导入不能终止认定" in row.message
    content = edited_export(client, {town.code: {"示范镇层级": "省级"}})
    client.post("/towns/designations/import/", {"file": upload("名录.xlsx", content)})
    latest = ImportBatch.objects.latest("pk")
    assert "调整层级请先终止原认定" in ImportRow.objects.get(batch=latest, status="error").message
    assert Designation.objects.get(town=town).tier == "county"


def test_the_command_previews_with_dry_run_and_imports_without(tmp_path):
    town = Town.objects.filter(county_id=SHUANGYANG, kind="town").order_by("code").first()
    path = tmp_path / "认定.csv"
    path.write_text(f"区划代码,示范镇层级,认定起始年度\n{town.code},省级,2022\n", encoding="utf-8")
    out = StringIO()
    call_command("import_designations", str(path), "--dry-run", stdout=out)
    assert "预览（未写入任何数据）：新增 1 行，修改 0 行，未变 0 行，错误 0 行。" in out.getvalue()
    assert not Designation.objects.exists() and not ImportBatch.objects.exists()
    out = StringIO()
    call_command("import_designations", str(path), stdout=out)
    assert "新增认定 1 条" in out.getvalue()
    entry, _row = change_set_entry_of(Designation.objects.get(town=town))
    assert entry.actor is None and entry.additional_data["via"] == "command"
    path.write_text(f"town_code,tier,year\n{town.code},省级,2022\n999999999,省级,2022\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="预览发现 1 行错误"):
        call_command("import_designations", str(path), "--dry-run", stdout=out, stderr=err)
    assert "未变 1 行，错误 1 行" in out.getvalue() and "第 3 行：区划代码 999999999 不存在" in err.getvalue()
    assert Designation.objects.count() == 1


def test_a_correction_is_the_province_admins_and_only_of_the_designation_it_names(
    city_official, province_admin
):
    from core.errors import DomainError
    from towns.services import correct_designation

    town = Town.objects.filter(county_id=SHUANGYANG, kind="town").order_by("code").first()
    designate(town, "county", 2022, doc_no="甲")
    with pytest.raises(DomainError, match="只有省级管理员可以更正示范镇认定"):
        correct_designation(city_official, town=town, tier="county", from_year=2022, doc_no="乙")
    with pytest.raises(DomainError, match="有效认定已经变化"):
        correct_designation(province_admin, town=town, tier="city", from_year=2022, doc_no="乙")
    correct_designation(
        province_admin, town=town, tier="county", from_year=2022, doc_no="乙", dev_type="border"
    )
    designation = Designation.objects.get(town=town)
    town.refresh_from_db()
    assert (designation.doc_no, designation.dev_type, town.dev_type) == ("乙", "border", "border")
