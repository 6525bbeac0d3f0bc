"""Spreadsheets that round-trip: the import framework (issue 11, point 2). Core's part; no domain app here.

An import runs in two steps, the same for every kind, on its page, in the API and in the operator commands:
upload → preview (every row: new / changed with its before and after values / unchanged / error with its
reason) → confirm. Nothing of the domain is written before the confirm, and the confirm writes all rows or
none. This module is what an app writes an importer with; `core.import_batches` stages, confirms and purges
the uploads (core.ImportBatch), `core.import_views` and `core.api.imports` are the generic pages and API.

Writing an importer (in `<app>/imports.py`, which core autodiscovers; core never imports it):

1. Columns. Declare each column once as a `SheetColumn` — its English `key`, its Chinese `header` exactly as
   the export writes it, `required`, `aliases`, and for the template a `note` (what it holds, the allowed
   values) and an `example`. The export builds its `core.exports.Column`s from the same objects
   (`column.column`), so export and import cannot drift apart; headers match after trimming with full-/
   half-width forms, brackets and case folded, and the English keys keep working. Columns only the export
   needs (a name beside a code, a total) are `SheetColumn(..., read=False)`: written, never read.

       TOWN_CODE = SheetColumn("town_code", "区划代码", required=True, note="镇的 9 位区划代码")
       TOWN_COLUMNS = tuple(column.column for column in TOWN_SHEET)          # the export

2. The importer: a subclass of `Importer` registered with `@register`:

       @register
       class DesignationImporter(Importer):
           kind = "towns.designations"          # unique; the API's `kind`, the template's URL
           title = "示范镇认定"
           roles = frozenset({Role.PROVINCE_ADMIN})  # who may import (may_import for finer checks)

           def columns(self, params): return DESIGNATION_COLUMNS
           def upload_url(self, params): return reverse("designation-import")
           def preview(self, user, rows, params):   # rows: a core.tabular.Table of SourceRow
               ...                                  # reads only; one query per kind of fact, not per row
               return [RowOutcome.new(row.number, subject, changes, data=...), RowOutcome.error(...)]
           def apply_row(self, user, outcome, params):
               designate(...)                       # the app's own service: the form's rules, its audit

   Parameters such as the year come in as text (`clean_params` checks them and returns a JSON-serialisable
   dict, raising DomainError in Chinese); `describe(params)` names the import ("2024年度评价得分").
   `preview` must only read, and report every problem of a row in its `RowOutcome.error` message (one
   Chinese sentence per problem, joined by "；"). Each `new`/`changed` outcome carries in `data` whatever
   `apply_row` needs; it is never stored. `apply_row` writes through the app's service functions, so an
   import can never do what the form refuses; a DomainError it raises rolls back the whole import and is
   reported with the row's number. Override `apply` to write rows in groups, and `lock` to take the row locks
   the services would take (it runs first inside the confirm's transaction). An import that may carry a
   national file writes its rows at once through a bulk service (`assessment.services.write_scores`,
   `towns.services.write_designations`: the form's checks over the whole set, one statement per table
   through `core.upsert`, no query per row, one audit entry, `core.bulk.analyze_tables`).

3. Its upload page keeps the app's URL: a thin view calling `core.import_views.upload_page(request, kind,
   params)`; the preview, confirm, result and template pages are core's (`/imports/<id>/`,
   `/imports/<id>/confirm/`, `/imports/templates/<kind>.xlsx`), and so is the API (`/api/v1/imports/`).
   A management command calls `core.import_batches.import_now` (or `preview_now` for --dry-run).

What the confirm does (core.import_batches.apply_batch): inside one transaction it takes the importer's
locks, reads the staged file again and runs `preview` again; if any row's outcome differs from the preview
the user confirmed (new errors, or data changed since), nothing is written and the new preview is shown. If it
is the same, `apply` writes every row. Above settings.IMPORT_INLINE_MAX_ROWS rows the confirm runs as a
tracked job (core.jobs, kind "core.apply_import").
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

from .choices import RowStatus
from .errors import DomainError, NotVisible
from .exports import Column, build_workbook
from .roles import Role
from .tabular import Table, read_sheet

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = [
    "Change",
    "Importer",
    "RowOutcome",
    "RowStatus",
    "SheetColumn",
    "get_importer",
    "register",
    "registered",
    "template_workbook",
]


@dataclass(frozen=True)
class SheetColumn:
    """One column shared by an export and its import.

    key: the English key (what importers read, what older files and scripts write); header: the Chinese
    header exactly as the export writes it; aliases: other headers accepted; read=False: written by the export
    and the template for the reader's sake, never read by the import. width/kind: the export's
    (core.exports.Column: text | money | int); note and example: the template's.
    """

    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 14
    kind: str = "text"
    note: str = ""
    example: object = ""
    read: bool = True

    @property
    def column(self) -> Column:
        """The column as core.exports writes it."""
        return Column(header=self.header, width=self.width, kind=self.kind)


def read_columns(columns: Iterable[SheetColumn]) -> list[SheetColumn]:
    """The columns an import reads (read=True) out of a sheet's columns."""
    return [column for column in columns if column.read]


@dataclass(frozen=True)
class Change:
    """One field of a row: its key, its label (the column's header) and the values before and after, as text
    a user reads ("" for none)."""

    field: str
    label: str
    before: str = ""
    after: str = ""


def changes_between(fields: Iterable[tuple[str, str, object, object]]) -> tuple[Change, ...]:
    """The Changes of (key, label, before, after) tuples whose before and after differ (as text)."""
    changes = []
    for key, label, before, after in fields:
        before_text = "" if before is None else str(before)
        after_text = "" if after is None else str(after)
        if before_text != after_text:
            changes.append(Change(key, label, before_text, after_text))
    return tuple(changes)


@dataclass(frozen=True)
class RowOutcome:
    """What the import would do with one spreadsheet row.

    status: RowStatus (new / changed / unchanged / error); subject: what the row is about, for the preview
    ("鹿乡镇（220112102）"); changes: the fields with their before and after (a new row: before ""); message:
    the error's reason, in Chinese; data: what apply_row needs (any Python value; never stored, never shown).
    """

    number: int
    status: str
    subject: str = ""
    changes: tuple[Change, ...] = ()
    message: str = ""
    data: Any = field(default=None, compare=False)

    @classmethod
    def new(cls, number: int, subject: str, changes: Sequence[Change], data: object = None) -> RowOutcome:
        return cls(number, RowStatus.NEW, subject, tuple(changes), data=data)

    @classmethod
    def changed(cls, number: int, subject: str, changes: Sequence[Change], data: object = None) -> RowOutcome:
        return cls(number, RowStatus.CHANGED, subject, tuple(changes), data=data)

    @classmethod
    def unchanged(cls, number: int, subject: str, message: str = "", data: object = None) -> RowOutcome:
        return cls(number, RowStatus.UNCHANGED, subject, (), message, data=data)

    @classmethod
    def error(cls, number: int, message: str, subject: str = "") -> RowOutcome:
        return cls(number, RowStatus.ERROR, subject, (), message)

    @classmethod
    def compare(
        cls,
        number: int,
        subject: str,
        fields: Iterable[tuple[str, str, object, object]],
        *,
        exists: bool,
        data: object = None,
    ) -> RowOutcome:
        """new (the record does not exist: every field with an after value), changed (some field differs) or
        unchanged, from (key, label, before, after) tuples."""
        fields = list(fields)
        if not exists:
            return cls.new(number, subject, changes_between((k, lb, "", a) for k, lb, _b, a in fields), data)
        changes = changes_between(fields)
        if changes:
            return cls.changed(number, subject, changes, data)
        return cls.unchanged(number, subject, data=data)

    @property
    def writes(self) -> bool:
        return self.status in (RowStatus.NEW, RowStatus.CHANGED)

    def as_dict(self) -> dict[str, Any]:
        """The stored and shown part (no data)."""
        return {
            "number": self.number,
            "status": self.status,
            "subject": self.subject,
            "changes": [
                {"field": c.field, "label": c.label, "before": c.before, "after": c.after}
                for c in self.changes
            ],
            "message": self.message,
        }


def digest(outcomes: Iterable[RowOutcome]) -> str:
    """A fingerprint of what a preview showed: two previews with the same digest would write the same."""
    hasher = hashlib.sha256()
    for outcome in outcomes:
        hasher.update(json.dumps(outcome.as_dict(), ensure_ascii=False, sort_keys=True).encode())
        hasher.update(b"\n")
    return hasher.hexdigest()


def counts(outcomes: Iterable[RowOutcome]) -> dict[str, int]:
    """status → number of rows, every status present."""
    tally = dict.fromkeys(RowStatus.values, 0)
    for outcome in outcomes:
        tally[outcome.status] += 1
    return tally


ProgressCallback = Callable[[int, int], None]


class Importer:
    """One kind of import. Subclass, set the class attributes, implement columns, preview and apply_row (or
    apply), and decorate with @register. See the module docstring."""

    kind: ClassVar[str] = ""
    title: ClassVar[str] = ""
    roles: ClassVar[frozenset[str]] = frozenset({Role.PROVINCE_ADMIN})
    parameters: ClassVar[tuple[str, ...]] = ()  # names of the parameters clean_params takes

    # --- who, with what ---

    def may_import(self, user: AbstractBaseUser | None) -> bool:
        """Whether the user may import this kind (None: an operator's command, always)."""
        return user is None or getattr(user, "role", None) in self.roles

    def denied_message(self) -> str:
        return f"您没有导入{self.title}的权限。"

    def clean_params(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The import's parameters from text (a form, a query string, the API); DomainError when wrong."""
        return {}

    def describe(self, params: Mapping[str, Any]) -> str:
        """The import's name for titles and messages ("2024年度评价得分")."""
        return self.title

    # --- the sheet ---

    def columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        """Every column the import reads (read=False columns are ignored)."""
        raise NotImplementedError

    def template_columns(self, params: Mapping[str, Any]) -> Sequence[SheetColumn]:
        """The template's columns, in the export's order (by default the import's)."""
        return self.columns(params)

    def template_example(self, params: Mapping[str, Any]) -> list[object]:
        """The template's example row, one value per template column."""
        return [column.example if column.example != "" else None for column in self.template_columns(params)]

    def template_notes(self, params: Mapping[str, Any]) -> list[str]:
        """Lines above the column notes of the template's 填写说明 sheet."""
        return []

    def template_filename(self, params: Mapping[str, Any]) -> str:
        return f"{self.describe(params)}导入模板.xlsx"

    def read(self, file_name: str, data: bytes, params: Mapping[str, Any]) -> Table:
        """The file's rows (core.tabular.read_sheet over the read columns); DomainError for a bad file."""
        return read_sheet(file_name, data, read_columns(self.columns(params)))

    # --- the two steps ---

    def preview(
        self, user: AbstractBaseUser | None, rows: Table, params: Mapping[str, Any]
    ) -> list[RowOutcome]:
        """One RowOutcome per row, in the file's order. Reads only. DomainError refuses the whole file."""
        raise NotImplementedError

    def lock(self, params: Mapping[str, Any]) -> None:
        """Take the row locks the apply needs, first thing inside the confirm's transaction."""

    def apply(
        self,
        user: AbstractBaseUser | None,
        outcomes: Sequence[RowOutcome],
        params: Mapping[str, Any],
        progress: ProgressCallback | None = None,
    ) -> dict[str, int]:
        """Write every new and changed row through apply_row; returns the counts the result page shows."""
        writing = [outcome for outcome in outcomes if outcome.writes]
        for done, outcome in enumerate(writing, start=1):
            with row_errors(outcome.number):
                self.apply_row(user, outcome, params)
            if progress is not None:
                progress(done, len(writing))
        return counts(outcomes)

    def apply_row(
        self, user: AbstractBaseUser | None, outcome: RowOutcome, params: Mapping[str, Any]
    ) -> None:
        raise NotImplementedError

    # --- where its pages are ---

    def upload_url(self, params: Mapping[str, Any]) -> str:
        raise NotImplementedError

    def return_url(self, params: Mapping[str, Any]) -> str:
        """Where the result page leads back to (the list the data shows in)."""
        return self.upload_url(params)

    def return_label(self, params: Mapping[str, Any]) -> str:
        return "返回"

    def breadcrumbs(self, params: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(label, url) of the pages above the upload page, after 首页."""
        return []


@contextlib.contextmanager
def row_errors(number: int) -> Iterator[None]:
    """Inside: a service's DomainError becomes one that names the row ("第 5 行：…")."""
    try:
        yield
    except NotVisible:
        raise
    except DomainError as error:
        message = f"第 {number} 行：{error.message.rstrip('。')}。导入未执行，没有写入任何数据。"
        raise DomainError(message, details=[f"第 {number} 行：{d}" for d in error.details]) from error


# --- the registry ---------------------------------------------------------------------------------------------

_importers: dict[str, Importer] = {}


def register(importer_class: type[Importer]) -> type[Importer]:
    """Class decorator: make an importer known by its kind (in an app's imports.py)."""
    kind = importer_class.kind
    if not kind or not importer_class.title:
        raise ImproperlyConfigured(f"{importer_class.__name__} needs a kind and a title")
    existing = _importers.get(kind)
    if existing is not None and type(existing).__qualname__ != importer_class.__qualname__:
        raise ImproperlyConfigured(f"import kind {kind!r} is registered twice")
    _importers[kind] = importer_class()
    return importer_class


def get_importer(kind: str) -> Importer:
    """The importer of a kind, or a DomainError naming the kinds there are."""
    importer = _importers.get(kind or "")
    if importer is None:
        known = "、".join(f"{k}（{i.title}）" for k, i in sorted(_importers.items()))
        raise DomainError(f"未知的导入类型“{kind}”。可用的类型：{known}。")
    return importer


def registered() -> list[Importer]:
    return [importer for _kind, importer in sorted(_importers.items())]


def autodiscover() -> None:
    """Import every installed app's `imports` module, which registers its importers (core.apps.ready)."""
    autodiscover_modules("imports")


# --- the template ----------------------------------------------------------------------------------------------


def template_workbook(importer: Importer, params: Mapping[str, Any]) -> bytes:
    """An .xlsx of the import's columns as the export writes them (title row, unit row, header in row 3),
    one example row, and a 填写说明 sheet explaining each column and its allowed values."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font

    columns = list(importer.template_columns(params))
    title = f"{importer.describe(params)}导入模板"
    content = build_workbook(
        title,
        [column.column for column in columns],
        [importer.template_example(params)],
        unit_note="第 4 行是示例，导入前请改为实际数据或删除；各列说明见“填写说明”工作表",
        sheet_title=importer.title,
    )
    workbook = load_workbook(io.BytesIO(content))
    notes = workbook.create_sheet("填写说明")
    lines = [
        f"{title}：填写说明",
        "第 3 行是列名，请勿修改；从第 4 行起每行一条数据。列的顺序可以调整，列名也可以用英文列名。",
        "导入分两步：上传后先预览每一行（新增、修改前后的值、未变、错误及原因），确认后才写入；有任何一行错误则不能导入。",
        "从本平台导出的表格可以直接修改后导入（导出表的标题行和说明行会被跳过）。",
        *importer.template_notes(params),
    ]
    for row, line in enumerate(lines, start=1):
        cell = notes.cell(row=row, column=1, value=line)
        cell.data_type = "s"
        if row == 1:
            cell.font = Font(bold=True, size=13)
    header_row = len(lines) + 2
    for index, heading in enumerate(("列名", "英文列名", "是否必填", "说明（允许的值）"), start=1):
        notes.cell(row=header_row, column=index, value=heading).font = Font(bold=True)
    for offset, column in enumerate(columns, start=1):
        required = ("必填" if column.required else "可选") if column.read else "仅供核对，导入时不读取"
        aliases = "、".join(column.aliases)
        note = column.note + (f"（也可用列名：{aliases}）" if aliases else "")
        for index, value in enumerate((column.header, column.key, required, note), start=1):
            cell = notes.cell(row=header_row + offset, column=index, value=value)
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (22, 18, 20, 70), strict=True):
        notes.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
