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
