"""Core's forms: the upload of a two-step import (core.imports)."""

from django import forms

from .tabular import SUFFIXES, max_bytes, size_refusal, size_text, suffix_of


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
