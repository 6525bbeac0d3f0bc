"""Spreadsheet export shared by every list: title row, a note row (the filters and sort that produced the sheet,
the unit, the time), a frozen header row, then one row per record — streamed, so memory stays flat however
many rows a national export has.

The sheet is written by openpyxl in write-only mode (rows go to a temporary file as they come; strings are
inline, so nothing grows with the rows) and answered as a file download. No cell is ever a formula: every
text — data, title, note and header alike — is a string cell (data type "s"), so a value starting with
= + - @ reaches Excel as the literal text a user typed; codes are text; the sheet's name is made safe.

Every list export goes through one mechanism: each app registers a builder for its list in its own
`exports.py` (`@register_export("towns.towns", page="town-list")`, autodiscovered by `core.apps`), which
turns (user, query string, URL arguments) into an `ExportSpec` with the page's FilterSet, sort and scope.
`export_response(request, kind)` answers it inline, or — above `settings.EXPORT_INLINE_MAX_ROWS` rows (a sheet
wider than an ordinary list weighs more rows: `sheet_weight`) —
starts a tracked job (kind `core.export`, `core.export_job`) and redirects to its page; the job rebuilds the
same spec for the user who started it and streams it into the job's result file.
"""

from __future__ import annotations

import datetime
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import ceil
from typing import IO

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django_filters import FilterSet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .errors import DomainError
from .formats import chinese_date, chinese_datetime
from .scoping import PortalUser
from .sorting import Sorting

FilterSource = forms.Form | FilterSet | None  # a list page's FilterSet, or its plain filter form

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The styles, defined once: every cell refers to these objects (openpyxl keeps one entry per distinct style).
TITLE_FONT = Font(bold=True, size=14)
TITLE_ALIGNMENT = Alignment(horizontal="center")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
NUMBER_FORMATS = {"text": "@", "money": "#,##0.00", "int": "0"}
HEADER_ROW = 3  # title, note, header: the rows an import skips to find the header
CELL_TEXT_MAX = 32767  # the most characters Excel keeps in a cell
CENT = Decimal("0.01")

# Excel refuses these in a sheet's name, a name longer than 31 characters, one that starts or ends with an
# apostrophe, and the name it keeps for itself.
SHEET_TITLE_FORBIDDEN = frozenset(":/\\?*[]")
SHEET_TITLE_MAX = 31
SHEET_TITLE_RESERVED = "history"
SHEET_TITLE_DEFAULT = "导出"

FILTERS_REFUSED = "筛选条件有误，未导出。"
EXPORT_JOB = "core.export"  # the tracked job's kind (core.export_job)
PROGRESS_EVERY = 500  # rows between two progress reports of an export job
# EXPORT_INLINE_MAX_ROWS counts rows of a list this wide; a wider sheet weighs more per row (sheet_weight).
INLINE_REFERENCE_COLUMNS = 12


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    kind: str = "text"  # text | money | int

    @property
    def number_format(self) -> str:
        return NUMBER_FORMATS[self.kind]


# --- cells ---------------------------------------------------------------------------------------------


def clean_text(value: object) -> str:
    """A value as the text of a string cell: the characters XML cannot hold (control characters) dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def safe_sheet_title(title: object, default: str = SHEET_TITLE_DEFAULT) -> str:
    """A name Excel accepts for a sheet: without : / \\ ? * [ ], no apostrophe at either end, at most 31
    characters, never empty and never its reserved "History"."""
    text = "".join(
        ch for ch in clean_text(title or "") if ch not in SHEET_TITLE_FORBIDDEN and ch.isprintable()
    )
    text = text.strip().strip("'").strip()[:SHEET_TITLE_MAX].strip().rstrip("'").rstrip()
    if not text:
        text = default
    if text.lower() == SHEET_TITLE_RESERVED:
        text = f"{text}（1）"
    return text


def text_cell(
    sheet: WriteOnlyWorksheet,
    value: object,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
    number_format: str | None = None,
) -> WriteOnlyCell:
    """A string cell of a write-only sheet: never a formula, an error value or anything but the text."""
    cell = WriteOnlyCell(sheet, value=None if value is None else clean_text(value))
    if value is not None:
        cell.data_type = "s"  # openpyxl takes a leading "=" for a formula and "#N/A" for an error: not here
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _text_value(value: object) -> str | None:
    if value is None or value == "":
        return None
    text = value if type(value) is str else str(value)
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text[:CELL_TEXT_MAX]


def _money_value(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(value).quantize(CENT)


def _int_value(value: object) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


# What a data cell holds, by the column's kind: the value converted, and its cell type ("s" text: never a
# formula or an error value, whatever it starts with; "n" a number).
_CONVERTERS: dict[str, tuple[Callable[[object], object], str]] = {
    "text": (_text_value, "s"),
    "money": (_money_value, "n"),
    "int": (_int_value, "n"),
}


class _ColumnCell(Cell):
    """The cell of one data column of a write-only sheet, reused row after row.

    A write-only row is written out the moment it is appended, so one cell per column can carry each row's
    value in turn: no cell object per value, and the column's style (its number format) is resolved once
    instead of hashed again for every cell (openpyxl's `style_id`). Of a national directory (41k rows) this
    is most of the portal's cost over openpyxl writing bare values."""

    __slots__ = ("_style_index",)

    @property
    def style_id(self) -> int:
        return self._style_index


class _DataSheet(WriteOnlyWorksheet):
    """A write-only sheet whose rows are cells already typed and styled (text_cell, _ColumnCell): openpyxl's
    own path would first try each as a value and make a new cell after every styled one."""

    def _values_to_row(self, values: Iterable[Cell], row_idx: int) -> Iterator[Cell]:
        for column, cell in enumerate(values, start=1):
            cell.row = row_idx
            cell.column = column
            yield cell


class _RowWriter:
    """Appends data rows (one value per column) to a _DataSheet through its columns' cells."""

    def __init__(self, sheet: _DataSheet, columns: Sequence[Column]) -> None:
        self.sheet = sheet
        self.width = len(columns)
        self.cells = []
        for column in columns:
            cell = _ColumnCell(sheet)
            cell.number_format = column.number_format
            cell._style_index = sheet.parent._cell_styles.add(cell._style)
            self.cells.append(cell)
        self.fill = tuple(
            (cell, *_CONVERTERS[column.kind]) for cell, column in zip(self.cells, columns, strict=True)
        )

    def append(self, row: Sequence[object]) -> None:
        if len(row) != self.width:
            raise ValueError(f"a row of {len(row)} values for {self.width} columns")
        for (cell, convert, data_type), value in zip(self.fill, row):  # noqa: B905 - lengths checked above
            cell._value = converted = convert(value)
            cell.data_type = "n" if converted is None else data_type  # an empty cell keeps its style only
        self.sheet.append(self.cells)


# --- the sheet -----------------------------------------------------------------------------------------


def note_line(unit_note: str = "", filters: str = "") -> str:
    """The second row: which filters and sort produced the sheet, its unit, when it was exported."""
    generated = chinese_datetime(timezone.now())
    return "　".join(part for part in (filters, unit_note, f"导出时间：{generated}") if part)


def write_workbook(
    target: str | IO[bytes],
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    unit_note: str = "",
    filters: str = "",
    sheet_title: str | None = None,
    progress: Callable[[int], None] | None = None,
    every: int = PROGRESS_EVERY,
) -> int:
    """Stream the rows (an iterable of sequences, one value per column) into an .xlsx at target (a path or a
    binary file); progress(rows written) every `every` rows. Returns the number of rows written."""
    workbook = Workbook(write_only=True)
    sheet = _DataSheet(parent=workbook, title=safe_sheet_title(sheet_title or title))
    workbook._add_sheet(sheet)
    last = get_column_letter(max(len(columns), 1))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.append([text_cell(sheet, title, font=TITLE_FONT, alignment=TITLE_ALIGNMENT)])
    sheet.append([text_cell(sheet, note_line(unit_note, filters))])
    sheet.append(
        [
            text_cell(sheet, column.header, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT)
            for column in columns
        ]
    )
    if len(columns) > 1:
        sheet.merged_cells.add(f"A1:{last}1")
        sheet.merged_cells.add(f"A2:{last}2")
    writer = _RowWriter(sheet, columns)
    written = 0
    for row in rows:
        writer.append(row)
        written += 1
        if progress is not None and written % every == 0:
            progress(written)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + written}"
    workbook.save(target)
    return written


def build_workbook(
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    unit_note: str = "",
    sheet_title: str | None = None,
    filters: str = "",
) -> bytes:
    """The workbook's bytes (for a caller that needs them whole; a download streams: xlsx_response)."""
    buffer = io.BytesIO()
    write_workbook(
        buffer, title, columns, rows, unit_note=unit_note, filters=filters, sheet_title=sheet_title
    )
    return buffer.getvalue()


def file_response(handle: IO[bytes], filename: str) -> FileResponse:
    """An open .xlsx file (at its start) as a download named `filename`; the file closes with the response."""
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def xlsx_response(
    filename: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    unit_note: str = "",
    filters: str = "",
    sheet_title: str | None = None,
) -> FileResponse:
    """A list's sheet as a download: written to a temporary file (removed when the response closes) and sent
    from it in chunks, so neither the rows nor the file are held in memory."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    try:
        write_workbook(
            handle, title, columns, rows, unit_note=unit_note, filters=filters, sheet_title=sheet_title
        )
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return file_response(handle, filename)


def workbook_response(content: bytes, filename: str) -> HttpResponse:
    """An .xlsx already built (a page's charts, an import template) as a download named `filename`."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


# --- which filters and sort produced the sheet -----------------------------------------------------------


def _empty(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, (list, tuple, set, frozenset)) and not value)


def _choice_labels(field: forms.Field) -> dict[str, str]:
    labels = {}
    for key, text in getattr(field, "choices", ()):
        if isinstance(text, (list, tuple)):  # an optgroup
            labels.update({str(inner): str(inner_text) for inner, inner_text in text})
        else:
            labels[str(key)] = str(text)
    return labels


def _display(field: forms.Field, value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "、".join(_display(field, item) for item in value)
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, datetime.datetime):
        return chinese_datetime(value)
    if isinstance(value, datetime.date):
        return chinese_date(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return _choice_labels(field).get(str(value), str(value))
    return str(value).strip()


def _named_label(label: str) -> str:
    """A code filter's label once its value is shown by name: 市（州）代码 → 市（州）, 镇区划代码 → 镇."""
    return label.removesuffix("代码").removesuffix("区划") or label


def chosen_filters(
    source: FilterSource,
    *,
    values: Mapping[str, str | tuple[str, str]] | None = None,
    skip: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """(label, chosen value's display) of each filter set in a FilterSet (or a plain Form), in its order;
    `values` gives the display of a value the form cannot name itself (a region's name for its code), or
    (label, display)."""
    form = getattr(source, "form", source)
    if form is None or not form.is_bound or not form.is_valid():
        return []
    values = values or {}
    skipped = set(skip)
    chosen = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name in skipped or _empty(value):
            continue
        if (
            isinstance(field, forms.BooleanField)
            and not isinstance(field, forms.NullBooleanField)
            and not value
        ):
            continue  # an unticked box filters nothing
        label = str(field.label or name)
        given = values.get(name)
        if isinstance(given, tuple):
            label, text = given
        elif given is not None:
            label, text = _named_label(label), given
        else:
            text = _display(field, value)
        chosen.append((label, text))
    return chosen


def filter_note(
    source: FilterSource = None,
    *sortings: Sorting | None,
    values: Mapping[str, str | tuple[str, str]] | None = None,
    extra: Iterable[tuple[str, str]] = (),
    skip: Iterable[str] = (),
    order: str = "",
) -> str:
    """What the title rows say produced the sheet: "筛选条件：市（州）：长春市；级别：省级示范镇；排序：综合得分
    （降序）", "筛选条件：全部；排序：区划代码（升序）" when no filter is set. source: the page's FilterSet or
    filter form (or None); sortings: the page's sorts (core.sorting); extra: (label, display) pairs the
    page filters by outside its form (the round of a round's page); order: the order of a list users do
    not sort ("逾期的在前")."""
    chosen = [*extra, *chosen_filters(source, values=values, skip=skip)]
    parts = ["；".join(f"{label}：{text}" for label, text in chosen) or "全部"]
    parts += [
        f"{sorting.sorts.caption}：{sorting.description}" for sorting in sortings if sorting is not None
    ]
    if order:
        parts.append(f"排序：{order}")
    return "筛选条件：" + "；".join(parts)


# --- one mechanism for every list export: the registry, inline or as a job -----------------------------


@dataclass(frozen=True)
class ExportSpec:
    """One list's sheet as a user asked for it. `rows` is lazy (a generator over the filtered, sorted,
    scoped rows): nothing is read before the sheet is written; `count` is the number of rows, counted on the
    filtered queryset without its display joins, which decides inline or job."""

    title: str
    filename: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    count: int
    unit_note: str = ""
    filters: str = ""
    sheet_title: str = ""


ExportBuilder = Callable[..., ExportSpec]  # build(user, query: QueryDict, **url_kwargs) -> ExportSpec


@dataclass(frozen=True)
class ListExport:
    kind: str
    build: ExportBuilder
    page: str  # the URL name of the list page (where an export refused for its filters goes back to)


_EXPORTS: dict[str, ListExport] = {}


def register_export(kind: str, *, page: str) -> Callable[[ExportBuilder], ExportBuilder]:
    """Register the builder of a list's export under kind ("<app>.<list>"), from the app's exports.py."""

    def register(build: ExportBuilder) -> ExportBuilder:
        known = _EXPORTS.get(kind)
        if known is not None and (known.build.__module__, known.build.__qualname__) != (
            build.__module__,
            build.__qualname__,
        ):
            raise ImproperlyConfigured(f"export {kind!r} is registered twice")
        _EXPORTS[kind] = ListExport(kind=kind, build=build, page=page)
        return build

    return register


def registered_exports() -> dict[str, ListExport]:
    return dict(_EXPORTS)


def export_spec(
    kind: str, user: PortalUser | None, query: QueryDict, kwargs: Mapping[str, object] | None = None
) -> ExportSpec:
    """The sheet of a registered list for this user and query string (URL arguments in kwargs)."""
    try:
        entry = _EXPORTS[kind]
    except KeyError:
        raise DomainError("未知的导出类型。") from None
    return entry.build(user, query, **dict(kwargs or {}))


def inline_max_rows() -> int:
    return int(settings.EXPORT_INLINE_MAX_ROWS)


def sheet_weight(spec: ExportSpec) -> int:
    """What a sheet weighs against EXPORT_INLINE_MAX_ROWS: its rows, as many more as it is wider than an
    ordinary list (the cost of a sheet is its cells: a score sheet of one column per indicator, 40 wide,
    costs as much as a list of 3.3 times its rows)."""
    return ceil(spec.count * max(len(spec.columns), INLINE_REFERENCE_COLUMNS) / INLINE_REFERENCE_COLUMNS)


def spec_response(spec: ExportSpec) -> FileResponse:
    return xlsx_response(
        spec.filename,
        spec.title,
        spec.columns,
        spec.rows,
        unit_note=spec.unit_note,
        filters=spec.filters,
        sheet_title=spec.sheet_title or None,
    )


def export_response(request: HttpRequest, kind: str, **kwargs: object) -> HttpResponse:
    """The export view of every list: its sheet inline, or above EXPORT_INLINE_MAX_ROWS rows a tracked job
    (redirect to the job's page). A refused filter goes back to the list page, which shows why."""
    entry = _EXPORTS[kind]
    try:
        spec = entry.build(request.user, request.GET, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
        back = reverse(entry.page, kwargs=kwargs or None)
        query = request.GET.urlencode()
        return redirect(f"{back}?{query}" if query else back)
    from .jobs import should_run_as_job

    if should_run_as_job(sheet_weight(spec), setting="EXPORT_INLINE_MAX_ROWS"):
        from .export_job import start_export_job  # (it imports this module)

        job = start_export_job(request.user, kind, request.GET, kwargs, spec)
        _record_export(request, kind, spec, job=job.pk)
        messages.info(request, _job_notice(spec))
        return redirect("job-detail", job.pk)
    _record_export(request, kind, spec)
    return spec_response(spec)


def _job_notice(spec: ExportSpec) -> str:
    if spec.count > inline_max_rows():
        reason = f"共 {spec.count} 行，超过 {inline_max_rows()} 行"
    else:
        reason = f"共 {spec.count} 行、{len(spec.columns)} 列，超过页面直接导出的上限"
    return f"{reason}，已转为后台任务导出；完成后可在本页下载。"


def _record_export(request: HttpRequest, kind: str, spec: ExportSpec, **details: object) -> None:
    """Every export is a security event (等保 安全审计): who exported which list, filtered how, how many rows."""
    from .choices import SecurityEventKind
    from .security_log import record_security_event

    record_security_event(
        SecurityEventKind.EXPORTED,
        request=request,
        export=kind,
        rows=spec.count,
        file=spec.filename,
        **details,
    )
