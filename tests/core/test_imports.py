"""The import framework on its own (core.imports, core.import_batches), with a test importer over core's
document sequences: outcomes and their fingerprint, the registry, the template, and the pipeline — staged
without writing, confirmed all or nothing, stale previews shown again."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from openpyxl import load_workbook

from core.choices import ImportState, RowStatus
from core.errors import DomainError
from core.import_batches import confirm_import, import_now, preview_now, stage_import
from core.imports import (
    Change,
    Importer,
    RowOutcome,
    SheetColumn,
    changes_between,
    counts,
    digest,
    get_importer,
    register,
    row_errors,
    template_workbook,
)
from core.models import DocumentSequence, ImportRow
from core.roles import Role

PREFIX = SheetColumn(
    "prefix", "发文字号前缀", required=True, aliases=("前缀",), note="如 吉示范镇办", example="吉示范镇办"
)
YEAR = SheetColumn("year", "年度", required=True, kind="int", note="四位年份", example=2024)
LAST = SheetColumn("last_number", "已用到的序号", required=True, kind="int", note="不小于现有序号", example=3)
NOTE = SheetColumn("note", "备注", read=False, note="由系统填写")


@register
class SequenceImporter(Importer):
    """Sets the last number of document sequences; a number may only grow (what a form would refuse)."""

    kind = "tests.sequences"
    title = "发文字号序列"
    roles = frozenset({Role.PROVINCE_ADMIN})

    def columns(self, params):
        return (PREFIX, YEAR, LAST)

    def template_columns(self, params):
        return (PREFIX, YEAR, LAST, NOTE)

    def upload_url(self, params):
        return "/"

    def preview(self, user, rows, params):
        existing = {(s.prefix, s.year): s.last_number for s in DocumentSequence.objects.all()}
        outcomes = []
        for row in rows:
            prefix, year, last = (row.values.get(key, "") for key in ("prefix", "year", "last_number"))
            if not year.isdigit() or not last.isdigit():
                outcomes.append(RowOutcome.error(row.number, "年度和序号应为数字", prefix))
                continue
            before = existing.get((prefix, int(year)))
            if before is not None and int(last) < before:
                outcomes.append(RowOutcome.error(row.number, f"序号不能小于现有的 {before}", prefix))
                continue
            outcomes.append(
                RowOutcome.compare(
                    row.number,
                    f"{prefix}〔{year}〕",
                    [("last_number", LAST.header, before, int(last))],
                    exists=before is not None,
                    data=(prefix, int(year), int(last)),
                )
            )
        return outcomes

    def apply_row(self, user, outcome, params):
        prefix, year, last = outcome.data
        if last > 999:
            raise DomainError("序号超过 999")  # a refusal only the "service" knows
        DocumentSequence.objects.update_or_create(prefix=prefix, year=year, defaults={"last_number": last})


def csv_of(*rows):
    return ("前缀,年度,已用到的序号\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)).encode()


def test_outcomes_compare_fields_and_count():
    new = RowOutcome.compare(2, "甲", [("n", "序号", None, 3)], exists=False)
    changed = RowOutcome.compare(3, "乙", [("n", "序号", 2, 3), ("m", "名称", "x", "x")], exists=True)
    unchanged = RowOutcome.compare(4, "丙", [("n", "序号", 3, 3)], exists=True)
    assert new.status == RowStatus.NEW and new.changes == (Change("n", "序号", "", "3"),)
    assert changed.status == RowStatus.CHANGED and changed.changes == (Change("n", "序号", "2", "3"),)
    assert unchanged.status == RowStatus.UNCHANGED and unchanged.changes == ()
    assert counts([new, changed, unchanged]) == {"new": 1, "changed": 1, "unchanged": 1, "error": 0}
    assert changes_between([("a", "A", None, "")]) == ()
    # The fingerprint sees what the user saw (status, subject, before and after), not the data.
    assert digest([new]) == digest(
        [RowOutcome.compare(2, "甲", [("n", "序号", None, 3)], exists=False, data=1)]
    )
    assert digest([changed]) != digest([RowOutcome.compare(3, "乙", [("n", "序号", 1, 3)], exists=True)])


def test_the_registry_names_its_kinds_and_refuses_a_second_of_one_kind():
    assert isinstance(get_importer("tests.sequences"), SequenceImporter)
    with pytest.raises(DomainError) as refused:
        get_importer("nope")
    assert refused.value.message.startswith("未知的导入类型“nope”。可用的类型：")
    assert "tests.sequences（发文字号序列）" in refused.value.message

    class Twin(Importer):
        kind, title = "tests.sequences", "另一个"

    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        register(Twin)


def test_a_service_refusal_names_its_row():
    with pytest.raises(DomainError) as refused, row_errors(7):
        raise DomainError("序号超过 999", details=["详情"])
    assert refused.value.message == "第 7 行：序号超过 999。导入未执行，没有写入任何数据。"
    assert refused.value.details == ["第 7 行：详情"]


def test_the_template_has_the_columns_an_example_and_notes(db):
    workbook = load_workbook(io.BytesIO(template_workbook(get_importer("tests.sequences"), {})))
    sheet, notes = workbook.worksheets
    assert sheet["A1"].value == "发文字号序列导入模板"
    assert [cell.value for cell in sheet[3]] == ["发文字号前缀", "年度", "已用到的序号", "备注"]
    assert [cell.value for cell in sheet[4]][:3] == ["吉示范镇办", 2024, 3]
    lines = [[cell.value for cell in row] for row in notes.iter_rows()]
    assert ["发文字号前缀", "prefix", "必填", "如 吉示范镇办（也可用列名：前缀）"] in lines
    assert ["备注", "note", "仅供核对，导入时不读取", "由系统填写"] in lines


def test_staging_writes_nothing_of_the_domain_and_the_confirm_writes_all(province_admin):
    DocumentSequence.objects.create(prefix="甲", year=2024, last_number=2)
    batch = stage_import(
        province_admin,
        kind="tests.sequences",
        file_name="s.csv",
        data=csv_of(("甲", 2024, 5), ("乙", 2024, 1)),
    )
    assert list(DocumentSequence.objects.values_list("prefix", "last_number")) == [("甲", 2)]
    assert (batch.rows_new, batch.rows_changed, batch.state) == (1, 1, ImportState.PREVIEWED)
    assert ImportRow.objects.get(batch=batch, number=2).changes == [
        {"field": "last_number", "label": "已用到的序号", "before": "2", "after": "5"}
    ]
    confirmed = confirm_import(province_admin, batch=batch)
    assert not confirmed.stale and confirmed.batch.state == ImportState.APPLIED
    assert dict(DocumentSequence.objects.values_list("prefix", "last_number")) == {"甲": 5, "乙": 1}
    assert confirmed.batch.result == {"new": 1, "changed": 1, "unchanged": 0, "error": 0}


def test_a_service_refusal_at_the_confirm_rolls_everything_back(province_admin):
    batch = stage_import(
        province_admin,
        kind="tests.sequences",
        file_name="s.csv",
        data=csv_of(("甲", 2024, 5), ("乙", 2024, 1000)),
    )
    with pytest.raises(DomainError, match="第 3 行：序号超过 999"):
        confirm_import(province_admin, batch=batch)
    assert not DocumentSequence.objects.exists()
    batch.refresh_from_db()
    assert batch.state == ImportState.FAILED and "第 3 行" in batch.message


def test_a_stale_preview_writes_nothing_and_is_staged_again(province_admin):
    batch = stage_import(
        province_admin, kind="tests.sequences", file_name="s.csv", data=csv_of(("甲", 2024, 5))
    )
    DocumentSequence.objects.create(prefix="甲", year=2024, last_number=7)
    confirmed = confirm_import(province_admin, batch=batch)
    assert confirmed.stale and confirmed.batch.state == ImportState.PREVIEWED
    assert confirmed.batch.rows_error == 1 and DocumentSequence.objects.get().last_number == 7
    assert ImportRow.objects.get(batch=batch).message == "序号不能小于现有的 7"


def test_import_now_refuses_a_file_with_an_error_row_and_preview_now_writes_nothing(db):
    report = preview_now(
        None, kind="tests.sequences", file_name="s.csv", data=csv_of(("甲", 2024, 5), ("乙", "x", 1))
    )
    assert report.counts == {"new": 1, "changed": 0, "unchanged": 0, "error": 1}
    with pytest.raises(DomainError) as refused:
        import_now(
            None, kind="tests.sequences", file_name="s.csv", data=csv_of(("甲", 2024, 5), ("乙", "x", 1))
        )
    assert refused.value.message == "导入未执行：1 行有错误，请修改后重新导入（没有写入任何数据）。"
    assert refused.value.details == ["第 3 行：年度和序号应为数字"]
    assert not DocumentSequence.objects.exists()
    report = import_now(None, kind="tests.sequences", file_name="s.csv", data=csv_of(("甲", 2024, 5)))
    assert report.result["new"] == 1 and DocumentSequence.objects.get().last_number == 5


def test_who_may_import_is_the_importers(county_official):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="您没有导入发文字号序列的权限"):
        stage_import(county_official, kind="tests.sequences", file_name="s.csv", data=csv_of(("甲", 2024, 5)))
    with pytest.raises(DomainError, match="您没有导入发文字号序列的权限"):
        import_now(county_official, kind="tests.sequences", file_name="s.csv", data=csv_of(("甲", 2024, 5)))
