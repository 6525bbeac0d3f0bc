"""The notice's PDF measured as GB/T 9704-2012 measures it (ADR 9): A4; the text block 156 × 225 mm, 37 mm
from the top and 28 mm from the binding edge; 22 lines of 28 characters of 3号 (16 pt) 仿宋; the red mark,
35 mm into the text block, and the red rule; the title in 2号; the seal area over the date; the attachment on
its own page; the 版记 at the foot of the last page; "— N —" outside the text block, right on odd pages and
left on even ones. Read back with pdfplumber and pypdf, from a notice long enough to fill whole pages."""

import itertools
from decimal import Decimal

import pytest

from assessment import rules
from assessment.notice.content import NoticeContent, NoticeLine
from assessment.notice.pdf import notice_pdf

from .notice_helpers import MM, embedded_fonts, folio, is_red, pdf_pages, pdf_table_rows, pdf_text

TOLERANCE = 1  # mm, as the standard allows for the margins
LEFT, TOP, WIDTH, HEIGHT = 28, 37, 156, 225
RIGHT_EDGE, BOTTOM_EDGE = LEFT + WIDTH, TOP + HEIGHT
PITCH, LINE = WIDTH / 28, HEIGHT / 22
# Paragraphs of Chinese text without punctuation that may not start or end a line, so that every line but a
# paragraph's last holds exactly 28 characters.
SENTENCE = "示范镇建设助推乡村振兴各地要认真学习借鉴经验做法推动示范镇建设取得新成效"


def content(**changes):
    lines = tuple(
        NoticeLine(
            rank=i + 1,
            town=f"第{i + 1}示范镇",
            town_code=f"2201{i:05d}",
            county="九台区",
            city="长春市",
            score=Decimal("99.5") - i,
            grade="优秀" if i < 30 else "不合格（一票否决）",
        )
        for i in range(40)
    )
    values = {
        "year": 2024,
        "kind": "praise",
        "kind_label": "通报表扬",
        "title": "关于2024年度示范镇建设评价结果的通报",
        "doc_no": "吉示范镇办〔2025〕3号",
        "date_text": "2025年1月20日",
        "published": True,
        "recipients": rules.DEFAULT_RECIPIENTS,
        "paragraphs": tuple(SENTENCE * 4 for _ in range(12)),
        "lines": lines,
        "issuer": rules.DEFAULT_ISSUER,
        "partial": False,
        "attachment_title": "2024年度示范镇建设评价通报表扬名单",
        "copied_to": rules.DEFAULT_COPIED_TO,
        "printer": rules.DEFAULT_ISSUER,
        "printed_text": "2025年1月21日",
    }
    values.update(changes)
    return NoticeContent(**values)


@pytest.fixture(scope="module")
def long_notice():
    notice = content()
    data = notice_pdf(notice)
    return notice, data, pdf_pages(data)


def text_lines(lines):
    """The lines inside the text block: all but the page number."""
    number = folio(lines)
    return [line for line in lines if line is not number]


def test_every_page_is_a4(long_notice):
    _notice, _data, pages = long_notice
    assert len(pages) >= 4  # the body fills two pages, the attachment's 40 towns two more
    for width, height, *_rest in pages:
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1


def test_all_text_lies_in_the_text_block(long_notice):
    _notice, _data, pages = long_notice
    for _width, _height, lines, _rects, _chars in pages:
        for line in text_lines(lines):
            assert line.x0 >= LEFT - TOLERANCE, line
            assert line.x1 <= RIGHT_EDGE + TOLERANCE, line
            assert line.top >= TOP - TOLERANCE, line
            assert line.bottom <= BOTTOM_EDGE + TOLERANCE, line


def test_a_full_page_of_body_has_22_lines_of_28_characters_of_16_pt(long_notice):
    notice, _data, pages = long_notice
    _width, _height, lines, _rects, _chars = pages[1]  # the body's second page: no header
    body = [line for line in text_lines(lines) if SENTENCE[:3] in line.text or line.text in SENTENCE * 4]
    assert len(body) == 22
    assert all(line.size == 16 for line in body)
    # The first line's box starts at the top of the text block, and each line takes 225 / 22 mm.
    assert abs(body[0].box_top - TOP) <= TOLERANCE
    for above, below in itertools.pairwise(body):
        assert abs((below.top - above.top) - LINE) < 0.05
    assert abs(body[-1].box_top + LINE - BOTTOM_EDGE) <= TOLERANCE
    # A full line: 28 characters from the binding margin to the right edge of the text block.
    full = [line for line in body if len(line.text) == 28]
    assert len(full) >= 12
    for line in full:
        assert abs(line.x0 - LEFT) < 0.2
        assert abs(line.x1 - RIGHT_EDGE) < 0.2
    assert max(len(line.text) for line in body) == 28
    # An indented first line of a paragraph: two characters in.
    indented = [line for line in body if abs(line.x0 - (LEFT + 2 * PITCH)) < 0.2]
    assert indented and all(len(line.text) == 26 for line in indented if line.text in SENTENCE * 4)
    assert notice.paragraphs  # the content the page shows


def test_the_head_red_mark_number_red_rule_title_and_recipients(long_notice):
    notice, _data, pages = long_notice
    _width, _height, lines, rects, chars = pages[0]
    mark = next(line for line in lines if line.text == notice.issuer)
    assert all(is_red(colour) for colour in mark.colours)
    assert all(is_red(tuple(c["non_stroking_color"])) for c in chars if c["top"] / MM < mark.bottom + 1)
    # Its top 35 mm under the top of the text block (the em box's top, within the tolerance), centred.
    assert abs(mark.top - (TOP + 35)) <= 2.5
    assert abs((mark.x0 + mark.x1) / 2 - (LEFT + WIDTH / 2)) < 1
    number = next(line for line in lines if line.text == notice.doc_no)
    assert number.size == 16 and abs((number.x0 + number.x1) / 2 - (LEFT + WIDTH / 2)) < 1
    assert abs(number.top - mark.bottom - 2 * LINE) < 3  # two lines under the mark (as fonts measure)
    # The red rule: as wide as the text block, 4 mm under the number.
    red_rules = [r for r in rects if is_red(tuple(r["non_stroking_color"] or ())) and r["width"] / MM > 150]
    assert len(red_rules) == 1
    rule = red_rules[0]
    assert abs(rule["x0"] / MM - LEFT) < 0.5 and abs(rule["x1"] / MM - RIGHT_EDGE) < 0.5
    assert abs(rule["top"] / MM - (number.bottom + 4)) < 1
    title = next(line for line in lines if line.text == notice.title)
    assert title.size == 22 and title.top > rule["bottom"] / MM + 2 * LINE - TOLERANCE
    recipients = next(line for line in lines if line.text == notice.salutation)
    assert recipients.size == 16 and abs(recipients.x0 - LEFT) < 0.2  # 顶格


def test_the_date_four_characters_in_with_the_seal_area_over_it(long_notice):
    notice, data, pages = long_notice
    found = [
        (page, line)
        for page, (_w, _h, lines, _r, _c) in enumerate(pages)
        for line in lines
        if line.text == notice.date_text
    ]
    assert len(found) == 1
    page, date = found[0]
    assert abs(date.x1 - (RIGHT_EDGE - 4 * PITCH)) < 1  # right-aligned four characters in
    lines = pages[page][2]
    signer = next(line for line in lines if line.text == notice.issuer and line.size == 16)
    assert abs(signer.top + LINE - date.top) < 0.1  # the signature right above the date
    seal = next(line for line in lines if line.text == "印章位置")
    assert all(is_red(colour) for colour in seal.colours)
    assert seal.top < signer.top and abs((seal.x0 + seal.x1) / 2 - (date.x0 + date.x1) / 2) < 3
    note = next(line for line in lines if line.text == notice.attachment_note)
    assert abs(note.x0 - (LEFT + 2 * PITCH)) < 0.2  # 附件说明: two characters in
    assert seal.top - note.bottom < LINE  # the seal's top within a line under the attachment note
    assert "印章位置" in pdf_text(data)


def test_the_attachment_has_pages_of_its_own_with_every_town(long_notice):
    notice, data, pages = long_notice
    starts = [i for i, (_w, _h, lines, _r, _c) in enumerate(pages) if lines and lines[0].text == "附件"]
    assert len(starts) == 1
    first = pages[starts[0]][2]
    label, title = first[0], next(line for line in first if line.text == notice.attachment_title)
    assert label.size == 16 and abs(label.x0 - LEFT) < 0.2  # 3号, 顶格, on the first line
    assert label.top >= TOP and label.bottom <= TOP + LINE
    assert title.size == 22 and abs((title.x0 + title.x1) / 2 - (LEFT + WIDTH / 2)) < 1
    assert abs(title.top - label.top - 2 * LINE) < 3  # its title on the third line
    rows = pdf_table_rows(data)
    header = ["排名", "镇", "县（市、区）", "市（州）", "综合得分", "等次"]
    assert rows[0] == header
    assert rows.count(header) == len(pages) - starts[0]  # repeated on each page of the attachment
    rows = [row for row in rows if row != header]
    assert [row[:2] for row in rows] == [[str(line.rank), line.town] for line in notice.lines]
    assert rows[-1][4:] == ["60.50", "不合格（一票否决）"]
    first_page_text = "".join(line.text for line in pages[0][2])
    assert not any(line.town in first_page_text for line in notice.lines)


def test_the_imprint_closes_the_last_page(long_notice):
    notice, _data, pages = long_notice
    _width, _height, lines, rects, _chars = pages[-1]
    copies = next(line for line in lines if line.text.startswith("抄送："))
    printed = next(line for line in lines if notice.printer in line.text and "印发" in line.text)
    assert copies.size == 14 and printed.size == 14  # 4号
    assert abs(copies.x0 - (LEFT + 14 / MM)) < 0.3  # one character in
    assert abs(printed.x1 - (RIGHT_EDGE - 14 / MM)) < 0.3
    assert printed.text.endswith("2025年1月21日印发")
    # The rules, drawn as the borders of the boxes across the text block: each border an outer and an inner
    # edge. A thick one (0.35 mm) above 抄送 and on the text block's last line, a thin one (0.25 mm) between.
    wide = [r for r in rects if r["width"] / MM > 150 and not is_red(tuple(r["non_stroking_color"]))]
    tops = sorted({round(r["top"] / MM, 2) for r in wide})
    bottoms = sorted({round(r["bottom"] / MM, 2) for r in wide})
    assert tops[0] < copies.top and abs(tops[1] - tops[0] - 0.35) < 0.03
    assert abs(bottoms[-1] - BOTTOM_EDGE) <= TOLERANCE and abs(bottoms[-1] - bottoms[-2] - 0.35) < 0.03
    thin = [b for b in bottoms if copies.bottom < b < printed.top]
    assert len(thin) == 2 and abs(thin[1] - thin[0] - 0.25) < 0.03
    assert printed.bottom <= BOTTOM_EDGE


def test_page_numbers_outside_the_text_block_right_on_odd_pages_left_on_even(long_notice):
    _notice, _data, pages = long_notice
    for number, (_w, _h, lines, _r, _c) in enumerate(pages, start=1):
        line = folio(lines)
        assert line is not None, number
        assert line.text.replace(" ", "") == f"—{number}—"
        assert line.size == 14
        assert line.top >= BOTTOM_EDGE + 7 - TOLERANCE  # its line 7 mm under the text block
        if number % 2:
            assert abs(line.x1 - (RIGHT_EDGE - PITCH)) < 1
        else:
            assert abs(line.x0 - (LEFT + PITCH)) < 1


def test_fonts_are_embedded_subsets(long_notice):
    _notice, data, _pages = long_notice
    fonts = embedded_fonts(data)
    assert fonts
    assert all(embedded for _name, embedded in fonts)
    assert all("+" in name for name, _embedded in fonts)  # a subset (tag "ABCDEF+"), not the whole face
    names = {name.split("+", 1)[1] for name, _embedded in fonts}
    assert any("FandolFang" in name for name in names)  # the free 仿宋 (settings.NOTICE_FONTS)
    assert any("Noto-Serif-CJK-SC" in name for name in names)  # the free 小标宋-style and 宋体
    assert len(data) < 600_000


@pytest.mark.parametrize(
    ("changes", "note"),
    [
        ({"published": False, "doc_no": "（待发布）"}, "草稿：计算结果，发布后编发文号"),
        ({"superseded_by": "吉示范镇办〔2025〕9号"}, "本通报已被 吉示范镇办〔2025〕9号 替代，原文号保留备查"),
    ],
)
def test_a_draft_or_a_superseded_notice_is_marked_above_the_text_block_of_every_page(changes, note):
    data = notice_pdf(content(paragraphs=("示范镇",), lines=content().lines[:3], **changes))
    pages = pdf_pages(data)
    assert len(pages) >= 2
    for _w, _h, lines, _r, _c in pages:
        mark = [line for line in lines if line.bottom < TOP]
        assert [line.text for line in mark] == [note]
        assert all(is_red(c) for c in mark[0].colours)


def test_a_notice_in_force_has_nothing_above_its_text_block(long_notice):
    _notice, _data, pages = long_notice
    assert all(line.top >= TOP - TOLERANCE for _w, _h, lines, _r, _c in pages for line in lines)


def test_without_copies_the_imprint_has_no_copies_line():
    data = notice_pdf(content(copied_to="", paragraphs=("示范镇",), lines=(), attachment_title=""))
    text = pdf_text(data)
    assert "抄送" not in text and "印发" in text and "附件" not in text


def test_a_number_typed_by_a_user_cannot_close_the_style_element():
    """The status note is written into the <style> element as a CSS string: < and > are escaped."""
    from assessment.notice.pdf import notice_html

    text = notice_html(content(superseded_by="吉〔2025〕1号</style><script>alert(1)</script>"), pdf=True)
    assert "<script>" not in text and "</style><script>" not in text
    assert r"吉〔2025〕1号\3c /style\3e \3c script\3e alert(1)" in text
