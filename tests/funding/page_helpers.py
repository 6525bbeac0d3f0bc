"""What the funding page tests read off a page or a spreadsheet, as a user would."""

from decimal import Decimal

from projects.models import Project
from tests.xlsx import workbook_of

from ..pages import keyed_rows

KEY_ATTRS = ("data-id", "data-code", "data-project", "data-region")


def table(response, table_id):
    """The data rows of a table on the page, each as its list of cell texts, keyed by its data-* key."""
    assert f'id="{table_id}"' in response.content.decode(), f"no table {table_id} on the page"
    return dict(keyed_rows(response, table_id, *KEY_ATTRS))


def table_order(response, table_id):
    return [key for key, _cells in keyed_rows(response, table_id, *KEY_ATTRS)]


def open_export(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return workbook_of(response).active


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
