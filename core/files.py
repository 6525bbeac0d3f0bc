"""Checking uploaded documents by their content, never by their name alone.

PDF, DOC/XLS (the OLE2 compound format) and DOCX/XLSX (Office Open XML, a zip with a known layout) are told
apart by their leading bytes and, for the zip formats, by the parts inside. A renamed executable, an image
or a zip of anything else is refused; so is a file whose content and extension disagree. Then the hostile
content of each format is refused by the pure rules of core.file_rules: macros, embedded objects, programs,
PDF/ZIP/HTML polyglots, active PDF content and zip bombs (limits: settings.UPLOAD_ZIP_MAX_*).

A file's name is never a path: documents are stored under generated names (`stored_name`), and the name the
user gave is kept only as metadata, cleaned for display and for Content-Disposition (`display_name`).
"""

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath

from django.conf import settings

from . import file_rules
from .choices import SecurityEventKind
from .errors import DomainError

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_TYPES = {
    "pdf": "PDF",
    "doc": "Word 97-2003（.doc）",
    "docx": "Word（.docx）",
    "xls": "Excel 97-2003（.xls）",
    "xlsx": "Excel（.xlsx）",
}
OLE_MAGIC = file_rules.OLE_MAGIC
EXECUTABLE_MAGICS = file_rules.EXECUTABLE_MAGICS
_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')


@dataclass(frozen=True)
class CheckedDocument:
    file_type: str
    size: int
    sha256: str


def zip_limits():
    """The zip-bomb limits of every upload (settings.UPLOAD_ZIP_MAX_TOTAL_BYTES, _RATIO, _ENTRIES)."""
    defaults = file_rules.ZipLimits()
    return file_rules.ZipLimits(
        max_total_bytes=int(getattr(settings, "UPLOAD_ZIP_MAX_TOTAL_BYTES", defaults.max_total_bytes)),
        max_ratio=int(getattr(settings, "UPLOAD_ZIP_MAX_RATIO", defaults.max_ratio)),
        max_entries=int(getattr(settings, "UPLOAD_ZIP_MAX_ENTRIES", defaults.max_entries)),
    )


def display_name(name, fallback="文件"):
    """The name a user gave a file, safe to show and to send in Content-Disposition: its last component
    (either separator), without control characters (NUL, line breaks), quotes or path characters, at most 255
    characters with its extension kept; `fallback` when nothing is left."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _UNSAFE_NAME_CHARS.sub("_", text).strip(" ._")
    if not text.strip("_"):
        return fallback
    if len(text) > 255:
        suffix = PurePosixPath(text).suffix[:16]
        text = text[: 255 - len(suffix)] + suffix
    return text


def stored_name(file_type):
    """A generated file name for storage: nothing of the user's name reaches the file system."""
    return f"{uuid.uuid4().hex}.{file_type}"


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


def _hostile_refusal(detected, data, opened_zip):
    """Why a document of a known type is refused for what it carries (core.file_rules), or None."""
    refusal = file_rules.markup_refusal(data)
    if refusal:
        return refusal
    if detected == "pdf":
        return file_rules.pdf_zip_polyglot_refusal(data) or file_rules.pdf_active_content_refusal(data)
    if detected == "ole":
        return file_rules.ole_refusal(data)
    return file_rules.zip_member_refusal(opened_zip)


def check_uploaded_document(user, name, data, *, purpose):
    """check_document for an upload by user; a refusal is also recorded as a security event (等保 安全审计:
    a hostile file is an attempt worth knowing of), with the cleaned name, the size and the reason."""
    try:
        return check_document(name, data)
    except DomainError as refused:
        from .security_log import record_security_event

        record_security_event(
            SecurityEventKind.UPLOAD_REFUSED,
            user=user,
            purpose=purpose,
            file=display_name(name),
            size=len(data),
            reason=refused.message,
        )
        raise


def check_document(name, data):
    """Accept a PDF, DOC/DOCX or XLS/XLSX of at most 20 MB whose content matches its extension and carries no
    macro, embedded object, program, polyglot or zip bomb."""
    size = len(data)
    if size == 0:
        raise DomainError("文件为空。")
    if size > MAX_DOCUMENT_BYTES:
        raise DomainError(
            f"文件大小 {size / 1024 / 1024:.1f} MB，超过 {MAX_DOCUMENT_BYTES // 1024 // 1024} MB 的上限。"
        )
    refusal = file_rules.macro_suffix_refusal(name)
    if refusal:
        raise DomainError(refusal)
    extension = PurePath(name or "").suffix.lower().lstrip(".")
    if extension not in DOCUMENT_TYPES:
        raise DomainError("只接受 PDF、Word（.doc/.docx）或 Excel（.xls/.xlsx）文件。")

    opened_zip = None
    if data.startswith(b"PK\x03\x04"):
        opened_zip = file_rules.open_zip(data)
        if opened_zip is not None:
            # Before anything reads a member (detect_type lists names only: the central directory).
            refusal = file_rules.zip_bomb_refusal(opened_zip, size, zip_limits())
            if refusal:
                raise DomainError(refusal)
    detected = detect_type(data[:16], opened_zip)
    if detected == "executable":
        raise DomainError("文件内容是可执行程序，不能作为申报材料上传。")
    if detected is None:
        raise DomainError(f"文件内容不是有效的 {DOCUMENT_TYPES[extension]} 文件（按内容检查，而非文件名）。")
    matches = detected == extension or (detected == "ole" and extension in ("doc", "xls"))
    if not matches:
        shown = "DOC/XLS" if detected == "ole" else DOCUMENT_TYPES[detected]
        raise DomainError(f"文件扩展名为 .{extension}，但内容是 {shown}，请确认后重新上传。")
    refusal = _hostile_refusal(detected, data, opened_zip)
    if refusal:
        raise DomainError(refusal)
    return CheckedDocument(file_type=extension, size=size, sha256=hashlib.sha256(data).hexdigest())
