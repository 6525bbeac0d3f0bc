"""Reading .csv and .xlsx files into rows for imports (designations, scores).

Every import reads through here so the same mistakes get the same Chinese messages: unknown file type,
unreadable file, missing columns. Row numbers are the spreadsheet's (the header is row 1).
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .errors import DomainError

MAX_ROWS = 200_000
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class SourceRow:
    number: int
    values: dict


def _normalise_header(name):
    return str(name or "").strip().lower()


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Spreadsheet programs store typed numbers as floats: 2022 arrives as 2022.0.
        value = int(value)
    return str(value).strip()


def _csv_rows(data):
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError("无法识别 CSV 文件的编码，请保存为 UTF-8 或 GB18030 编码。")
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise DomainError(f"CSV 文件格式错误：{exc}") from exc


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged or disguised files
        raise DomainError("无法读取 Excel 文件，请确认是有效的 .xlsx 文件。") from exc
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_table(name, data, required, optional=()):
    """Parse the bytes of a .csv/.xlsx file called name; return a list of SourceRow.

    Raises DomainError when the type is unknown, the file cannot be read, a required column is missing,
    or the file has no data rows.
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        raw_rows = _csv_rows(data)
    elif suffix == ".xlsx":
        raw_rows = _xlsx_rows(data)
    else:
        raise DomainError(f"不支持的文件类型“{suffix or name}”，请上传 .csv 或 .xlsx 文件。")

    if not raw_rows:
        raise DomainError("文件为空。")
    header = [_normalise_header(cell) for cell in raw_rows[0]]
    missing = [column for column in required if column not in header]
    if missing:
        raise DomainError(f"缺少必需的列：{'、'.join(missing)}（首行应为列名：{', '.join(required)}）。")
    known = set(required) | set(optional)
    positions = {column: index for index, column in enumerate(header) if column in known}

    rows = []
    for number, raw in enumerate(raw_rows[1:], start=2):
        values = {
            column: _cell_text(raw[index]) if index < len(raw) else "" for column, index in positions.items()
        }
        if not any(values.values()):
            continue
        rows.append(SourceRow(number=number, values=values))
        if len(rows) > MAX_ROWS:
            raise DomainError(f"文件超过 {MAX_ROWS} 行，请拆分后导入。")
    if not rows:
        raise DomainError("文件中没有数据行。")
    return rows
