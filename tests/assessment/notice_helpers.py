"""Reading a notice's PDF back (pdfplumber for where each character lies, pypdf for the fonts) and its .docx
(python-docx), in millimetres from the top left corner of the page, as the standard measures."""

import io
from collections import defaultdict
from dataclasses import dataclass

import pdfplumber
from docx import Document
from pypdf import PdfReader

MM = 72 / 25.4  # points per millimetre
RED = (230 / 255, 0, 18 / 255)


@dataclass(frozen=True)
class Line:
    """The characters of one line of a page, as pdfplumber reads them."""

    top: float  # mm, of the characters' em boxes
    bottom: float
    x0: float
    x1: float
    size: float  # pt
    text: str
    fonts: frozenset
    colours: frozenset

    @property
    def box_top(self):
        """The top of the line's box: the em box sits in the middle of the line-height (225 / 22 mm)."""
        return self.top - (225 / 22 - self.size / MM) / 2


def pdf_pages(data):
    """Per page: (width pt, height pt, [Line], rects, chars) read with pdfplumber."""
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            by_line = defaultdict(list)
            for char in page.chars:
                by_line[(round(char["top"] / MM, 1), round(char["size"], 1))].append(char)
            lines = []
            for (_top, size), chars in sorted(by_line.items()):
                chars.sort(key=lambda c: c["x0"])
                lines.append(
                    Line(
                        top=min(c["top"] for c in chars) / MM,
                        bottom=max(c["bottom"] for c in chars) / MM,
                        x0=chars[0]["x0"] / MM,
                        x1=chars[-1]["x1"] / MM,
                        size=size,
                        text="".join(c["text"] for c in chars),
                        fonts=frozenset(c["fontname"] for c in chars),
                        colours=frozenset(tuple(c["non_stroking_color"] or ()) for c in chars),
                    )
                )
            pages.append((float(page.width), float(page.height), lines, list(page.rects), list(page.chars)))
    return pages


def pdf_table_rows(data):
    """The rows of every table in the PDF (the attachment's), each cell's lines joined."""
    rows = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                rows.extend(
                    [(cell or "").replace("\n", "") for cell in row] for row in table if len(row) > 1
                )  # the 版记's rules read as a table of one column: not the attachment's
    return rows


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def embedded_fonts(data):
    """(base font name, embedded) of every font the PDF's pages use: embedded when its descriptor (of the
    descendant font, for a composite one) holds a /FontFile, /FontFile2 or /FontFile3."""
    fonts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.append((str(font["/BaseFont"]), embedded))
    return fonts


def is_red(colour):
    return len(colour) == 3 and all(abs(a - b) < 0.02 for a, b in zip(colour, RED, strict=True))


def folio(lines):
    """The page number line ("— N —") of a page's lines, or None."""
    found = [line for line in lines if line.text.replace(" ", "").startswith("—") and line.size == 14]
    return found[0] if found else None


def docx_document(data):
    return Document(io.BytesIO(data))


def docx_texts(document):
    """Every paragraph's text, then every table cell's, in order."""
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        texts.extend(cell.text for row in table.rows for cell in row.cells)
    return texts
