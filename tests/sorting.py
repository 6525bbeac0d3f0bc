"""Checking that a list page sorts by its columns (issue 10, point 8), the same way for every list: `?sort=key`
orders the rows, `?sort=-key` reverses them, a key the list does not declare leaves its default order, and
sorting costs no query. The lists' own tests give the rows they expect and compare their exports."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .pages import keyed_rows


def row_keys(response, element_id, attribute):
    """The attribute's value of each row (tr) carrying it inside the element, in page order."""
    assert response.status_code == 200
    return [key for key, _cells in keyed_rows(response, element_id, attribute)]


def assert_sorts(client, url, rows, key, ascending, *, params=None, reverses=True, param="sort"):
    """rows(response) → the row keys of the page; ascending: what ?sort=key lists. With reverses, ?sort=-key
    lists them the other way round (the values differ)."""
    params = dict(params or {})
    default = rows(client.get(url, params))
    assert rows(client.get(url, {**params, param: key})) == list(ascending)
    if reverses:
        assert rows(client.get(url, {**params, param: f"-{key}"})) == list(reversed(ascending))
    assert rows(client.get(url, {**params, param: "no_such_column"})) == default
    assert rows(client.get(url, {**params, param: "-; DROP TABLE"})) == default
    assert queries(client, url, {**params, param: f"-{key}"}) == queries(client, url, params)


def queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def sort_link(response, key, param="sort"):
    """The href of the header that sorts by key, and its aria-sort ("" when it is not the sort)."""
    page = response.content.decode()
    start = page.index(f'data-sort="{key}"')
    header = page[page.rindex("<", 0, start) : page.index(">", start) + 1]
    link = page[start : page.index("</a>", start)]
    href = link.split('href="', 1)[1].split('"', 1)[0]
    aria = header.split('aria-sort="', 1)[1].split('"', 1)[0] if "aria-sort=" in header else ""
    return href.replace("&amp;", "&"), aria
