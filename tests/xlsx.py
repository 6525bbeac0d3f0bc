"""Reading an exported sheet back, for every export test: a list's export streams its file (FileResponse),
a page's charts come whole (HttpResponse); both read the same way here."""

import io

from openpyxl import load_workbook


def content_of(response):
    """The bytes of a download, streamed or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def workbook_of(response, **options):
    return load_workbook(io.BytesIO(content_of(response)), **options)


def sheet_of(response):
    """The first sheet of an exported workbook."""
    return workbook_of(response).active


def data_rows(sheet):
    """The values of the data rows, under the title, note and header rows."""
    return [
        list(row) for row in sheet.iter_rows(min_row=4, values_only=True) if any(v is not None for v in row)
    ]


def exported(response):
    """(sheet, data rows) of an inline export, checked to be one."""
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = sheet_of(response)
    return sheet, data_rows(sheet)


def queries_of(client, url, params=None):
    """How many queries a GET costs, its download read to the end."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
        content_of(response)
    assert response.status_code == 200
    return len(captured)


def assert_constant_queries(client, url, grow, django_assert_num_queries, params=None):
    """The export costs as many queries after grow() added rows as before (and does export them)."""
    before = queries_of(client, url, params)
    rows_before = len(exported(client.get(url, params or {}))[1])
    grow()
    with django_assert_num_queries(before):
        response = client.get(url, params or {})
        content = content_of(response)
    assert len(data_rows(workbook_of_bytes(content).active)) > rows_before
    return before


def workbook_of_bytes(content):
    return load_workbook(io.BytesIO(content))
