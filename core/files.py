"""Checking uploaded documents by their content, never by their name alone.

PDF, DOC/XLS (the OLE2 compound format) and DOCX/XLSX (Office Open XML, a zip with a known layout) are told
apart by their leading bytes and, for the zip formats, by the parts inside. A renamed executable, an image
or a zip of anything else is refused; so is a file whose content and extension disagree.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from .errors import DomainError

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_TYPES = {
    "pdf": "PDF",
    "doc": "Word 97-2003（.doc）",
    "docx": "Word（.docx）",
    "xls": "Excel 97-2003（.xls）",
    "xlsx": "Excel（.xlsx）",
}
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
EXECUTABLE_MAGICS = (b"MZ", b"\x7fELF", b"#!", bytes.fromhex("CAFEBABE"), bytes.fromhex("FEEDFACF"))


@dataclass(frozen=True)
class CheckedDocument:
    file_type: str
    size: int
    sha256: str


def detect_type(head, opened_zip=None):
    """pdf, ole (doc or xls), docx, xlsx, executable, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(EXECUTABLE_MAGICS):
        return "executable"
    if head.startswith(b"PK\x03\x04") and opened_zip is not None:
        names = set(opened_zip.namelist())
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    return None


def check_document(name, data):
    """Accept a PDF, DOC/DOCX or XLS/XLSX of at most 20 MB whose content matches its extension."""
    size = len(data)
    if size == 0:
        raise DomainError("文件为空。")
    if size > MAX_DOCUMENT_BYTES:
        raise DomainError(
            f"文件大小 {size / 1024 / 1024:.1f} MB，超过 {MAX_DOCUMENT_BYTES // 1024 // 1024} MB 的上限。"
        )
    extension = PurePath(name or "").suffix.lower().lstrip(".")
    if extension not in DOCUMENT_TYPES:
        raise DomainError("只接受 PDF、Word（.doc/.docx）或 Excel（.xls/.xlsx）文件。")

    opened_zip = None
    if data.startswith(b"PK\x03\x04"):
        try:
            opened_zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            opened_zip = None
    detected = detect_type(data[:16], opened_zip)
    if detected == "executable":
        raise DomainError("文件内容是可执行程序，不能作为申报材料上传。")
    if detected is None:
        raise DomainError(f"文件内容不是有效的 {DOCUMENT_TYPES[extension]} 文件（按内容检查，而非文件名）。")
    matches = detected == extension or (detected == "ole" and extension in ("doc", "xls"))
    if not matches:
        shown = "DOC/XLS" if detected == "ole" else DOCUMENT_TYPES[detected]
        raise DomainError(f"文件扩展名为 .{extension}，但内容是 {shown}，请确认后重新上传。")
    return CheckedDocument(file_type=extension, size=size, sha256=hashlib.sha256(data).hexdigest())
