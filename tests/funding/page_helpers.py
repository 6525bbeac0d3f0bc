"""What the funding page tests read off a page or a spreadsheet, as a user would."""

import io
import re
from decimal import Decimal
from html.parser import HTMLParser

from openpyxl import load_workbook

from projects.models import Project

KEY_ATTRS = ("data-id", "data-code", "data-project", "data-region")


class _Tables(HTMLParser):
    """Rows of one table (by id): [(row attributes, [cell texts])], header rows included."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id = table_id
        self.depth = 0  # >0 while inside the table
        self.rows = []
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            if self.depth:
                self.depth += 1
            elif attrs.get("id") == self.table_id:
                self.depth = 1
        elif self.depth and tag == "tr":
            self.rows.append((attrs, []))
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1][1].append(re.sub(r"\s+", " ", "".join(self.cell)).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(response, table_id):
    """The data rows of a table on the page, each as its list of cell texts, keyed by its data-* key."""
    html = response.content.decode()
    assert f'id="{table_id}"' in html, f"no table {table_id} on the page"
    parser = _Tables(table_id)
    parser.feed(html)
    rows = {}
    for attrs, cells in parser.rows:
        key = next((attrs[name] for name in KEY_ATTRS if name in attrs), None)
        if key is not None:
            rows[key] = cells
    return rows


def table_order(response, table_id):
    parser = _Tables(table_id)
    parser.feed(response.content.decode())
    return [
        next(attrs[name] for name in KEY_ATTRS if name in attrs)
        for attrs, _cells in parser.rows
        if any(name in attrs for name in KEY_ATTRS)
    ]


def open_export(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def sheet_rows(sheet):
    """The data rows (after title, unit and header rows) as lists of values."""
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4) if row[0].value is not None]


def money(text):
    """A figure as the page shows it ("1,000.00") → Decimal."""
    return Decimal(text.replace(",", ""))


def set_status(project, status):
    """Move a project straight to a status (the project pages own the workflow; here only funding matters)."""
    Project.objects.filter(pk=project.pk).update(status=status)
    project.refresh_from_db()
    return project


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []
