"""What makes an uploaded file hostile, decided from its bytes alone (issue 12, point 5).

Pure functions over bytes and plain limits: no settings, no request, no storage, so every rule is tested with
files built in memory (tests/core/test_file_rules.py). Each returns the Chinese reason a file is refused, or
None; `core.files.check_document` (plan documents, veto proofs) and `core.tabular.check_upload` (imports)
call them with the limits of settings.UPLOAD_ZIP_MAX_*.

What is refused, and the scope of each check:

- Executables, as the file or as a member of a zip: Windows PE (MZ), ELF, Mach-O (thin and fat), Java
  classes, scripts starting with "#!", and members named like programs or scripts (.exe, .js, .vbs …).
- Macros: a vbaProject.bin (or any VBA part) inside an OOXML zip, a macro-enabled content type
  (…macroEnabled…), the macro-enabled extensions (.docm/.xlsm/.pptm …), and in OLE2 (.doc/.xls) a
  directory entry of a VBA project ("VBA", "_VBA_PROJECT", "_VBA_PROJECT_CUR", "Macros").
- Embedded objects: OOXML parts under */embeddings/ or */activeX/, oleObject*.bin, an oleObject or package
  relationship or content type; in OLE2 an "ObjectPool" storage (Word), "MBD…" storages (Excel) or an
  "\\x01Ole10Native" stream.
- Polyglots: a PDF that is also a zip (the zip reader finds a central directory, or a plausible local file
  header follows the PDF header); any document whose first KB holds HTML, script or SVG markup (a browser
  sniffing it would render it).
- Active PDF content: the names /JavaScript, /JS, /Launch, /EmbeddedFile(s), /RichMedia, /ImportData and
  /SubmitForm anywhere in the file, in plain objects and inside compressed object streams (/ObjStm,
  FlateDecode, read up to a bounded size), with #xx name escapes decoded. Not in scope: names hidden in an
  encrypted PDF's object streams (an encrypted PDF is refused outright: it cannot be inspected) and
  content streams (page drawings), which cannot trigger actions.
- Zip bombs: the entry count, the total uncompressed size and the compression ratio, read from the central
  directory without extracting anything. Python's zipfile (which openpyxl reads through) stops at the size
  the central directory declares, so declared sizes bound what any later reader unpacks.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
EXECUTABLE_MAGICS = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",
    b"#!",  # a script with its interpreter
    bytes.fromhex("CAFEBABE"),  # Java class, Mach-O fat binary
    bytes.fromhex("FEEDFACE"),
    bytes.fromhex("FEEDFACF"),
    bytes.fromhex("CEFAEDFE"),
    bytes.fromhex("CFFAEDFE"),
    b"\x00asm",  # WebAssembly
)
EXECUTABLE_SUFFIXES = frozenset(
    [
        ".exe",
        ".dll",
        ".com",
        ".scr",
        ".pif",
        ".cpl",
        ".msi",
        ".msp",
        ".sys",
        ".bat",
        ".cmd",
        ".ps1",
        ".psm1",
        ".vbs",
        ".vbe",
        ".js",
        ".jse",
        ".wsf",
        ".wsh",
        ".hta",
        ".jar",
        ".sh",
        ".bash",
        ".py",
        ".pl",
        ".rb",
        ".lnk",
        ".reg",
        ".app",
        ".dylib",
        ".so",
        ".elf",
        ".bin.exe",
    ]
)
MACRO_SUFFIXES = frozenset(
    [".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".xlsb", ".pptm", ".potm", ".ppsm", ".ppam", ".sldm"]
)
MARKUP_MARKS = (b"<html", b"<script", b"<svg", b"<!doctype html", b"<iframe", b"<body", b"<object", b"<embed")
PDF_ACTIVE_NAMES = frozenset(
    {"JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "ImportData", "SubmitForm"}
)
OLE_MACRO_ENTRIES = frozenset({"VBA", "_VBA_PROJECT", "_VBA_PROJECT_CUR", "Macros", "PROJECT", "PROJECTwm"})
OLE_EMBEDDED_ENTRIES = frozenset({"ObjectPool", "\x01Ole10Native"})
HEAD_BYTES = 1024
PDF_STREAM_BUDGET = 64 * 1024 * 1024  # decompressed bytes of object streams inspected per file
PDF_STREAM_MAX = 8 * 1024 * 1024  # per object stream

_PDF_NAME = re.compile(rb"/([A-Za-z0-9#]{2,40})")
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm")
_STREAM = re.compile(rb"stream\r?\n")


@dataclass(frozen=True)
class ZipLimits:
    """What a zip (an OOXML document, an .xlsx import) may unpack to."""

    max_total_bytes: int = 200 * 1024 * 1024
    max_ratio: int = 100
    max_entries: int = 2000


# --- the file itself -------------------------------------------------------------------------------------


def executable_refusal(data: bytes) -> str | None:
    """A program or script, whatever its name."""
    if data.startswith(EXECUTABLE_MAGICS):
        return "文件内容是可执行程序或脚本，不能上传。"
    return None


def markup_refusal(data: bytes) -> str | None:
    """HTML, script or SVG in the first KB: a browser that sniffed the file would run it."""
    head = data[:HEAD_BYTES].lower()
    if any(mark in head for mark in MARKUP_MARKS):
        return "文件开头含有网页或脚本代码（HTML/Script/SVG），疑为伪装文件，不能上传。"
    return None


def macro_suffix_refusal(name: str) -> str | None:
    """A macro-enabled Office extension (.docm, .xlsm, .pptm …)."""
    suffix = PurePosixPath((name or "").replace("\\", "/")).suffix.lower()
    if suffix in MACRO_SUFFIXES:
        return f"不接受启用宏的 Office 文件（{suffix}），请另存为不含宏的 .docx 或 .xlsx 后上传。"
    return None


# --- zips ---------------------------------------------------------------------------------------------------


def open_zip(data: bytes) -> zipfile.ZipFile | None:
    """The zip the bytes are, or None when they are not one (or a damaged one)."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, struct.error):
        return None


def zip_bomb_refusal(archive: zipfile.ZipFile, packed_size: int, limits: ZipLimits) -> str | None:
    """Too many entries, too large unpacked, or compressed beyond any real document: from the central
    directory, before anything is unpacked."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        return (
            f"压缩文件含有 {len(infos)} 个条目，超过 {limits.max_entries} 个的上限，疑为压缩炸弹，不能上传。"
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_bytes:
        return (
            f"文件解压后为 {total // 1024 // 1024} MB，超过 {limits.max_total_bytes // 1024 // 1024} MB 的上限，"
            "疑为压缩炸弹，不能上传。"
        )
    if total > limits.max_ratio * max(packed_size, 1):
        return f"文件的压缩比超过 {limits.max_ratio} 倍，疑为压缩炸弹，不能上传。"
    for info in infos:
        # A small member may compress very well (an empty sheet); only large ones are held to the ratio.
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            return f"压缩文件中的“{info.filename[:60]}”压缩比超过 {limits.max_ratio} 倍，疑为压缩炸弹，不能上传。"
    return None


def _member_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as member:
            return member.read(16)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        return b""


def zip_member_refusal(archive: zipfile.ZipFile) -> str | None:
    """Macros, embedded objects and programs among the members of an OOXML zip. Call after
    zip_bomb_refusal: it reads the first bytes of each member."""
    for info in archive.infolist():
        name = info.filename.replace("\\", "/")
        lowered = name.lower()
        base = lowered.rsplit("/", 1)[-1]
        if base == "vbaproject.bin" or base.startswith("vbadata") or "/vba/" in f"/{lowered}":
            return "文件含有宏（VBA 工程），不能上传；请另存为不含宏的文档后重新上传。"
        if (
            "/embeddings/" in f"/{lowered}"
            or "/activex/" in f"/{lowered}"
            or re.fullmatch(r"oleobject\d*\.bin", base)
        ):
            return (
                "文件含有嵌入的对象（OLE 对象、ActiveX 控件或嵌入文件），不能上传；请删除嵌入对象后重新上传。"
            )
        suffix = PurePosixPath(base).suffix
        if suffix in EXECUTABLE_SUFFIXES or suffix in MACRO_SUFFIXES:
            return f"文件中含有程序、脚本或宏文件“{base[:60]}”，不能上传。"
        head = _member_head(archive, info)
        if head.startswith(EXECUTABLE_MAGICS) or head.startswith(OLE_MAGIC):
            return f"文件中含有可执行程序或嵌入的二进制对象“{base[:60]}”，不能上传。"
    return _content_types_refusal(archive) or _relationship_refusal(archive)


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 2 * 1024 * 1024) -> bytes:
    try:
        with archive.open(name) as member:
            return member.read(limit)
    except (KeyError, zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, zlib.error):
        return b""


def _content_types_refusal(archive: zipfile.ZipFile) -> str | None:
    types = _read_small(archive, "[Content_Types].xml").lower()
    if b"macroenabled" in types or b"vbaproject" in types or b"ms-office.vba" in types:
        return "文件含有宏（启用宏的内容类型），不能上传；请另存为不含宏的文档后重新上传。"
    if b"oleobject" in types or b"activex" in types:
        return "文件含有嵌入的 OLE 对象或 ActiveX 控件，不能上传；请删除嵌入对象后重新上传。"
    return None


def _relationship_refusal(archive: zipfile.ZipFile) -> str | None:
    for info in archive.infolist():
        if not info.filename.lower().endswith(".rels"):
            continue
        rels = _read_small(archive, info.filename).lower()
        if b"relationships/oleobject" in rels or b"relationships/package" in rels:
            return "文件含有嵌入的对象（OLE 对象或嵌入的文件包），不能上传；请删除嵌入对象后重新上传。"
        if b"relationships/vbaproject" in rels or b"relationships/attachedtemplate" in rels:
            return "文件含有宏或引用外部模板，不能上传；请另存为不含宏的文档后重新上传。"
    return None


# --- OLE2 (.doc, .xls) --------------------------------------------------------------------------------------


def ole_entry_names(data: bytes) -> set[str]:
    """The names of the directory entries of an OLE2 compound file, read from every 128-byte slot of every
    sector that looks like one (no FAT walk: a hostile file cannot hide an entry by breaking the chain)."""
    if not data.startswith(OLE_MAGIC) or len(data) < 512:
        return set()
    shift = struct.unpack_from("<H", data, 30)[0]
    sector = 1 << shift if shift in (9, 12) else 512
    names: set[str] = set()
    for offset in range(sector, len(data) - 127, 128):
        length = struct.unpack_from("<H", data, offset + 64)[0]
        kind = data[offset + 66]
        if not 2 <= length <= 64 or length % 2 or kind not in (1, 2, 5):
            continue
        raw = data[offset : offset + length - 2]
        try:
            name = raw.decode("utf-16-le")
        except UnicodeDecodeError:
            continue
        if name and all(char.isprintable() or char in "\x01\x03\x05" for char in name):
            names.add(name)
    return names


def ole_refusal(data: bytes) -> str | None:
    """A VBA project or an embedded object inside a .doc/.xls."""
    names = ole_entry_names(data)
    if names & OLE_MACRO_ENTRIES:
        return "文件含有宏（VBA 工程），不能上传；请另存为不含宏的 .docx 或 .xlsx 后重新上传。"
    if names & OLE_EMBEDDED_ENTRIES or any(name.startswith("MBD") and len(name) == 11 for name in names):
        return "文件含有嵌入的 OLE 对象，不能上传；请删除嵌入对象后重新上传。"
    return None


# --- PDF ------------------------------------------------------------------------------------------------------


def _plausible_local_header(data: bytes, at: int) -> bool:
    """A zip local file header at `at` whose fields a real zip would have (random bytes of a compressed PDF
    stream rarely match all of them)."""
    if at + 30 > len(data):
        return False
    version, _flags, method = struct.unpack_from("<HHH", data, at + 4)
    name_length = struct.unpack_from("<H", data, at + 26)[0]
    if version > 63 or method not in (0, 8, 9, 12, 14, 93, 95) or not 1 <= name_length <= 512:
        return False
    name = data[at + 30 : at + 30 + name_length]
    return len(name) == name_length and all(32 <= byte < 127 for byte in name)


def pdf_zip_polyglot_refusal(data: bytes) -> str | None:
    """A PDF that is also a zip: a zip reader finds a central directory in it, or a zip member starts
    inside it after the PDF header."""
    polyglot = zipfile.is_zipfile(io.BytesIO(data))
    at = data.find(b"PK\x03\x04", 5)
    while not polyglot and at != -1:
        polyglot = _plausible_local_header(data, at)
        at = data.find(b"PK\x03\x04", at + 4)
    if polyglot:
        return "PDF 文件中夹带了压缩包（PDF 与 ZIP 的混合文件），不能上传。"
    return None


def _names_in(chunk: bytes) -> set[str]:
    found = set()
    for match in _PDF_NAME.finditer(chunk):
        raw = _PDF_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), match.group(1))
        found.add(raw.decode("latin-1"))
    return found


def _object_streams(data: bytes) -> list[bytes]:
    """The decompressed contents of the PDF's object streams (FlateDecode), within the budgets."""
    out, budget = [], PDF_STREAM_BUDGET
    for match in _STREAM.finditer(data):
        start = match.end()
        if not _OBJSTM.search(data[max(0, match.start() - 400) : match.start()]):
            continue
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(data[start : start + PDF_STREAM_MAX], min(budget, PDF_STREAM_MAX))
        except zlib.error:
            continue
        out.append(chunk)
        budget -= len(chunk)
        if budget <= 0:
            break
    return out


def pdf_active_content_refusal(data: bytes) -> str | None:
    """JavaScript, a launch action, an embedded file or rich media in a PDF; an encrypted PDF (its objects
    cannot be inspected)."""
    names = _names_in(data)
    if "Encrypt" in names:
        return "PDF 文件已加密，无法检查其内容，请上传未加密的 PDF。"
    for stream in _object_streams(data):
        names |= _names_in(stream)
    active = sorted(names & PDF_ACTIVE_NAMES)
    if active:
        return (
            f"PDF 文件含有脚本、启动动作或嵌入文件（/{active[0]}），不能上传；请另存为普通 PDF 后重新上传。"
        )
    return None
