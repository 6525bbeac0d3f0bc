"""core.tabular: every upload is checked by its content, headers match as the export writes them (and as
users retype them), and every bad file is one Chinese DomainError — never another exception."""

import io
import zipfile
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from core.errors import DomainError
from core.exports import Column, build_workbook
from core.tabular import check_upload, normalise_header, read_sheet


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    required: bool = False
    aliases: tuple = ()


COLUMNS = [
    Col("town_code", "区划代码", required=True, aliases=("镇区划代码",)),
    Col("county", "县（市、区）"),
    Col("tier", "示范镇层级", required=True),
]


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_headers_match_across_width_brackets_case_and_spaces():
    assert normalise_header(" 县（市、区） ") == normalise_header("县(市、区)")
    assert normalise_header("Town_Code") == normalise_header("town code") == normalise_header("ＴＯＷＮ＿ＣＯＤＥ")
    assert normalise_header("区划代码*") == normalise_header("区划代码（必填）") == normalise_header("区划代码")
    assert normalise_header("区划代码") != normalise_header("镇")


def test_the_header_of_an_export_is_found_under_its_title_rows():
    content = build_workbook(
        "吉林省示范镇名录",
        [Column("区划代码"), Column("名称"), Column("县（市、区）"), Column("示范镇层级")],
        [["220112102", "鹿乡镇", "双阳区", "省级"], ["220112104", "齐家镇", "双阳区", ""]],
        unit_note="共 2 个乡镇",
    )
    table = read_sheet("名录.xlsx", content, COLUMNS)
    assert table.header_row == 3
    assert table.columns == ("town_code", "county", "tier")  # 名称 is not a column of the import: ignored
    assert [(row.number, row.values) for row in table] == [
        (4, {"town_code": "220112102", "county": "双阳区", "tier": "省级"}),
        (5, {"town_code": "220112104", "county": "双阳区", "tier": ""}),
    ]


def test_english_keys_and_retyped_headers_still_work_in_a_csv():
    data = "TOWN_CODE,县(市、区),tier\n220112102,双阳区,city\n\n,,\n".encode()
    table = read_sheet("d.csv", data, COLUMNS)
    assert [row.values for row in table] == [{"town_code": "220112102", "county": "双阳区", "tier": "city"}]
    assert table.headers == {"town_code": "TOWN_CODE", "county": "县(市、区)", "tier": "tier"}


def test_gb18030_utf16_and_tab_separated_csv_files_are_read():
    text = "区划代码\t示范镇层级\n220112102\t省级\n"
    for data in (text.encode("gb18030"), text.encode("utf-16"), text.replace("\t", ",").encode("utf-8-sig")):
        assert read_sheet("d.csv", data, COLUMNS).rows[0].values == {"town_code": "220112102", "tier": "省级"}


def test_numbers_typed_as_numbers_lose_their_decimal_point():
    table = read_sheet("d.xlsx", xlsx([["区划代码", "示范镇层级"], [220112102, 2022.0]]), COLUMNS)
    assert table.rows[0].values == {"town_code": "220112102", "tier": "2022"}


def zipped(**files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("d.txt", b"town_code\n", "不支持的文件类型“.txt”"),
        ("d.xls", b"\xd0\xcf\x11\xe0", "不支持 Excel 97-2003（.xls）文件"),
        ("d", b"x", "不支持的文件类型"),
        ("d.csv", b"", "文件为空"),
        ("d.xlsx", b"", "文件为空"),
        ("d.xlsx", b"town_code,tier\n1,2\n", "文件内容不是 Excel（.xlsx）工作簿"),
        ("d.xlsx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100, "Excel 97-2003（.xls）格式"),
        ("d.xlsx", b"%PDF-1.4 ...", "而是PDF 文件"),
        ("d.xlsx", b"PK\x03\x04garbage", "Excel 文件已损坏或不完整"),
        ("d.xlsx", zipped(**{"a.txt": "x"}), "压缩包中没有工作簿"),
        ("d.xlsx", zipped(**{"[Content_Types].xml": "x", "word/document.xml": "x"}), "Word 文档"),
        ("d.xlsx", zipped(**{"[Content_Types].xml": "<x/>", "xl/workbook.xml": "<x/>"}), "无法读取 Excel 文件"),
        ("d.csv", b"town_code,tier\n\x00\x01", "空字节（NUL）"),
        ("d.csv", xlsx([["区划代码"]]), "是 Excel 工作簿或压缩包，不是 CSV"),
        ("d.csv", b"\x89PNG\r\n\x1a\n", "是图片"),
        ("d.csv", b"MZ\x90\x00", "是可执行程序"),
        ("d.csv", b"\xff\xfe\x00\xd8", "无法识别 CSV 文件的编码"),
        ("d.csv", b"\x81\x30\xff\xff,tier\n", "无法识别 CSV 文件的编码"),
        ("d.csv", b"town_code,tier\x07\n", "控制字符"),
        ("d.csv", b"name,other\nx,y\n", "缺少必需的列：区划代码（town_code）、示范镇层级（tier）"),
        ("d.csv", b"\n\n,,\n", "文件中没有内容"),
        ("d.csv", "区划代码,示范镇层级\n,\n".encode(), "文件中没有数据行"),
        ("d.csv", '区划代码,示范镇层级\n"220112102,省级\n'.encode(), "格式错误"),
    ],
)
def test_a_bad_file_is_refused_with_a_chinese_message(name, data, message):
    with pytest.raises(DomainError) as refused:
        read_sheet(name, data, COLUMNS)
    assert message in refused.value.message


def test_a_missing_column_names_only_what_is_missing():
    with pytest.raises(DomainError) as refused:
        read_sheet("d.csv", "区划代码,县（市、区）\n1,2\n".encode(), COLUMNS)
    assert "缺少必需的列：示范镇层级（tier）" in refused.value.message
    assert "区划代码（town_code）、" not in refused.value.message.split("。")[0]


def test_too_large_and_too_many_rows_are_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(DomainError, match="文件大小为 101 字节，超过 100 字节的上限"):
        check_upload("d.csv", b"x" * 101)
    settings.IMPORT_MAX_BYTES = 5 * 1024 * 1024
    settings.IMPORT_MAX_ROWS = 3
    rows = "区划代码,示范镇层级\n" + "".join(f"22011210{i},省级\n" for i in range(4))
    with pytest.raises(DomainError, match="文件超过 3 个数据行，请拆分后分批导入"):
        read_sheet("d.csv", rows.encode(), COLUMNS)
    assert len(read_sheet("d.csv", "区划代码,示范镇层级\n1,2\n2,3\n3,4\n".encode(), COLUMNS)) == 3


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.IMPORT_MAX_BYTES = 10_000
    bomb = zipped(**{"[Content_Types].xml": "x", "xl/workbook.xml": "x", "xl/big.xml": "0" * 500_000})
    assert len(bomb) < 10_000
    with pytest.raises(DomainError, match="解压后过大"):
        check_upload("d.xlsx", bomb)


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes_are_read_or_refused_in_chinese_never_an_other_error(data, suffix):
    try:
        read_sheet(f"随机{suffix}", data, COLUMNS)
    except DomainError as refused:
        assert any("\u4e00" <= char <= "\u9fff" for char in refused.message)


@hypothesis_settings(max_examples=100, deadline=None)
@given(data=st.binary(min_size=1, max_size=500))
def test_random_bytes_inside_a_real_zip_are_refused_in_chinese(data):
    content = zipped(**{"[Content_Types].xml": data, "xl/workbook.xml": data})
    try:
        read_sheet("随机.xlsx", content, COLUMNS)
    except DomainError as refused:
        assert any("\u4e00" <= char <= "\u9fff" for char in refused.message)
