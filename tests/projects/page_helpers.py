"""What the project page tests read off a page or a spreadsheet, as a user would see it."""

import io
import re
from html.parser import HTMLParser

from openpyxl import load_workbook

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """The visible text of an element (by id), or of table rows with data-project (by table id)."""

    def __init__(self, element_id):
        super().__init__()
        self.element_id = element_id
        self.depth = 0
        self.parts = []
        self.rows = {}
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        if self.depth:
            self.depth += 1
            if tag == "tr" and "data-project" in attrs:
                self.row = (attrs["data-project"], [])
            elif tag in ("td", "th") and self.row is not None:
                self.cell = []
        elif attrs.get("id") == self.element_id:
            self.depth = 1

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.depth or tag in VOID:
            return
        self.depth -= 1
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row[1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows[int(self.row[0])] = self.row[1]
            self.row = None

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)
            if self.cell is not None:
                self.cell.append(data)


def html(response):
    return response.content.decode()


def text_of(response, element_id):
    """The visible text of the element with that id, whitespace collapsed ("" when absent)."""
    parser = _Text(element_id)
    parser.feed(html(response))
    return " ".join("".join(parser.parts).split())


def table_rows(response, table_id):
    """{project id: [cell texts]} of the rows (tr data-project) of the table with that id."""
    parser = _Text(table_id)
    parser.feed(html(response))
    return parser.rows


def message_texts(response):
    """The alerts shown at the top of the page (django messages) and form errors."""
    return " ".join(re.sub(r"<[^>]+>", " ", html(response)).split())


def open_export(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def sheet_rows(sheet):
    """The data rows under the title, unit and header rows."""
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4) if row[0].value is not None]
