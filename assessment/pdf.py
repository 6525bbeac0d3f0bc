"""A notice (通报, R8) as a PDF: the official layout of the printable page, in Chinese, with the vendored
WenQuanYi Micro Hei font embedded as a subset (only the glyphs used), so that it shows on any reader.

fpdf2 is pure Python; nothing is fetched at run time. The font is static/fonts/wqy-microhei.ttc (face 0);
see static/fonts/README.md for its origin and licence.
"""

from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from core.formats import figure

FONT_PATH = Path(settings.BASE_DIR) / "static" / "fonts" / "wqy-microhei.ttc"
FONT_FAMILY = "WenQuanYiMicroHei"
RED = (179, 38, 30)
NEXT_LINE = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}
HEADER_FILL = (227, 233, 242)
COLUMNS = (("排名", 14), ("镇", 30), ("县（市、区）", 30), ("市（州）", 26), ("综合得分", 22), ("等次", 38))


class _NoticePDF(FPDF):
    def footer(self):
        self.set_y(-15)
        self.set_font(FONT_FAMILY, size=9)
        self.set_text_color(90)
        self.cell(0, 8, f"第 {self.page_no()} 页", align=Align.C)


def notice_pdf(content):
    """The PDF bytes of an exports.NoticeContent."""
    pdf = _NoticePDF(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT_FAMILY, fname=str(FONT_PATH), collection_font_number=0)
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_title(f"{content.title}（{content.kind_label}）")
    pdf.set_author(content.issuer)
    pdf.set_creator("吉林省示范镇建设工作平台")
    pdf.set_lang("zh-CN")
    pdf.add_page()
    width = pdf.epw

    # Red header (红头), document number, red rule.
    pdf.set_text_color(*RED)
    pdf.set_font(FONT_FAMILY, size=22)
    pdf.cell(width, 14, content.issuer, align=Align.C, **NEXT_LINE)
    pdf.set_text_color(0)
    pdf.set_font(FONT_FAMILY, size=12)
    pdf.cell(width, 9, content.doc_no, align=Align.C, **NEXT_LINE)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.7)
    rule = pdf.get_y() + 1.5
    pdf.line(pdf.l_margin, rule, pdf.l_margin + width, rule)
    pdf.ln(8)

    # Title and body.
    pdf.set_font(FONT_FAMILY, size=17)
    pdf.multi_cell(width, 9, content.title, align=Align.C, wrapmode=WrapMode.CHAR, **NEXT_LINE)
    pdf.set_font(FONT_FAMILY, size=13)
    pdf.cell(width, 8, f"（{content.kind_label}）", align=Align.C, **NEXT_LINE)
    pdf.ln(4)
    pdf.set_font(FONT_FAMILY, size=12)
    pdf.multi_cell(width, 7.5, content.salutation, align=Align.L, wrapmode=WrapMode.CHAR, **NEXT_LINE)
    for paragraph in content.paragraphs:
        pdf.multi_cell(width, 7.5, "　　" + paragraph, align=Align.L, wrapmode=WrapMode.CHAR, **NEXT_LINE)
    pdf.ln(3)

    # The towns.
    if content.lines:
        pdf.set_font(FONT_FAMILY, size=10.5)
        pdf.set_draw_color(120)
        pdf.set_line_width(0.2)
        with pdf.table(
            col_widths=tuple(width for _header, width in COLUMNS),
            text_align=(Align.C, Align.L, Align.L, Align.L, Align.R, Align.C),
            headings_style=FontFace(fill_color=HEADER_FILL),
            line_height=6.5,
            wrapmode=WrapMode.CHAR,
            width=width,
        ) as table:
            header = table.row()
            for title, _width in COLUMNS:
                header.cell(title)
            for line in content.lines:
                row = table.row()
                row.cell("" if line.rank is None else str(line.rank))
                row.cell(line.town)
                row.cell(line.county)
                row.cell(line.city)
                row.cell(figure(line.score))  # as the printable page shows it
                row.cell(line.grade)
    if content.partial:
        pdf.set_font(FONT_FAMILY, size=9)
        pdf.multi_cell(
            width, 6, "注：本文件仅列出您查看范围内的示范镇。", align=Align.L, wrapmode=WrapMode.CHAR
        )

    # Issuer and date, right-aligned.
    pdf.ln(12)
    pdf.set_font(FONT_FAMILY, size=12)
    pdf.cell(width, 8, content.issuer, align=Align.R, **NEXT_LINE)
    pdf.cell(width, 8, content.date_text, align=Align.R, **NEXT_LINE)
    return bytes(pdf.output())
