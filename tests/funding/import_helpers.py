"""Helpers of the funding import tests: an exported sheet edited as a user would edit it, and uploads."""

import io

from openpyxl import load_workbook

from core.models import ImportBatch, ImportRow

from ..conftest import upload


def edited_sheet(content, edits=None, key_column=0, append=(), delete=()):
    """An exported workbook's bytes with cells replaced, rows appended and rows deleted.

    edits: {key: {header: value}} where key is the value of the row's key_column (0-based); append: rows as
    {header: value}; delete: keys of the rows to remove. Headers are those of the export's row 3."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[3]]
    for row in list(sheet.iter_rows(min_row=4)):
        key = row[key_column].value
        for header, value in (edits or {}).get(key, {}).items():
            row[headers.index(header)].value = value
    for key in delete:
        for index, row in enumerate(sheet.iter_rows(min_row=4), start=4):
            if row[key_column].value == key:
                sheet.delete_rows(index)
                break
    for values in append:
        sheet.append([values.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post_file(client, url, name, content):
    """Upload to an import page; the batch it staged (the page redirects to its preview)."""
    response = client.post(url, {"file": upload(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.get(pk=int(response["Location"].strip("/").split("/")[-1]))
    return batch


def rows_of(batch):
    """number → (status, subject, changes as (label, before, after), message)."""
    return {
        row.number: (
            row.status,
            row.subject,
            [(c["label"], c["before"], c["after"]) for c in row.changes],
            row.message,
        )
        for row in ImportRow.objects.filter(batch=batch).order_by("number")
    }


def csv_bytes(header, *rows):
    return ("\n".join([header, *(",".join(str(cell) for cell in row) for row in rows)]) + "\n").encode()
