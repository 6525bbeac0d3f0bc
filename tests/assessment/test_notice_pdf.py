"""The notices (通报, R8): the printable page with its document number once published, and the PDF in Chinese
(GB/T 9704-2012, ADR 9) with its fonts embedded; proposed notices for province roles only. The PDF's geometry
is measured in test_notice_geometry, the .docx in test_notice_docx."""

import pytest

from assessment.models import Notice
from assessment.rules import DEFAULT_COPIED_TO, DEFAULT_RECIPIENTS
from assessment.services import publish

from .notice_helpers import embedded_fonts, folio, pdf_pages, pdf_table_rows, pdf_text
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
    assert 'href="/assessment/2024/notices/praise.pdf"' in html(page)
    assert 'href="/assessment/2024/notices/praise.docx"' in html(page)
    # The 公文's parts: 主送, the attachment with its title, the 版记 with the default copies.
    assert text_of(page, "notice-recipients") == f"{DEFAULT_RECIPIENTS}："
    assert text_of(page, "notice-attachment-note") == "附件：2024年度示范镇建设评价通报表扬名单"
    assert text_of(page, "notice-attachment-title") == "2024年度示范镇建设评价通报表扬名单"
    assert text_of(page, "notice-copies") == f"抄送：{DEFAULT_COPIED_TO}。"
    assert text_of(page, "notice-printed") == f"{ISSUER}（待发布）"
    assert "@page" in html(page) and "@font-face" not in html(page)

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
    fonts = embedded_fonts(data)
    assert fonts and all(embedded for _name, embedded in fonts)
    # Subsets (tag "ABCDEF+") of the free faces, not the whole 7 MB 仿宋 or the 20 MB collections.
    assert all("+" in name for name, _embedded in fonts)
    assert {"FandolFang", "Noto-Serif-CJK-SC-Bold"} <= {name.split("+", 1)[1] for name, _e in fonts}
    assert len(data) < 400_000
    text = pdf_text(data)
    date = notice.date
    for expected in (TITLE, notice.doc_no, ISSUER, "通报批评", f"{date.year}年{date.month}月{date.day}日"):
        assert expected in text
    rows = pdf_table_rows(data)
    assert [row[1] for row in rows[1:]] == [s.d.name, s.e.name]
    assert rows[2][5] == "不合格（一票否决）"
    assert s.b.name not in text  # praised, not criticised
    pages = pdf_pages(data)
    numbers = [folio(lines).text.replace(" ", "") for _w, _h, lines, _r, _c in pages]
    assert numbers == [f"—{n}—" for n in range(1, len(pages) + 1)]
    # The notice's pages, then the attachment's last one with the 版记.
    last = "".join(line.text for line in pages[-1][2])
    assert last.startswith("附件") and "印发" in last and "抄送：" in last

    praise = client.get("/assessment/2024/notices/praise.pdf").content
    assert [row[1] for row in pdf_table_rows(praise)[1:]] == [s.b.name, s.a.name, s.c.name]


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
    data = client.get("/assessment/2024/notices/praise.pdf").content
    assert [row[1] for row in pdf_table_rows(data)[1:]] == [computed.a.name]
    text = pdf_text(data)
    assert computed.b.name not in text and "本附件仅列出您查看范围内的示范镇" in text
    assert client.get("/assessment/2024/notices/unknown/").status_code == 404


def test_the_notice_page_reads_a_constant_number_of_queries(client, province_admin, computed):
    """Praise lists three towns, criticism two: the same queries (the towns are read with their county and
    city, the notice with the publication whose parameters it shows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    client.force_login(province_admin)
    client.get("/assessment/2024/notices/praise/")  # the session and the caches warmed
    counts = []
    for kind in ("praise", "criticism"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/assessment/2024/notices/{kind}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
