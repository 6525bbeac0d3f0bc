"""Core's forms: the upload of a two-step import (core.imports), and the version an edit form carries."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django import forms

from .formats import chinese_date
from .tabular import SUFFIXES, max_bytes, size_refusal, suffix_of


class ImportUploadForm(forms.Form):
    """The file of an import. Its content is checked by core.tabular when it is staged; here only what needs
    no reading: a file was chosen, its type by name, its size."""

    file = forms.FileField(
        label="数据文件",
        error_messages={"required": "请选择要导入的文件。", "empty": "上传的文件是空的（0 字节）。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = max_bytes() // 1024 // 1024
        self.fields[
            "file"
        ].help_text = f"支持 .xlsx 和 .csv（UTF-8 或 GB18030 编码）文件，不超过 {limit} MB；可直接上传本平台导出的表格。"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = suffix_of(upload.name)
        if suffix not in SUFFIXES:
            if suffix == ".xls":
                raise forms.ValidationError(
                    "不支持 Excel 97-2003（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 后上传。",
                    code="file_type",
                )
            raise forms.ValidationError(
                f"不支持的文件类型“{suffix or upload.name}”，请上传 .csv 或 .xlsx 文件。", code="file_type"
            )
        refusal = size_refusal(upload.size)
        if refusal:
            raise forms.ValidationError(refusal, code="file_size")
        return upload


# --- no lost updates (issue 12, point 6) --------------------------------------------------------------------


class VersionField(forms.IntegerField):
    """The version of the record an edit form was opened at, sent back with the save (hidden)."""

    carries_version = True

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


class ContentVersionField(forms.CharField):
    """The version (core.concurrency.content_version) of values without a version column, e.g. a score sheet."""

    carries_version = True

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)


@dataclass(frozen=True)
class StaleValue:
    """One field of a refused stale save: what the record holds now, what the user entered."""

    label: str
    current: str
    entered: str

    @property
    def differs(self) -> bool:
        return self.current != self.entered


def _shown(field: forms.Field, value: object) -> str:
    """A value as the form would show it to a reader: choice labels, 是/否, dates in Chinese."""
    if value in (None, "", [], ()):
        return "—"
    if isinstance(field, forms.BooleanField):
        return "是" if value in (True, "on", "true", "True", "1") else "否"
    choices = {str(key): str(label) for key, label in getattr(field, "choices", ()) or ()}
    if choices:
        values = value if isinstance(value, list | tuple) else [value]
        return "、".join(choices.get(str(getattr(v, "pk", v)), str(v)) for v in values)
    if isinstance(value, date):
        return chinese_date(value)
    return str(value)


def refuse_stale(
    form: forms.Form, message: str, current: Mapping[str, object], version: int | str
) -> list[StaleValue]:
    """A save made from a stale version: the refusal above the form, and each field's current value beside
    what the user entered. The form then carries the current version, so that saving again — after reading
    what the other person changed — is a deliberate overwrite, not an accident."""
    form.add_error(None, message)
    entered = getattr(form, "cleaned_data", {}) or {}
    rows = [
        StaleValue(str(field.label), _shown(field, current.get(name)), _shown(field, entered.get(name)))
        for name, field in form.fields.items()
        if not getattr(field, "carries_version", False) and not isinstance(field.widget, forms.HiddenInput)
    ]
    data = form.data.copy()
    for name, field in form.fields.items():
        if getattr(field, "carries_version", False):
            data[form.add_prefix(name)] = str(version)
    form.data = data
    return rows
