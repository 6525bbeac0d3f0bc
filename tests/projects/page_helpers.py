"""What the project page tests read off a page or a spreadsheet, as a user would see it."""

from tests.xlsx import workbook_of

from ..pages import html, keyed_rows, page_text, text_of  # noqa: F401 - the page tests import them from here


def table_rows(response, table_id):
    """{project id: [cell texts]} of the rows (tr data-project) of the table with that id."""
    return {int(key): cells for key, cells in keyed_rows(response, table_id, "data-project")}


def message_texts(response):
    """The alerts shown at the top of the page (django messages) and form errors."""
    return page_text(response)


def open_export(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return workbook_of(response).active


def sheet_rows(sheet):
    """The data rows under the title, unit and header rows."""
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4) if row[0].value is not None]
