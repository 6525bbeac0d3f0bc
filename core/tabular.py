"""Reading uploaded .csv and .xlsx files into rows, for every import (core.imports and the old one-step ones).

Every upload reads through here, so the same mistakes get the same Chinese messages, and a file never reaches
a parser it was not checked for:

- `check_upload(name, data)`: the extension (.csv or .xlsx), the size (settings.IMPORT_MAX_BYTES), an empty
  file, and the content against the extension — an .xlsx must be a zip with a workbook inside (a renamed
  .xls, Word file, PDF or anything else is refused by name) and no zip bomb (settings.UPLOAD_ZIP_MAX_*,
  core.file_rules), a .csv must be text: no NUL byte, no control
  characters, in UTF-8, GB18030 or UTF-16 with its byte-order mark.
- `read_sheet(name, data, columns)`: the rows of the first sheet under their column keys. The header row is
  found among the first rows (an export's title and unit rows come first; its header is row 3), and a
  header matches a column by its Chinese header as the export writes it, its English key or an alias, after
  trimming and with full-width/half-width forms, brackets and case folded (`normalise_header`). At most
  settings.IMPORT_MAX_ROWS data rows.

Row numbers are the spreadsheet's (the first row of the file is 1), so a message can say "第 5 行" of what the
user sees. Nothing here writes anything.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Protocol

from django.conf import settings

from . import file_rules
from .errors import DomainError
from .files import zip_limits

SUFFIXES = (".csv", ".xlsx")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
HEADER_SCAN_ROWS = 10  # the header is looked for among this many first rows
MAX_COLUMNS = 200  # columns read per row; a sheet claiming 16,384 is read no further
MAX_CELL_CHARS = 2000
UNPACKED_FACTOR = 40  # an .xlsx may unpack to at most this many times IMPORT_MAX_BYTES (zip bombs)
DEFAULT_MAX_BYTES = 16 * 1024 * 1024  # a national year of scores fits (config/settings.py)
DEFAULT_MAX_ROWS = 400_000
# Kept for the old callers; the limit is settings.IMPORT_MAX_ROWS.
MAX_ROWS = DEFAULT_MAX_ROWS

# A cell holding only a dash is empty: the exports write "—" (core.formats.EMPTY) where a value is missing.
EMPTY_MARKS = frozenset({"—", "——", "–", "-", "－"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HEADER_NOISE = re.compile(r"[\s_\-*]+")
_HEADER_MARKS = re.compile(r"\((必填|选填|可选)\)$")


class ColumnLike(Protocol):
    """What the reader needs of a column (core.imports.SheetColumn is one)."""

    key: str
    header: str
    required: bool
    aliases: Sequence[str]


@dataclass(frozen=True)
class SourceRow:
    """One data row: its spreadsheet row number and its cells as text, by column key (absent columns are not
    keys; empty cells are "")."""

    number: int
    values: dict


@dataclass(frozen=True)
class Table:
    """The rows of a sheet and what its header held. Iterating a Table iterates its rows."""

    rows: list[SourceRow]
    columns: tuple[str, ...] = ()  # the keys of the columns found, in the sheet's order
    headers: dict[str, str] = field(default_factory=dict)  # key → the header as the file writes it
    header_row: int = 1

    def __iter__(self) -> Iterator[SourceRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, key: str) -> bool:
        return key in self.columns


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def size_text(size: int) -> str:
    """A file size as a message names it: 800 字节, 12 KB, 5 MB, 5.3 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".") + " MB"


def size_refusal(size: int) -> str | None:
    """Why a file of this size is refused (over settings.IMPORT_MAX_BYTES), or None."""
    limit = max_bytes()
    if size <= limit:
        return None
    shown = size_text(limit)
    space = "" if shown.endswith("字节") else " "  # a space between a Latin unit and Chinese, none otherwise
    return f"文件大小为 {size_text(size)}，超过 {shown}{space}的上限，请拆分后分批导入。"


def normalise_header(name: object) -> str:
    """A header as it is compared: NFKC (full-width letters, digits and brackets → half-width), case folded,
    without spaces, underscores, hyphens, asterisks or a trailing (必填)/(选填)."""
    text = unicodedata.normalize("NFKC", str(name if name is not None else "")).casefold()
    text = _HEADER_NOISE.sub("", text)
    return _HEADER_MARKS.sub("", text)


# --- checking what a file is -------------------------------------------------------------------------------


def suffix_of(name: str) -> str:
    return PurePath(name or "").suffix.lower()


def check_upload(name: str, data: bytes) -> str:
    """The file's suffix (.csv or .xlsx) once its name, size and content agree; else a DomainError."""
    suffix = suffix_of(name)
    if suffix not in SUFFIXES:
        if suffix == ".xls":
            raise DomainError("不支持 Excel 97-2003（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 后上传。")
        raise DomainError(
            f"不支持的文件类型“{suffix or name or '（无扩展名）'}”，请上传 .csv 或 .xlsx 文件。"
        )
    size = len(data)
    if size == 0:
        raise DomainError("文件为空（0 字节），请确认选择了正确的文件。")
    refusal = size_refusal(size)
    if refusal:
        raise DomainError(refusal)
    if suffix == ".xlsx":
        _check_workbook(data)
    else:
        _check_text(data)
    return suffix


def _what_binary_is(data: bytes) -> str | None:
    """A name for a binary format the user might have renamed, or None."""
    if data.startswith(bytes.fromhex("D0CF11E0A1B11AE1")):
        return "Excel 97-2003（.xls）或 Word 97-2003（.doc）文件"
    if data.startswith(b"%PDF-"):
        return "PDF 文件"
    if data.startswith(b"PK\x03\x04"):
        return "压缩包或 Office 文档"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "图片"
    if data.startswith((b"MZ", b"\x7fELF")):
        return "可执行程序"
    return None


def _check_workbook(data: bytes) -> None:
    if not data.startswith(b"PK\x03\x04"):
        found = _what_binary_is(data)
        if found and "xls" in found:
            raise DomainError(
                "文件是 Excel 97-2003（.xls）格式，只是扩展名为 .xlsx；请在 Excel 或 WPS 中另存为 .xlsx 后上传。"
            )
        shown = f"，而是{found}" if found else ""
        raise DomainError(f"文件内容不是 Excel（.xlsx）工作簿{shown}（按内容检查，而非文件名）。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
            # Entry count, total and ratio from the central directory, before openpyxl unpacks anything.
            bomb = file_rules.zip_bomb_refusal(archive, len(data), zip_limits())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise DomainError("Excel 文件已损坏或不完整，无法读取；请重新保存后上传。") from None
    if "word/document.xml" in names:
        raise DomainError("文件内容是 Word 文档，不是 Excel（.xlsx）工作簿。")
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise DomainError("文件内容不是 Excel（.xlsx）工作簿（压缩包中没有工作簿），请确认文件。")
    if unpacked > max_bytes() * UNPACKED_FACTOR:
        raise DomainError("Excel 文件解压后过大，请删除多余的工作表或拆分后分批导入。")
    if bomb:
        raise DomainError(bomb)


def _check_text(data: bytes) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 with its byte-order mark ("Unicode 文本"): NULs are part of the encoding
    found = _what_binary_is(data)
    if found == "压缩包或 Office 文档":
        raise DomainError(
            "文件内容是 Excel 工作簿或压缩包，不是 CSV 文本；如为 Excel 文件请使用 .xlsx 扩展名。"
        )
    if found:
        raise DomainError(f"文件内容是{found}，不是 CSV 文本文件（按内容检查，而非文件名）。")
    if b"\x00" in data:
        raise DomainError(
            "文件含有空字节（NUL），不是 CSV 文本文件；请用 Excel 或 WPS 另存为 CSV 或 .xlsx 后上传。"
        )


def decode_text(data: bytes) -> str:
    """The text of a CSV file: UTF-16 by its byte-order mark, else UTF-8, else GB18030 (WPS and Excel in
    Chinese save so); a file with control characters is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: Iterable[str] = ("utf-16",)
    else:
        encodings = CSV_ENCODINGS
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError("无法识别 CSV 文件的编码，请保存为 UTF-8 或 GB18030（GBK）编码后重新上传。")
    if _CONTROL.search(text):
        raise DomainError(
            "文件含有不可见的控制字符，不是文本格式的 CSV 文件；请确认文件内容，或另存为 .xlsx 后上传。"
        )
    return text


# --- reading rows ------------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as the text an import reads: numbers typed in a spreadsheet lose their ".0", dates are ISO, a
    lone dash (what an export writes for no value) is empty."""
    if type(value) is str:  # every CSV cell, most .xlsx cells: the common case first (a national file has 1M)
        text = _CONTROL.sub("", value).strip()[:MAX_CELL_CHARS] if value else ""
        return "" if text in EMPTY_MARKS else text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer():
            # Spreadsheet programs store typed numbers as floats: 2022 arrives as 2022.0.
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    text = _CONTROL.sub("", str(value)).strip()[:MAX_CELL_CHARS]
    return "" if text in EMPTY_MARKS else text


def _csv_rows(data: bytes) -> Iterator[list]:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        if "\t" in first_line:
            delimiter = "\t"
        elif ";" in first_line:
            delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            yield row[:MAX_COLUMNS]
    except csv.Error:
        raise DomainError(
            f"CSV 文件第 {reader.line_num} 行格式错误（如引号不配对），请用 Excel 或 WPS 另存为 CSV 后重试。"
        ) from None


def _xlsx_rows(data: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for damaged or disguised files
        raise DomainError(
            "无法读取 Excel 文件，请确认是有效的 .xlsx 文件（可在 Excel 或 WPS 中另存后重试）。"
        ) from None
    try:
        if not workbook.worksheets:
            raise DomainError("Excel 文件中没有工作表。")
        sheet = workbook.worksheets[0]
        try:
            for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                yield list(row)
        except DomainError:
            raise
        except Exception:  # read-only sheets parse while they are iterated
            raise DomainError(
                "Excel 文件内容已损坏，无法读取全部行；请在 Excel 或 WPS 中另存后重试。"
            ) from None
    finally:
        workbook.close()


def raw_rows(name: str, data: bytes) -> Iterator[list]:
    """The rows of the file's first sheet as lists of raw cells, after check_upload."""
    suffix = check_upload(name, data)
    reader = _csv_rows if suffix == ".csv" else _xlsx_rows
    return reader(data)


def _spec(columns: Sequence[ColumnLike]) -> dict[str, str]:
    """normalised name → key, for every name a column answers to."""
    names: dict[str, str] = {}
    for column in columns:
        for name in (column.header, column.key, *column.aliases):
            names.setdefault(normalise_header(name), column.key)
    return names


def _match(header: Sequence[object], names: dict[str, str]) -> dict[str, int]:
    """key → position of the columns a header row names (the first of two that name the same column)."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(normalise_header(cell))
        if key is not None and key not in positions:
            positions[key] = index
    return positions


def _shown(column: ColumnLike) -> str:
    return column.header if column.header == column.key else f"{column.header}（{column.key}）"


def read_sheet(name: str, data: bytes, columns: Sequence[ColumnLike]) -> Table:
    """Parse the bytes of a .csv/.xlsx file called name into a Table of the given columns.

    Raises DomainError when the file is not what it claims, is empty, has no header row naming the required
    columns, has no data rows or too many. Columns the file has and `columns` do not name are ignored (an
    export's name and total columns); a column named twice is read from its first place.
    """
    rows_iter = raw_rows(name, data)
    names = _spec(columns)
    required = [column for column in columns if column.required]
    scanned: list[tuple[int, list]] = []
    header_number, positions = None, {}
    best: dict[str, int] = {}
    for number, raw in enumerate(rows_iter, start=1):
        scanned.append((number, raw))
        found = _match(raw, names)
        if len(found) > len(best):
            best = found
        if found and all(column.key in found for column in required):
            header_number, positions = number, found
            break
        if number >= HEADER_SCAN_ROWS:
            break
    if not scanned or all(not any(cell_text(cell) for cell in raw) for _number, raw in scanned):
        raise DomainError("文件中没有内容（没有列名行，也没有数据行）。")
    if header_number is None:
        missing = [_shown(column) for column in required if column.key not in best]
        expected = "、".join(_shown(column) for column in required)
        raise DomainError(
            f"缺少必需的列：{'、'.join(missing)}。首行（或导出表的列名行）应含列名：{expected}。",
        )

    limit = max_rows()
    rows: list[SourceRow] = []
    for number, raw in enumerate(rows_iter, start=header_number + 1):
        values = {key: cell_text(raw[index]) if index < len(raw) else "" for key, index in positions.items()}
        if not any(values.values()):
            continue
        rows.append(SourceRow(number=number, values=values))
        if len(rows) > limit:
            raise DomainError(f"文件超过 {limit} 个数据行，请拆分后分批导入。")
    if not rows:
        raise DomainError("文件中没有数据行（列名行之后都是空行）。")
    header_cells = dict(scanned)[header_number]
    ordered = tuple(sorted(positions, key=positions.get))
    return Table(
        rows=rows,
        columns=ordered,
        headers={key: cell_text(header_cells[index]) for key, index in positions.items()},
        header_row=header_number,
    )


@dataclass(frozen=True)
class _Key:
    key: str
    required: bool

    @property
    def header(self) -> str:
        return self.key

    @property
    def aliases(self) -> tuple[str, ...]:
        return ()


def read_table(
    name: str, data: bytes, required: Sequence[str], optional: Sequence[str] = ()
) -> list[SourceRow]:
    """The rows of a file whose header names English keys (the old one-step imports): read_sheet's rows."""
    keys = [_Key(key, True) for key in required] + [_Key(key, False) for key in optional]
    return read_sheet(name, data, keys).rows
