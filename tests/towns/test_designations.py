"""R2: one active designation per town (database-enforced), only a 镇, and all-or-nothing imports."""

import io
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from openpyxl import Workbook

from core.errors import DomainError
from tests.audit import change_set_entry_of
from towns.models import Designation, Town
from towns.services import designate, import_designations

SHUANGYANG_TOWN = "220112102"  # 鹿乡镇
QIJIA_TOWN = "220112104"  # 齐家镇
SUBDISTRICT = "220112001"  # 云山街道
TOWNSHIP = "220112203"  # 双营子回族乡


def test_database_refuses_a_second_active_designation(jilin):
    town = Town.objects.get(code=SHUANGYANG_TOWN)
    Designation.objects.create(town=town, tier="county", from_year=2022)
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(town=town, tier="city", from_year=2023)
    # An ended designation does not count: history is kept beside the active one.
    Designation.objects.filter(town=town).update(to_year=2023, ended="promoted")
    Designation.objects.create(town=town, tier="city", from_year=2023)
    assert town.designations.count() == 2
    assert town.active_designation().tier == "city"


def test_ended_designation_needs_its_end_reason(jilin):
    town = Town.objects.get(code=SHUANGYANG_TOWN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Designation.objects.create(town=town, tier="county", from_year=2022, to_year=2023)


def test_service_refuses_second_active_designation_with_a_message(jilin):
    town = Town.objects.get(code=SHUANGYANG_TOWN)
    designate(town, "county", 2022)
    with pytest.raises(DomainError, match="已有2022年起的有效县级认定"):
        designate(town, "provincial", 2023)
    assert town.designations.count() == 1


@pytest.mark.parametrize("code", [SUBDISTRICT, TOWNSHIP])
def test_only_a_town_can_be_designated(jilin, code):
    with pytest.raises(DomainError, match="只有建制镇可以认定为示范镇"):
        designate(Town.objects.get(code=code), "county", 2022)
    assert not Designation.objects.exists()


def test_model_validation_refuses_a_subdistrict_in_forms(jilin):
    from django.core.exceptions import ValidationError

    designation = Designation(town=Town.objects.get(code=SUBDISTRICT), tier="county", from_year=2022)
    with pytest.raises(ValidationError, match="只有建制镇"):
        designation.full_clean()


def csv_bytes(*lines):
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_import_with_one_bad_row_imports_nothing_and_lists_it(jilin):
    data = csv_bytes(
        "town_code,tier,year,doc_no,dev_type",
        f"{SHUANGYANG_TOWN},省级,2022,吉示范镇办〔2022〕1号,都市卫星型",
        f"{SUBDISTRICT},county,2022,,",
        f"{QIJIA_TOWN},city,2022,,industry",
    )
    with pytest.raises(DomainError) as caught:
        import_designations(None, file_name="d.csv", data=data)
    assert caught.value.details == [f"第 3 行：云山街道（{SUBDISTRICT}）是街道，只有建制镇可以认定为示范镇"]
    assert not Designation.objects.exists()


def test_good_import_creates_designations_and_a_second_run_changes_nothing(jilin):
    data = csv_bytes(
        "town_code,tier,year,doc_no,dev_type",
        f"{SHUANGYANG_TOWN},省级,2022,吉示范镇办〔2022〕1号,都市卫星型",
        f"{QIJIA_TOWN},city,2022,,industry",
    )
    summary = import_designations(None, file_name="d.csv", data=data)
    assert (summary.created, summary.unchanged) == (2, 0)
    town = Town.objects.get(code=SHUANGYANG_TOWN)
    designation = town.active_designation()
    assert (designation.tier, designation.doc_no, town.dev_type) == (
        "provincial",
        "吉示范镇办〔2022〕1号",
        "metro_satellite",
    )
    again = import_designations(None, file_name="d.csv", data=data)
    assert (again.created, again.unchanged) == (0, 2)
    assert Designation.objects.count() == 2


def test_xlsx_import_reads_numbers_typed_as_numbers(jilin):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["town_code", "tier", "year"])
    sheet.append([int(QIJIA_TOWN), "县级", 2023])
    buffer = io.BytesIO()
    workbook.save(buffer)
    import_designations(None, file_name="d.xlsx", data=buffer.getvalue())
    assert Town.objects.get(code=QIJIA_TOWN).active_designation().from_year == 2023


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("d.txt", b"x", "不支持的文件类型"),
        ("d.xlsx", b"MZ\x90\x00 not a workbook", "文件内容不是 Excel（.xlsx）工作簿，而是可执行程序"),
        ("d.csv", b"code,tier\n1,2\n", "缺少必需的列：区划代码（town_code）、认定起始年度（year）"),
        ("d.csv", b"town_code,tier,year\n", "没有数据行"),
    ],
)
def test_unreadable_files_get_a_clear_message(jilin, name, data, message):
    with pytest.raises(DomainError, match=message):
        import_designations(None, file_name=name, data=data)


def test_import_command_lists_every_bad_row_and_imports_nothing(jilin, tmp_path):
    path = tmp_path / "designations.csv"
    path.write_bytes(
        csv_bytes(
            "town_code,tier,year",
            f"{SHUANGYANG_TOWN},provincial,2022",
            "123,provincial,2022",
            f"{QIJIA_TOWN},national,2022",
        )
    )
    err = StringIO()
    with pytest.raises(CommandError, match="2 行有错误"):
        call_command("import_designations", str(path), stdout=StringIO(), stderr=err)
    assert "第 3 行：区划代码 123 不存在" in err.getvalue()
    assert "第 4 行：层级“national”无效" in err.getvalue()
    assert not Designation.objects.exists()


def test_import_command_success_is_audited_as_a_command(jilin, tmp_path):
    path = tmp_path / "designations.csv"
    path.write_bytes(csv_bytes("town_code,tier,year", f"{SHUANGYANG_TOWN},provincial,2022"))
    out = StringIO()
    call_command("import_designations", str(path), stdout=out)
    assert "新增认定 1 条" in out.getvalue()
    designation = Designation.objects.get()
    entry, row = change_set_entry_of(designation)
    assert row["action"] == LogEntry.Action.CREATE
    assert entry.additional_data["via"] == "command"
    assert row["changes"]["tier"] == ["None", "provincial"]


def test_import_command_missing_file(jilin):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_designations", "/nonexistent.csv")
