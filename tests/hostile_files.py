"""Hostile uploads built in memory (issue 12, point 5): no binary fixtures, every byte visible here."""

import io
import struct
import zipfile
import zlib

from .conftest import PDF_BYTES

STAMP = (2024, 1, 1, 0, 0, 0)
DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
    'main+xml"/></Types>'
)


def ooxml(kind="docx", extra=(), content_types=DOCX_CONTENT_TYPES, compression=zipfile.ZIP_STORED):
    """A .docx or .xlsx with the parts that identify it, plus extra (name, bytes) members."""
    part = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in (("[Content_Types].xml", content_types), (part, "<document/>"), *extra):
            archive.writestr(zipfile.ZipInfo(name, date_time=STAMP), content)
    return buffer.getvalue()


def macro_docx():
    return ooxml(extra=[("word/vbaProject.bin", b"\xcc\x61 VBA project")])


def macro_content_type_docx():
    types = DOCX_CONTENT_TYPES.replace(
        "wordprocessingml.document.main+xml", "ms-word.document.macroEnabled.main+xml"
    ).replace("application/vnd.openxmlformats-officedocument.ms-word", "application/vnd.ms-word")
    return ooxml(content_types=types)


def embedded_ole_docx():
    return ooxml(extra=[("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))])


def embedded_package_xlsx():
    rels = (
        '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/package" Target="../embeddings/Microsoft_Word_Document.docx"/></Relationships>'
    )
    return ooxml("xlsx", extra=[("xl/worksheets/_rels/sheet1.xml.rels", rels)])


def executable_member_docx(name="word/media/image1.png", data=b"MZ\x90\x00\x03" + bytes(60)):
    return ooxml(extra=[(name, data)])


def zip_bomb(kind="docx", size=20 * 1024 * 1024):
    """A real deflated member of `size` zero bytes: about a thousandth of it packed."""
    part = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", date_time=STAMP), DOCX_CONTENT_TYPES)
        archive.writestr(zipfile.ZipInfo(part, date_time=STAMP), "<document/>")
        info = zipfile.ZipInfo("word/padding.xml" if kind == "docx" else "xl/padding.xml", date_time=STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def many_entries(kind="docx", count=3000):
    return ooxml(kind, extra=[(f"word/part{index}.xml", "") for index in range(count)])


def ole(entries=("Root Entry", "WordDocument", "\x01CompObj")):
    """An OLE2 compound file: the 512-byte header, then one directory sector of 128-byte entries."""
    header = bytearray(512)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HH", header, 24, 0x3E, 3)  # minor/major version
    struct.pack_into("<H", header, 28, 0xFFFE)  # little-endian
    struct.pack_into("<H", header, 30, 9)  # 512-byte sectors
    directory = bytearray()
    for index, name in enumerate(entries):
        entry = bytearray(128)
        encoded = (name + "\x00").encode("utf-16-le")
        entry[: len(encoded)] = encoded
        struct.pack_into("<H", entry, 64, len(encoded))
        entry[66] = 5 if index == 0 else (1 if name in ("VBA", "Macros", "ObjectPool") else 2)
        directory += entry
    directory += bytes(-len(directory) % 512)
    return bytes(header) + bytes(directory)


def pdf_with(body):
    return b"%PDF-1.7\n1 0 obj<</Type/Catalog" + body + b">>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_zip_polyglot():
    return PDF_BYTES + ooxml()


def pdf_with_object_stream(names):
    packed = zlib.compress(b"2 0 << " + names + b" >>")
    return (
        b"%PDF-1.7\n3 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length "
        + str(len(packed)).encode()
        + b">>stream\n"
        + packed
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


HOSTILE_DOCUMENTS = [
    # (name, bytes, what the refusal says)
    ("方案.docx", macro_docx(), "宏"),
    ("方案.docx", macro_content_type_docx(), "宏"),
    ("方案.docm", ooxml(), "启用宏"),
    ("清单.xlsm", ooxml("xlsx"), "启用宏"),
    ("方案.doc", ole(("Root Entry", "WordDocument", "Macros", "VBA")), "宏"),
    ("清单.xls", ole(("Root Entry", "Workbook", "_VBA_PROJECT_CUR")), "宏"),
    ("方案.docx", embedded_ole_docx(), "嵌入"),
    ("清单.xlsx", embedded_package_xlsx(), "嵌入"),
    ("方案.doc", ole(("Root Entry", "WordDocument", "ObjectPool")), "嵌入"),
    ("方案.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(100), "可执行程序"),
    ("方案.pdf", b"\x7fELF\x02\x01\x01" + bytes(100), "可执行程序"),
    ("方案.pdf", bytes.fromhex("CFFAEDFE") + bytes(100), "可执行程序"),
    ("方案.pdf", b"#!/bin/sh\nrm -rf /\n", "可执行程序"),
    ("方案.docx", executable_member_docx(), "可执行程序"),
    ("方案.docx", executable_member_docx("word/media/run.exe", b"hello"), "程序"),
    ("方案.docx", executable_member_docx("word/media/x.bin", b"\x7fELF\x02"), "可执行程序"),
    ("方案.pdf", pdf_zip_polyglot(), "压缩包"),
    ("方案.pdf", PDF_BYTES[:9] + b"<html><script>alert(1)</script>" + PDF_BYTES[9:], "网页或脚本"),
    ("方案.pdf", PDF_BYTES[:9] + b"<svg onload=alert(1)>" + PDF_BYTES[9:], "网页或脚本"),
    ("方案.pdf", pdf_with(b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>"), "/JS"),
    ("方案.pdf", pdf_with(b"/OpenAction<</S/Launch/F(cmd.exe)>>"), "/Launch"),
    ("方案.pdf", pdf_with(b"/Names<</EmbeddedFiles 5 0 R>>"), "/EmbeddedFile"),
    ("方案.pdf", pdf_with(b"/OpenAction<</S/J#61vaScript>>"), "/JavaScript"),
    ("方案.pdf", pdf_with_object_stream(b"/S /JavaScript /JS (x)"), "/J"),
    ("方案.docx", zip_bomb(), "压缩炸弹"),
    ("方案.docx", many_entries(), "压缩炸弹"),
]
