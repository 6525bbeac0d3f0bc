"""Reading a page as a user sees it, for every page test: the text of an element, the rows of a table with
their cells, the elements that carry a marker attribute. One parser for all apps' page tests."""

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _clean(parts):
    return " ".join("".join(parts).split())


class ElementReader(HTMLParser):
    """Inside the element with the given id: its text, its table rows ([(attributes, [cell texts])], header
    rows included) and the elements carrying `marker` ([(value, text)]). Nesting is counted per tag name, so
    an element left unclosed elsewhere does not shift what is read."""

    def __init__(self, element_id, marker=None):
        super().__init__()
        self.element_id, self.marker = element_id, marker
        self.root = None  # (tag, nesting of that tag inside the root)
        self.parts, self.rows, self.marked = [], [], []
        self.cell = None
        self.open_marks = []  # [tag, nesting, value, parts]
        self.done = False  # the root element has closed: nothing after it is read

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        if self.done:
            return
        if self.root is None:
            if attrs.get("id") == self.element_id:
                self.root = [tag, 1]
            return
        if tag == self.root[0]:
            self.root[1] += 1
        for mark in self.open_marks:
            if mark[0] == tag:
                mark[1] += 1
        if tag == "tr":
            self.rows.append((attrs, []))
        elif tag in ("td", "th") and self.rows:
            self.cell = []
        if self.marker and self.marker in attrs:
            self.open_marks.append([tag, 1, attrs[self.marker], []])

    def handle_endtag(self, tag):
        if self.root is None or self.done or tag in VOID:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1][1].append(_clean(self.cell))
            self.cell = None
        for mark in list(self.open_marks):
            if mark[0] == tag:
                mark[1] -= 1
                if mark[1] == 0:
                    self.open_marks.remove(mark)
                    self.marked.append((mark[2], " ".join(" ".join(mark[3]).split())))  # text pieces spaced
        if tag == self.root[0]:
            self.root[1] -= 1
            self.done = self.root[1] == 0

    def handle_data(self, data):
        if self.root is None or self.done:
            return
        self.parts.append(data)
        if self.cell is not None:
            self.cell.append(data)
        for mark in self.open_marks:
            mark[3].append(data)


def html(response):
    return response.content.decode()


def read(response, element_id, marker=None):
    reader = ElementReader(element_id, marker)
    reader.feed(html(response))
    return reader


def text_of(response, element_id):
    """The visible text of the element with that id, whitespace collapsed ("" when absent)."""
    return _clean(read(response, element_id).parts)


def keyed_rows(response, element_id, *attributes):
    """[(key, [cell texts])] of the rows inside the element that carry one of the attributes, in order."""
    found = []
    for attrs, cells in read(response, element_id).rows:
        key = next((attrs[name] for name in attributes if name in attrs), None)
        if key is not None:
            found.append((key, cells))
    return found


def marked(response, element_id, attribute):
    """[(attribute value, text)] of the elements carrying the attribute inside the element, in order."""
    return read(response, element_id, attribute).marked


def page_text(response):
    """The page as text: tags removed, whitespace collapsed (messages, form errors, tables)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html(response)).split())
