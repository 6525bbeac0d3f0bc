"""A notice as a .docx (python-docx), for offices that edit it in WPS or Word: the sections of the PDF in the
same order (red mark, 文号, red rule, title, 主送, body, 附件说明, seal area, signature and date, the
attachment on a page of its own with its table, 版记), A4 with the same margins and the same 22 lines of 28
characters (Word's line grid, condensed characters), the fonts by the first configured name of each role
(settings.NOTICE_FONTS).

Word places a paragraph where the text flows: the 版记 follows the attachment (WPS and Word keep it there
while the notice is edited) rather than being pinned to the foot of the last page as in the PDF."""

import io
import math

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from core.formats import figure

from . import layout

RED = RGBColor(*layout.RED)
LINE = Pt(layout.LINE_MM / layout.MM_PER_PT)
PITCH = Mm(layout.PITCH_MM)
COLUMNS = (
    ("排名", 14),
    ("镇", 26.5),
    ("县（市、区）", 32.8),
    ("市（州）", 23.4),
    ("综合得分", 23.4),
    ("等次", 35.9),
)


def font_name(role):
    """The name Word is given for a role: the first configured (an office's licensed face, when set)."""
    return layout.font_names(role)[0]


def _set_font(target, role, size=None, *, bold=None, color=None):
    """A run's or a style's font, for Chinese (eastAsia) and for Latin letters and numerals alike."""
    font = target.font
    name = font_name(role)
    font.name = name
    fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color


def _paragraph(document, text="", *, role="fangsong", size=layout.SIZE_3, align=None, bold=None, color=None):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if text:
        _set_font(paragraph.add_run(text), role, size, bold=bold, color=color)
    return paragraph


def _border(paragraph, side, size_mm, color="000000", space_pt=0):
    """A rule above or below a paragraph (w:pBdr); size in mm, drawn in eighths of a point."""
    properties = paragraph._p.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        properties.append(borders)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(max(2, round(size_mm / layout.MM_PER_PT * 8))))
    edge.set(qn("w:space"), str(round(space_pt)))
    edge.set(qn("w:color"), color)
    borders.append(edge)


def _grid(section):
    """22 lines a page: Word's line grid (w:docGrid, the pitch in twentieths of a point). The 28 characters a
    line come from the character spacing of the Normal style (_setup), not from a character grid: a grid cell
    narrower than the 16 pt em makes LibreOffice give each character two cells."""
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(layout.LINE_MM / layout.MM_PER_PT * 20)))


# Condensed so that 28 characters of 16 pt fill 156 mm: the pitch less the em, in twentieths of a point,
# rounded down (−0.25 pt) so that the 28th never wraps.
CHARACTER_SPACING = math.floor((layout.PITCH_MM / layout.MM_PER_PT - layout.SIZE_3) * 20)


def _condensed(style):
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHARACTER_SPACING))
    style.element.get_or_add_rPr().append(spacing)


def _page_number(paragraph):
    """ "— N —" with N Word's PAGE field, in 4号宋体."""
    _set_font(paragraph.add_run("— "), "songti", layout.SIZE_4)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        _set_font(run, "songti", layout.SIZE_4)
        if kind is not None:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        elif text == " PAGE ":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
        else:
            run.text = text
    _set_font(paragraph.add_run(" —"), "songti", layout.SIZE_4)


def _defaults(document):
    """The document defaults: 3号仿宋, Chinese, no spacing after paragraphs. Word and WPS measure the grid's
    characters from the default size, so it must be the body's 16 pt."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = run.find(qn("w:rFonts"))
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    name = font_name("fangsong")
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    for tag in ("w:sz", "w:szCs"):
        run.find(qn(tag)).set(qn("w:val"), str(layout.SIZE_3 * 2))
    language = run.find(qn("w:lang"))
    language.set(qn("w:val"), "zh-CN")
    language.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(round(layout.LINE_MM / layout.MM_PER_PT * 20)))
    spacing.set(qn("w:lineRule"), "exact")


def _setup(document):
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(layout.PAGE_WIDTH_MM), Mm(layout.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(layout.TOP_MM), Mm(layout.BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(layout.LEFT_MM), Mm(layout.RIGHT_MM)
    # The page number's line 7 mm under the text block: the footer's foot that far above the paper's edge.
    section.footer_distance = Mm(layout.BOTTOM_MM - layout.FOLIO_GAP_MM - layout.SIZE_4 * layout.MM_PER_PT)
    section.header_distance = Mm(15)
    _grid(section)
    _defaults(document)
    normal = document.styles["Normal"]
    _set_font(normal, "fangsong", layout.SIZE_3)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    _condensed(normal)
    # Odd pages number on the right, even ones on the left, one character in (§7.5).
    document.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = PITCH
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = PITCH
    _page_number(even)


def _head(document, content, style):
    mark = _paragraph(
        document,
        content.issuer,
        role="xiaobiaosong",
        size=style.mark_pt,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        bold=True,
        color=RED,
    )
    mark.paragraph_format.space_before = Mm(layout.MARK_TOP_MM)
    mark.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    doc_no = _paragraph(document, content.doc_no, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc_no.paragraph_format.space_before = Mm(2 * layout.LINE_MM)
    _border(doc_no, "bottom", layout.RED_RULE_MM, "{:02X}{:02X}{:02X}".format(*layout.RED), Mm(4).pt)


def _body(document, content, style):
    title = _paragraph(
        document, content.title, role="xiaobiaosong", size=layout.SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    title.runs[0].font.bold = True
    title.paragraph_format.space_before = Mm(2 * layout.LINE_MM)
    _paragraph(document, f"（{content.kind_label}）", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document)
    _paragraph(document, content.salutation)
    for text in content.paragraphs:
        _paragraph(document, text).paragraph_format.first_line_indent = 2 * PITCH
    if content.attachment_note:
        _paragraph(document)
        _paragraph(document, content.attachment_note).paragraph_format.left_indent = 2 * PITCH
    date_right = Mm(4 * layout.PITCH_MM)
    seal = _paragraph(
        document, "（印章位置）", role="heiti", size=10.5, align=WD_ALIGN_PARAGRAPH.RIGHT, color=RED
    )
    seal.paragraph_format.space_before = LINE
    seal.paragraph_format.right_indent = Mm(style.seal_right_mm + layout.SEAL_MM / 2 - 10)
    signer = _paragraph(document, content.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signer.paragraph_format.right_indent = Mm(style.signer_right_mm)
    signer.paragraph_format.keep_with_next = True
    date = _paragraph(document, content.date_text, align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = date_right


def _cell(cell, text, *, role="fangsong", align=WD_ALIGN_PARAGRAPH.LEFT):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _set_font(paragraph.add_run(text), role, layout.SIZE_4)


def _attachment(document, content):
    label = _paragraph(document, "附件", role="heiti")
    label.paragraph_format.page_break_before = True
    _paragraph(document)
    title = _paragraph(
        document,
        content.attachment_title,
        role="xiaobiaosong",
        size=layout.SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    title.runs[0].font.bold = True
    _paragraph(document)
    if content.lines:
        table = document.add_table(rows=1, cols=len(COLUMNS))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, (_heading, width) in zip(table.columns, COLUMNS, strict=True):
            column.width = Mm(width)
        for cell, (heading, width) in zip(table.rows[0].cells, COLUMNS, strict=True):
            cell.width = Mm(width)
            _cell(cell, heading, role="heiti", align=WD_ALIGN_PARAGRAPH.CENTER)
        centre, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
        for line in content.lines:
            cells = table.add_row().cells
            values = (
                ("" if line.rank is None else str(line.rank), centre),
                (line.town, None),
                (line.county, None),
                (line.city, None),
                (figure(line.score), right),
                (line.grade, centre),
            )
            for cell, (text, align), (_heading, width) in zip(cells, values, COLUMNS, strict=True):
                cell.width = Mm(width)
                _cell(cell, text, align=align or WD_ALIGN_PARAGRAPH.LEFT)
    if content.partial:
        note = content.partial_note + ("" if content.lines else "您查看范围内没有列入本通报的示范镇。")
        _paragraph(document, note, size=layout.SIZE_4)


def _imprint(document, content):
    """版记 (§7.4): 抄送 and 印发 in 4号仿宋 between a thick rule, a thin one and a thick one."""
    one = Mm(layout.SIZE_4 * layout.MM_PER_PT)
    first = None
    if content.copies_text:
        first = _paragraph(document, content.copies_text, size=layout.SIZE_4)
        first.paragraph_format.left_indent = 4 * one
        first.paragraph_format.first_line_indent = -3 * one
        first.paragraph_format.right_indent = one
        _border(first, "bottom", layout.THIN_RULE_MM)
    printed = _paragraph(document, size=layout.SIZE_4)
    printed.paragraph_format.left_indent = printed.paragraph_format.right_indent = one
    printed.paragraph_format.tab_stops.add_tab_stop(Mm(layout.BLOCK_WIDTH_MM) - one, WD_TAB_ALIGNMENT.RIGHT)
    _set_font(printed.add_run(f"{content.printer}\t{content.printed_line}"), "fangsong", layout.SIZE_4)
    (first or printed).paragraph_format.space_before = 2 * LINE
    _border(first or printed, "top", layout.THICK_RULE_MM)
    _border(printed, "bottom", layout.THICK_RULE_MM)
    if first is not None:
        first.paragraph_format.keep_with_next = True


def notice_docx(content):
    """The .docx bytes of a notice.content.NoticeContent."""
    style = layout.notice_style(content)
    document = Document()
    _setup(document)
    properties = document.core_properties
    properties.title = f"{content.title}（{content.kind_label}）"
    properties.author = content.issuer
    properties.language = "zh-CN"
    properties.comments = content.status_note
    # python-docx starts with one empty paragraph: the document's content follows it, so it goes.
    for paragraph in list(document.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    _head(document, content, style)
    _body(document, content, style)
    if content.attachment_title:
        _attachment(document, content)
    _imprint(document, content)
    if content.status_note:  # a draft or a superseded notice: marked above the text of every page
        section = document.sections[0]
        for header in (section.header, section.even_page_header):
            paragraph = header.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_font(paragraph.add_run(content.status_note), "heiti", 10.5, color=RED)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
