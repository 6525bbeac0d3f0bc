"""The notice as a .docx (ADR 9), read back with python-docx: A4 with the PDF's margins and grid, the same
sections in the same order (red mark, 文号 over the red rule, title, 主送, body, 附件说明, seal area,
signature and date, the attachment on a new page with its table, 版记), the fonts by the configured names;
the same scope as the PDF (a county finds its own towns only)."""

import pytest
from docx.oxml.ns import qn
from docx.shared import RGBColor

from assessment.models import Notice
from assessment.rules import DEFAULT_COPIED_TO, DEFAULT_RECIPIENTS
from assessment.services import publish

from .notice_helpers import docx_document, docx_texts
from .page_helpers import Scenario, compute

pytestmark = pytest.mark.usefixtures("jilin")

ISSUER = "吉林省示范镇建设工作协调机制办公室"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def published(province_admin):
    scenario = Scenario(province_admin)
    compute(2024)
    publish(province_admin, year=2024, doc_prefix="吉示范镇办")
    return scenario


def east_asian_font(run):
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def test_the_docx_has_the_pdf_s_page_and_sections(client, province_admin, published):
    s = published
    notice = Notice.objects.get(round__year=2024, kind="criticism", status="published")
    client.force_login(province_admin)
    response = client.get("/assessment/2024/notices/criticism.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert ".docx" in response["Content-Disposition"]
    document = docx_document(response.content)

    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm, 1) == 37 and round(section.left_margin.mm, 1) == 28
    assert round(section.right_margin.mm, 1) == 26 and round(section.bottom_margin.mm, 1) == 35
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert abs(int(grid.get(qn("w:linePitch"))) / 20 * 25.4 / 72 - 225 / 22) < 0.05  # 22 lines a page
    # 28 characters a line: 16 pt condensed so that 28 of them fit 156 mm, and no less than 155 mm.
    normal = document.styles["Normal"]
    condensed = int(normal.element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert normal.font.size.pt == 16 and 155 <= 28 * (16 + condensed) * 25.4 / 72 <= 156

    paragraphs = [p for p in document.paragraphs if p.text]
    texts = [p.text for p in paragraphs]
    date = notice.date
    expected = [
        ISSUER,
        notice.doc_no,
        "关于2024年度示范镇建设评价结果的通报",
        "（通报批评）",
        f"{DEFAULT_RECIPIENTS}：",
    ]
    assert texts[: len(expected)] == expected
    mark, number = paragraphs[0], paragraphs[1]
    assert mark.runs[0].font.color.rgb == RGBColor(230, 0, 18) and mark.runs[0].font.bold
    assert east_asian_font(mark.runs[0]) == "方正小标宋简体"  # the configured name, licensed first
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "E60012"  # the red rule under the number
    body = paragraphs[len(expected)]
    assert body.text.startswith("按照《关于开展示范镇建设助推乡村振兴的实施方案》要求")
    assert east_asian_font(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    tail = texts[len(expected) :]
    assert "附件：2024年度示范镇建设评价通报批评名单" in tail
    assert tail.index(ISSUER) + 1 == tail.index(f"{date.year}年{date.month}月{date.day}日")
    assert "（印章位置）" in tail
    label = next(p for p in paragraphs if p.text == "附件")
    assert label.paragraph_format.page_break_before
    assert east_asian_font(label.runs[0]) == "黑体"
    assert tail[-2:] == [
        f"抄送：{DEFAULT_COPIED_TO}。",
        f"{ISSUER}\t{date.year}年{date.month}月{date.day}日印发",
    ]

    table = document.tables[0]
    assert [cell.text for cell in table.rows[0].cells] == [
        "排名",
        "镇",
        "县（市、区）",
        "市（州）",
        "综合得分",
        "等次",
    ]
    assert [row.cells[1].text for row in table.rows[1:]] == [s.d.name, s.e.name]
    assert table.rows[2].cells[5].text == "不合格（一票否决）"

    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ") and "PAGE" in footer._p.xml  # "— N —" with Word's page field
    assert section.even_page_footer.paragraphs[0].alignment != footer.alignment


def test_the_docx_lists_a_county_s_own_towns_only(client, county_official, published):
    client.force_login(county_official)
    document = docx_document(client.get("/assessment/2024/notices/praise.docx").content)
    texts = docx_texts(document)
    assert published.a.name in texts
    assert published.b.name not in texts and published.c.name not in texts
    assert "注：本附件仅列出您查看范围内的示范镇。" in texts
    assert client.get("/assessment/2024/notices/unknown.docx").status_code == 404


def test_a_draft_docx_is_for_province_roles_only_and_says_so(client, province_admin, county_official, jilin):
    Scenario(province_admin)
    compute(2024)
    client.force_login(county_official)
    assert client.get("/assessment/2024/notices/praise.docx").status_code == 404
    client.force_login(province_admin)
    document = docx_document(client.get("/assessment/2024/notices/praise.docx").content)
    assert "（待发布）" in docx_texts(document)
    assert document.sections[0].header.paragraphs[0].text.startswith("草稿")
