"""The geometry of a notice in the national format, GB/T 9704-2012 《党政机关公文格式》, and its fonts.

Every length the template (`templates/assessment/notice.html`) and the .docx (`word`) use is computed here
from the standard's figures, so that the two never drift apart:

- paper A4 (210 × 297 mm); 天头 (top margin) 37 mm, 订口 (binding, left margin) 28 mm, 版心 (text block)
  156 × 225 mm; so the right margin is 26 mm and the bottom one 35 mm (§5.2);
- body text 3号仿宋 (16 pt), 22 lines of 28 characters filling the text block (§5.2.2): a character takes
  156 / 28 mm, so the letter-spacing is that pitch less the 16 pt em (slightly negative: 16 pt is 5.64 mm,
  the pitch 5.57 mm), and a line takes 225 / 22 mm, which is the line-height;
- 发文机关标志 red, 小标宋, its top 35 mm under the top of the text block (§7.2.3); 发文字号 two lines under
  it, centred (§7.2.4); the red separating rule 4 mm under the number, as wide as the text block (§7.2.6);
- title 2号小标宋 (22 pt) two lines under the rule (§7.3.1); 主送机关 one line under the title (§7.3.2);
- 成文日期 in Arabic numerals, four characters in from the right, the issuer centred over it and the seal
  over both (§7.3.5.1); the attachment on a page of its own (§8);
- 版记 in 4号仿宋 (14 pt) between rules: thick first and last (0.35 mm), thin between (0.25 mm) (§7.4);
- page numbers "— 1 —" in 4号宋体 (14 pt), 7 mm under the text block, one character in from the right on
  odd pages and from the left on even ones (§7.5).
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

MM_PER_PT = 25.4 / 72

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, LEFT_MM = 37, 28  # 天头, 订口
BLOCK_WIDTH_MM, BLOCK_HEIGHT_MM = 156, 225  # 版心
RIGHT_MM = PAGE_WIDTH_MM - LEFT_MM - BLOCK_WIDTH_MM  # 26
BOTTOM_MM = PAGE_HEIGHT_MM - TOP_MM - BLOCK_HEIGHT_MM  # 35
LINES, CHARS = 22, 28

SIZE_2 = 22  # 2号, pt: the title
SIZE_3 = 16  # 3号: body, 文号, 主送, signature, the 附件 label
SIZE_4 = 14  # 4号: 版记, page numbers, the attachment's table

PITCH_MM = BLOCK_WIDTH_MM / CHARS  # 5.571 mm a character
LINE_MM = BLOCK_HEIGHT_MM / LINES  # 10.227 mm a line
# A hair under the exact figure, so that rounding never pushes the 28th character onto the next line.
LETTER_SPACING_PT = round(PITCH_MM / MM_PER_PT - SIZE_3, 3) - 0.001  # −0.208 pt

MARK_TOP_MM = 35  # 发文机关标志: its top under the top of the text block
MARK_MAX_PT = 36  # the mark's size: as large as fits one line of the text block, at most 小初
RULE_GAP_MM = 4  # the red rule under the 发文字号
RED_RULE_MM = 0.5
THICK_RULE_MM, THIN_RULE_MM = 0.35, 0.25  # 版记
FOLIO_GAP_MM = 7  # page number's 一字线 under the text block
SEAL_MM = 42  # a 公章's diameter: the marked area the seal goes on
RED = (230, 0, 18)  # the red of the mark, the rule and the seal outline

# The free face of each role, covering the 6763 hanzi of GB 2312 (ADR 9; tests/assessment/test_notice_fonts.py).
# FandolFang ships with the portal (static/fonts); the Noto faces come from Debian's fonts-noto-cjk.
FREE_FACES = {
    "xiaobiaosong": "Noto Serif CJK SC",
    "fangsong": "FandolFang",
    "heiti": "Noto Sans CJK SC",
    "songti": "Noto Serif CJK SC",
}
GENERIC = {"xiaobiaosong": "serif", "fangsong": "serif", "heiti": "sans-serif", "songti": "serif"}
SHIPPED_FACES = {"FandolFang": Path(settings.BASE_DIR) / "static" / "fonts" / "FandolFang-Regular.otf"}


def font_names(role):
    """The configured family names of a role (settings.NOTICE_FONTS), licensed first, free after."""
    return list(settings.NOTICE_FONTS.get(role) or [FREE_FACES[role]])


CSS_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": " ", "<": "\\3c ", ">": "\\3e "}


def _css_string(text):
    """A CSS string of any text: quotes and backslashes escaped, and < > too, so that nothing in it can close
    the <style> element it is written into (a 文号 shown in the status note is typed by users)."""
    return '"' + "".join(CSS_ESCAPES.get(char, char) for char in str(text)) + '"'


def css_family(role):
    """A CSS font-family list of a role: the configured names, then the generic family."""
    return ", ".join([*(_css_string(name) for name in font_names(role)), GENERIC[role]])


def mark_size_pt(issuer):
    """The 发文机关标志's font size: as large as one line of the text block holds, at most MARK_MAX_PT."""
    fits = BLOCK_WIDTH_MM / MM_PER_PT / max(1, len(issuer))
    return min(MARK_MAX_PT, int(fits * 10) / 10)


def _mm(value):
    return f"{value:.3f}mm"


def text_width_mm(text, size_pt=SIZE_3, spacing_pt=LETTER_SPACING_PT):
    """The width of a line of text: a Chinese character one em, a Latin letter or an Arabic numeral half
    of one (as in every 仿宋 of GB 2312), each followed by the letter-spacing."""
    ems = sum(0.5 if ord(char) < 0x2000 else 1 for char in text)
    return (ems * size_pt + len(text) * spacing_pt) * MM_PER_PT


def signature_offsets(issuer, date_text):
    """(the signature's, the seal's right edge) from the right of the text block, in mm (§7.3.5.1): the date
    four characters in, the issuer centred over it (flush right when it is too long for that), the seal
    centred over the date."""
    date_centre = 4 * PITCH_MM + text_width_mm(date_text) / 2
    signer = max(0.0, date_centre - text_width_mm(issuer) / 2)
    return signer, max(0.0, date_centre - SEAL_MM / 2)


@dataclass(frozen=True)
class NoticeStyle:
    """The lengths and fonts of one notice, as CSS values, for the template."""

    mark_pt: float
    status_note: str
    signer_right_mm: float
    seal_right_mm: float
    pdf: bool  # rendered for the PDF: the shipped faces are declared with @font-face

    page_margin = f"{TOP_MM}mm {RIGHT_MM}mm {BOTTOM_MM}mm {LEFT_MM}mm"
    block_width = f"{BLOCK_WIDTH_MM}mm"
    block_height = f"{BLOCK_HEIGHT_MM}mm"
    top = f"{TOP_MM}mm"
    left = f"{LEFT_MM}mm"
    right = f"{RIGHT_MM}mm"
    bottom = f"{BOTTOM_MM}mm"
    pitch = _mm(PITCH_MM)
    two_chars = _mm(2 * PITCH_MM)
    four_chars = _mm(4 * PITCH_MM)
    line = _mm(LINE_MM)
    two_lines = _mm(2 * LINE_MM)
    letter_spacing = f"{LETTER_SPACING_PT:.3f}pt"
    size_2 = f"{SIZE_2}pt"
    size_3 = f"{SIZE_3}pt"
    size_4 = f"{SIZE_4}pt"
    pitch_4 = _mm(SIZE_4 * MM_PER_PT)  # one 4号 character, the 版记's indents
    copies_indent = _mm(4 * SIZE_4 * MM_PER_PT)  # 抄送 one character in, its lines aligned after "抄送："
    copies_hang = _mm(-3 * SIZE_4 * MM_PER_PT)
    mark_top = _mm(MARK_TOP_MM)
    rule_gap = _mm(RULE_GAP_MM)
    red_rule = _mm(RED_RULE_MM)
    thick_rule = _mm(THICK_RULE_MM)
    thin_rule = _mm(THIN_RULE_MM)
    folio_gap = _mm(FOLIO_GAP_MM)
    seal = _mm(SEAL_MM)
    red = "rgb({}, {}, {})".format(*RED)

    @property
    def mark_size(self):
        return f"{self.mark_pt}pt"

    @property
    def signer_right(self):
        return _mm(self.signer_right_mm)

    @property
    def seal_right(self):
        return _mm(self.seal_right_mm)

    @property
    def status_content(self):
        """The status note as a CSS string (the content of the top margin box)."""
        return _css_string(self.status_note)

    @property
    def fonts(self):
        return {role: css_family(role) for role in FREE_FACES}

    @property
    def font_faces(self):
        """(family, file URI) of the faces the portal ships, declared for WeasyPrint only: a browser uses
        the faces of its own machine and never downloads them."""
        if not self.pdf:
            return ()
        return tuple((_css_string(family), path.as_uri()) for family, path in SHIPPED_FACES.items())


def notice_style(content, *, pdf=False):
    signer, seal = signature_offsets(content.issuer, content.date_text)
    return NoticeStyle(
        mark_pt=mark_size_pt(content.issuer),
        status_note=content.status_note,
        signer_right_mm=signer,
        seal_right_mm=seal,
        pdf=pdf,
    )
