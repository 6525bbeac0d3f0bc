"""Hostile plan documents (issue 12, point 5) are refused with a Chinese reason by core.files.check_document,
through the pure rules of core.file_rules; ordinary documents still pass. Every file is built in memory
(tests/hostile_files.py)."""

import pytest

from core import file_rules
from core.errors import DomainError
from core.files import check_document, display_name, stored_name

from ..conftest import PDF_BYTES, office_bytes
from ..hostile_files import (
    HOSTILE_DOCUMENTS,
    ole,
    ooxml,
    pdf_with,
    zip_bomb,
)


@pytest.mark.parametrize(("name", "data", "reason"), HOSTILE_DOCUMENTS)
def test_a_hostile_document_is_refused_with_its_reason(name, data, reason):
    with pytest.raises(DomainError) as refused:
        check_document(name, data)
    assert reason in refused.value.message
    assert any("\u4e00" <= char <= "\u9fff" for char in refused.value.message)


@pytest.mark.parametrize(
    ("name", "data", "file_type"),
    [
        ("方案.pdf", PDF_BYTES, "pdf"),
        ("方案.pdf", pdf_with(b"/OpenAction[3 0 R/Fit]/PageMode/UseOutlines"), "pdf"),
        ("方案.docx", office_bytes("docx"), "docx"),
        ("清单.xlsx", office_bytes("xlsx"), "xlsx"),
        ("方案.docx", ooxml(extra=[("word/media/image1.png", b"\x89PNG\r\n\x1a\n")]), "docx"),
        ("方案.doc", ole(), "doc"),
        ("清单.xls", ole(("Root Entry", "Workbook", "\x05SummaryInformation")), "xls"),
    ],
)
def test_ordinary_documents_still_pass(name, data, file_type):
    assert check_document(name, data).file_type == file_type


def test_the_zip_limits_come_from_settings(settings):
    # 20 MB of zeros pack to ~20 KB: refused by the ratio, then by the total once the ratio is allowed.
    bomb = zip_bomb(size=20 * 1024 * 1024)
    with pytest.raises(DomainError, match="压缩比超过 100 倍"):
        check_document("方案.docx", bomb)
    settings.UPLOAD_ZIP_MAX_RATIO = 100_000
    settings.UPLOAD_ZIP_MAX_TOTAL_BYTES = 10 * 1024 * 1024
    with pytest.raises(DomainError, match="解压后为 20 MB，超过 10 MB 的上限"):
        check_document("方案.docx", bomb)
    settings.UPLOAD_ZIP_MAX_TOTAL_BYTES = 100 * 1024 * 1024
    assert check_document("方案.docx", bomb).file_type == "docx"
    settings.UPLOAD_ZIP_MAX_ENTRIES = 2
    with pytest.raises(DomainError, match="含有 3 个条目，超过 2 个的上限"):
        check_document("方案.docx", bomb)


def test_the_zip_bomb_check_reads_only_the_central_directory(monkeypatch):
    # Nothing is unpacked before the limits are checked: a member opened would fail this test.
    bomb, opened = zip_bomb(), []
    monkeypatch.setattr(file_rules.zipfile.ZipFile, "open", lambda *args, **kwargs: opened.append(args))
    with pytest.raises(DomainError, match="压缩炸弹"):
        check_document("方案.docx", bomb)
    assert opened == []


def test_a_pdf_whose_compressed_bytes_happen_to_hold_pk_is_not_a_polyglot():
    assert (
        file_rules.pdf_zip_polyglot_refusal(PDF_BYTES + b"stream\nxxPK\x03\x04\xff\xff\xff\xff\nendstream")
        is None
    )


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\a.pdf", "a.pdf"),
        ("a\x00.pdf", "a_.pdf"),
        ('报告"\r\nSet-Cookie: x.pdf', "报告_Set-Cookie_ x.pdf"),
        ("", "文件"),
        ("..", "文件"),
        ("方" * 300 + ".pdf", "方" * 251 + ".pdf"),
    ],
)
def test_a_name_is_metadata_cleaned_for_display(given, shown):
    assert display_name(given) == shown


def test_stored_names_are_generated():
    first, second = stored_name("pdf"), stored_name("pdf")
    assert first != second and first.endswith(".pdf") and len(first) == 36
