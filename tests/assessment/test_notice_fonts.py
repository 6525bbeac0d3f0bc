"""The notice's fonts (ADR 9): the free face of every role covers the 6763 hanzi of GB 2312 and is installed
(a missing face fails, never skips); each configured list names the licensed face first and the free one
after it; an office's names reach the page, the PDF's CSS and the .docx."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from fontTools.ttLib import TTFont

from assessment.notice import layout
from assessment.notice.content import NoticeContent
from assessment.notice.layout import notice_style
from assessment.notice.pdf import notice_html
from assessment.notice.word import font_name


def gb2312_hanzi():
    """Every hanzi of GB 2312: rows 16–87 (bytes 0xB0–0xF7), 94 cells each (0xA1–0xFE), less the five empty
    cells at the end of row 55."""
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def face_file(family, bold=False):
    """(path, index in a collection) of the face fontconfig finds for the family; fails when the face the
    family names is not installed (fontconfig would otherwise answer with another family)."""
    if family in layout.SHIPPED_FACES:
        path = layout.SHIPPED_FACES[family]
        assert path.is_file(), f"{path} is missing"
        return path, 0
    pattern = f"{family}:weight={'bold' if bold else 'regular'}"
    found = subprocess.run(
        ["fc-match", "--format=%{file}\n%{index}\n%{family}", pattern],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    assert family in found[2].split(","), f"{family} is not installed (fc-match gives {found[2]}): see ADR 9"
    return Path(found[0]), int(found[1] or 0)


def test_gb2312_has_6763_hanzi():
    chars = gb2312_hanzi()
    assert len(chars) == len(set(chars)) == 6763
    assert chars[0] == "啊" and chars[-1] == "齄"


@pytest.mark.parametrize(
    ("role", "bold"),
    [("fangsong", False), ("xiaobiaosong", True), ("heiti", False), ("songti", False)],
)
def test_the_free_face_of_each_role_covers_gb2312(role, bold):
    path, index = face_file(layout.FREE_FACES[role], bold=bold)
    font = TTFont(path, fontNumber=index, lazy=True)
    cmap = font.getBestCmap()
    missing = [char for char in gb2312_hanzi() if ord(char) not in cmap]
    assert missing == [], f"{path} lacks {len(missing)} hanzi of GB 2312: {''.join(missing[:20])}"
    # And what the notice prints besides: full-width punctuation, 〔〕 of the number, — of the page number.
    assert all(ord(char) in cmap for char in "，。、：；（）《》〔〕—0123456789")


def test_each_list_names_the_licensed_face_first_and_the_free_one_after():
    for role, free in layout.FREE_FACES.items():
        names = [name.strip() for name in settings.NOTICE_FONT_DEFAULTS[role].split(",")]
        assert names[-1] == free and len(names) >= 2
        assert layout.font_names(role) == names  # no NOTICE_FONT_<ROLE> set for the tests
    assert layout.font_names("fangsong")[0] == "仿宋_GB2312"
    assert layout.font_names("xiaobiaosong")[0] == "方正小标宋简体"


def test_an_office_s_fonts_reach_the_css_and_the_docx(settings):
    settings.NOTICE_FONTS = {**settings.NOTICE_FONTS, "fangsong": ["方正仿宋_GBK", "FandolFang"]}
    assert layout.css_family("fangsong") == '"方正仿宋_GBK", "FandolFang", serif'
    assert font_name("fangsong") == "方正仿宋_GBK"
    content = NoticeContent(
        year=2024,
        kind="praise",
        kind_label="通报表扬",
        title="关于2024年度示范镇建设评价结果的通报",
        doc_no="（待发布）",
        date_text="（待发布）",
        published=False,
        recipients="各市（州）",
        paragraphs=("正文",),
        lines=(),
        issuer="吉林省示范镇建设工作协调机制办公室",
        partial=False,
    )
    page = render_to_string("assessment/_notice_style.html", {"style": notice_style(content)})
    pdf = notice_html(content, pdf=True)
    assert 'font-family: "方正仿宋_GBK", "FandolFang", serif;' in page
    # The shipped face is declared for the PDF alone: a browser never downloads it.
    assert "@font-face" in pdf and "FandolFang-Regular.otf" in pdf
    assert "@font-face" not in page
