"""Charts as plain data: one `Chart` feeds the ECharts canvas (static/js/charts.js), the data table shown one
click away, and the sheet of the page's .xlsx export, so the three always show the same numbers."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .exports import HEADER_FILL, HEADER_FONT, TITLE_FONT, safe_sheet_title, text_cell
from .formats import chinese_datetime, figure

KINDS = frozenset({"bar", "hbar", "line", "pie", "funnel", "map"})
Number = int | float | Decimal | None


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Number, ...]
    stack: str = ""  # series sharing a stack name are stacked
    kind: str = ""  # "line" draws this series of a bar chart as a line (a target, a rate)


@dataclass(frozen=True)
class Chart:
    """One chart: categories along one axis, one or more series of values, in one unit."""

    key: str  # the DOM id of its canvas and the name of its sheet
    title: str
    kind: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    places: int = 0  # decimals in the table and the tooltip (2 for 万元)
    links: tuple[str, ...] = ()  # one per category: where a click goes (map regions, bars)
    map_url: str = ""  # a map chart's outlines (static GeoJSON)
    note: str = ""  # printed under the chart, e.g. 示意图 for the map
    category_header: str = "类别"
    extra: dict = field(default_factory=dict)  # kind-specific options passed to the script as they are

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"series {series.name!r} of chart {self.key!r} has the wrong length")

    @property
    def empty(self) -> bool:
        if self.kind == "map":
            return not self.categories  # a map always has its outlines to draw: 0 is a colour too
        return not self.categories or all(value in (None, 0) for s in self.series for value in s.values)

    def spec(self) -> dict:
        """What the script draws, JSON-safe (Decimal as float)."""
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "unit": self.unit,
            "places": self.places,
            "categories": list(self.categories),
            "series": [
                {
                    "name": s.name,
                    "values": [None if v is None else float(v) for v in s.values],
                    "stack": s.stack,
                    "kind": s.kind,
                }
                for s in self.series
            ],
            "links": list(self.links),
            "map_url": self.map_url,
            **({"extra": self.extra} if self.extra else {}),
        }

    def headers(self) -> list[str]:
        unit = f"（{self.unit}）" if self.unit else ""
        return [self.category_header, *(f"{s.name}{unit}" for s in self.series)]

    def rows(self) -> list[list[Number | str]]:
        return [
            [category, *(s.values[index] for s in self.series)]
            for index, category in enumerate(self.categories)
        ]

    def table(self) -> list[list[str]]:
        """The rows as the data table prints them: numbers with separators and the chart's decimals."""
        return [[row[0], *(figure(value, self.places) for value in row[1:])] for row in self.rows()]

    def table_rows(self) -> list[tuple[str, str, list[str]]]:
        """(link or "", category, printed values) per row, for the data table under the chart."""
        links = self.links or ("",) * len(self.categories)
        return [(link, row[0], row[1:]) for link, row in zip(links, self.table(), strict=True)]

    @property
    def spec_id(self) -> str:
        return f"spec-{self.key}"


def charts_workbook(title: str, charts: Iterable[Chart], *, scope_note: str = "") -> bytes:
    """One sheet per chart, the same numbers as its data table (numbers stay numbers in Excel)."""
    workbook = Workbook(write_only=True)
    generated = chinese_datetime(timezone.now())
    used: set[str] = set()
    for chart in charts:
        name = _sheet_name(chart.title, used)
        sheet = workbook.create_sheet(name)
        headers = chart.headers()
        for index in range(1, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 22 if index == 1 else 16
        sheet.append([_styled(sheet, f"{title}：{chart.title}", font=TITLE_FONT)])
        note = "　".join(part for part in (scope_note, chart.note, f"导出时间：{generated}") if part)
        sheet.append([text_cell(sheet, note)])
        sheet.append(
            [
                _styled(
                    sheet,
                    header,
                    font=HEADER_FONT,
                    fill=HEADER_FILL,
                    align=Alignment(horizontal="center"),
                )
                for header in headers
            ]
        )
        number_format = "#,##0" if chart.places == 0 else "#,##0." + "0" * chart.places
        for row in chart.rows():
            cells = [_styled(sheet, str(row[0]), number_format="@")]
            for value in row[1:]:
                cells.append(
                    _styled(
                        sheet,
                        None if value is None else _number(value, chart.places),
                        number_format=number_format,
                    )
                )
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number(value: Number, places: int) -> int | Decimal:
    if places == 0 and (
        isinstance(value, int) or Decimal(str(value)) == Decimal(str(value)).to_integral_value()
    ):
        return int(value)
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))


def _styled(
    sheet: object,
    value: object,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    align: Alignment | None = None,
    number_format: str | None = None,
) -> WriteOnlyCell:
    if isinstance(value, str):
        # never a formula, whatever the text starts with (core.exports.text_cell)
        return text_cell(sheet, value, font=font, fill=fill, alignment=align, number_format=number_format)
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if align is not None:
        cell.alignment = align
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _sheet_name(title: str, used: set[str]) -> str:
    base = safe_sheet_title(title, default="图表")[:28].rstrip("'")
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}({n})", n + 1
    used.add(name)
    return name


def as_series(name: str, values: Sequence[Number], **kwargs: str) -> Series:
    return Series(name=name, values=tuple(values), **kwargs)
