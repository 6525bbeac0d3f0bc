"""Spreadsheet export shared by every list: title row, unit row, frozen header, codes as text.

No cell is ever written as a formula: every text value is stored as a string cell, so a value starting
with = + - @ reaches Excel as the literal text a user typed.
"""

import io
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .formats import chinese_datetime

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    kind: str = "text"  # text | money | int

    @property
    def number_format(self):
        return {"text": "@", "money": "#,##0.00", "int": "0"}[self.kind]


def _cell_value(value, column):
    if value is None:
        return ""
    if column.kind == "money":
        return Decimal(value).quantize(Decimal("0.01"))
    if column.kind == "int":
        return int(value)
    return str(value)


def build_workbook(title, columns, rows, unit_note="", sheet_title=None):
    """rows: an iterable of sequences, one value per column. Returns the workbook's bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (sheet_title or title)[:31]
    last_letter = get_column_letter(len(columns))

    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A1:{last_letter}1")
    generated = chinese_datetime(timezone.now())
    sheet["A2"] = "　".join(part for part in (unit_note, f"导出时间：{generated}") if part)
    sheet.merge_cells(f"A2:{last_letter}2")

    header_fill = PatternFill("solid", fgColor="DDE7F3")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=3, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A4"

    for row_index, row in enumerate(rows, start=4):
        for col_index, (value, column) in enumerate(zip(row, columns, strict=True), start=1):
            cell = sheet.cell(row=row_index, column=col_index)
            cell.value = _cell_value(value, column)
            if column.kind == "text":
                # openpyxl infers a formula from a leading "="; force a plain string cell.
                cell.data_type = "s"
            cell.number_format = column.number_format
    sheet.auto_filter.ref = f"A3:{last_letter}{max(sheet.max_row, 3)}"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename, title, columns, rows, unit_note=""):
    return workbook_response(build_workbook(title, columns, rows, unit_note=unit_note), filename)


def workbook_response(content, filename):
    """An .xlsx already built (a list's sheet, a page's charts) as a download named `filename`."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
