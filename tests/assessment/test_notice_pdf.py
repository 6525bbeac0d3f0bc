"""The notices (通报, R8): the printable page with its document number once published, and the PDF in Chinese
with its font embedded; proposed notices for province roles only."""

import io

import pytest
from pypdf import PdfReader

from assessment.models import Notice
from assessment.services import publish

from .page_helpers import Scenario, compute, html, page_text, text_of, town_rows

# The geography must be there even after a transactional test elsewhere flushed the database.
pytestmark = pytest.mark.usefixtures("jilin")

TITLE = "关于2024年度示范镇建设评价结果的通报"
ISSUER = "吉林省示范镇建设工作协调机制办公室"


@pytest.fixture
def computed(province_admin):
    """The ranking scenario of test_pages, computed: praise b 95 (1), a 90 (2), c 90 (2) — the tie at the
    boundary of the top 2 includes both; criticism d 70 (4) and the vetoed e (5)."""
    scenario = Scenario(province_admin)
    compute(2024)
    return scenario


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def embedded_fonts(data):
    """(base font name, has /FontFile2) of every font the PDF's pages use."""
    fonts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts.append((str(font["/BaseFont"]), "/FontFile2" in descriptor))
    return fonts


def test_the_printable_notice_shows_pending_then_the_document_number(client, province_admin, computed):
    s = computed
    client.force_login(province_admin)
    page = client.get("/assessment/2024/notices/praise/")
    assert page.status_code == 200
    assert text_of(page, "notice-title") == TITLE
    assert text_of(page, "notice-doc-no") == "（待发布）"
    assert text_of(page, "notice-date") == "（待发布）"
    assert [(code, cells[0]) for code, cells in town_rows(page, "notice-towns")] == [
        (s.b.code, "1"),
        (s.a.code, "2"),
        (s.c.code, "2"),
    ]
    assert "得分并列的示范镇一并列入" in page_text(page)
    assert "/static/css/assessment.css" in html(page) and "data-print" in html(page)

    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    notice = Notice.objects.get(round__year=2024, kind="praise")
    page = client.get("/assessment/2024/notices/praise/")
    assert text_of(page, "notice-doc-no") == notice.doc_no
    assert notice.doc_no.startswith("吉示范镇办〔")
    date = notice.date
    assert text_of(page, "notice-date") == f"{date.year}年{date.month}月{date.day}日"
    assert ISSUER in text_of(page, "notice-sheet")
    criticism = client.get("/assessment/2024/notices/criticism/")
    assert [code for code, _cells in town_rows(criticism, "notice-towns")] == [s.d.code, s.e.code]
    assert "不合格（一票否决）" in text_of(criticism, "notice-towns")
    assert "并约谈其主要负责同志" in page_text(criticism)


def test_the_notice_pdf_embeds_the_chinese_font_and_names_the_towns(client, province_admin, computed):
    s = computed
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    notice = Notice.objects.get(round__year=2024, kind="criticism")
    client.force_login(province_admin)
    response = client.get("/assessment/2024/notices/criticism.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert ".pdf" in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF-")
    assert b"/FontFile2" in data and b"WenQuanYiMicroHei" in data
    fonts = embedded_fonts(data)
    assert fonts and all(embedded for _name, embedded in fonts)
    # A subset (tag "ABCDEF+"), not the 5 MB collection.
    assert all(name.split("+", 1)[-1] == "WenQuanYiMicroHei" and "+" in name for name, _embedded in fonts)
    assert len(data) < 300_000
    text = pdf_text(data)
    for expected in (TITLE, notice.doc_no, ISSUER, s.d.name, s.e.name, "通报批评"):
        assert expected in text
    assert s.b.name not in text  # praised, not criticised

    praise = pdf_text(client.get("/assessment/2024/notices/praise.pdf").content)
    assert all(town.name in praise for town in (s.a, s.b, s.c))


def test_proposed_notices_are_for_province_roles_only(
    client, province_admin, province_viewer, county_official, computed
):
    client.force_login(province_viewer)
    assert client.get("/assessment/2024/notices/praise/").status_code == 200
    assert client.get("/assessment/2024/notices/praise.pdf").status_code == 200
    client.force_login(county_official)
    assert client.get("/assessment/2024/notices/praise/").status_code == 404
    assert client.get("/assessment/2024/notices/praise.pdf").status_code == 404
    assert 'id="notice-card"' not in html(client.get("/assessment/2024/"))

    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    # Published: the county reads the notice, with the towns of its own scope listed.
    page = client.get("/assessment/2024/notices/praise/")
    assert page.status_code == 200
    assert [code for code, _cells in town_rows(page, "notice-towns")] == [computed.a.code]
    assert "仅列出您查看范围内的示范镇" in page_text(page)
    text = pdf_text(client.get("/assessment/2024/notices/praise.pdf").content)
    assert computed.a.name in text and computed.b.name not in text
    assert client.get("/assessment/2024/notices/unknown/").status_code == 404
