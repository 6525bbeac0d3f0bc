from pathlib import Path

from django import forms

IMPORT_SUFFIXES = (".csv", ".xlsx")
IMPORT_MAX_BYTES = 5 * 1024 * 1024


class DesignationImportForm(forms.Form):
    file = forms.FileField(
        label="认定数据文件",
        help_text="支持 .csv（UTF-8 或 GB18030 编码）和 .xlsx 文件，不超过 5 MB。",
        error_messages={"required": "请选择要导入的文件。", "empty": "上传的文件是空的。"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in IMPORT_SUFFIXES:
            raise forms.ValidationError(
                f"不支持的文件类型“{suffix or upload.name}”，请上传 .csv 或 .xlsx 文件。", code="file_type"
            )
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"文件大小为 {upload.size / 1024 / 1024:.1f} MB，超过 5 MB 的上限，请拆分后分批导入。",
                code="file_size",
            )
        return upload
