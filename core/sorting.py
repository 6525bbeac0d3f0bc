"""Lists users sort by their columns: `?sort=key` ascending, `?sort=-key` descending.

Every list declares its sort keys once, beside its FilterSet (`Sorts`): each key names the fields it orders by
(ORM paths such as `town__county_id`, which read plain rows attribute by attribute as well) or a vocabulary's
values in display order (tiers, statuses). The page, its .xlsx export and the header links
(`templates/core/_sort_th.html`) use the same declaration, so the export has the page's order. A key that is
not declared is ignored: the list keeps its default order. Empty values come last either way; ties fall back
to the list's tiebreak, so that a page never shuffles rows between requests. Sorting adds no query: a
QuerySet is ordered in SQL (keys name indexed columns where they can: codes, foreign keys, pinyin initials),
a list a page has already read (rows with computed columns) is sorted in Python by the same declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, F, IntegerField, Model, QuerySet, Value, When
from django.db.models.expressions import Expression, OrderBy
from django.db.models.functions import NullIf
from django.http import HttpRequest, QueryDict

ASCENDING_ARROW = "▲"
DESCENDING_ARROW = "▼"


@dataclass(frozen=True)
class By:
    """What one sort key orders by: fields (ORM paths; on plain rows read with getattr, `__` stepping into
    attributes), compared as they are or, with `ranked`, by their position in that sequence (a vocabulary's
    display order). `value` computes the key of a plain row where no field holds it (a sum, a count)."""

    fields: tuple[str, ...] = ()
    ranked: tuple[str, ...] = ()
    value: Callable[[Any], Any] | None = None
    text: bool = False
    expressions: tuple[Expression, ...] = ()


def by(
    *fields: str,
    ranked: Iterable[str] = (),
    value: Callable[[Any], Any] | None = None,
    text: bool = False,
    expressions: Iterable[Expression] = (),
) -> By:
    """A sort key; `text=True` for text fields that may be blank: a blank sorts last, as an empty value;
    `expressions` orders a QuerySet by SQL expressions where no field holds the key (unread first)."""
    return By(
        fields=tuple(fields),
        ranked=tuple(str(item) for item in ranked),
        value=value,
        text=text,
        expressions=tuple(expressions),
    )


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool = False

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key


@dataclass(frozen=True)
class SortLink:
    """A column header's link: the URL that sorts by it, and its arrow and aria-sort when it is the sort."""

    href: str
    arrow: str = ""
    aria: str = ""


@dataclass(frozen=True)
class Sorting:
    """A list's sort as one request asked for it: the sort, the header links, and applying it to rows."""

    sorts: Sorts
    sort: Sort
    requested: bool
    links: dict[str, SortLink] = field(default_factory=dict)

    @property
    def param(self) -> str:
        """The sort the request asked for ("" when it asked for none): what a filter form carries along."""
        return self.sort.param if self.requested else ""

    @property
    def name(self) -> str:
        return self.sorts.param

    @property
    def description(self) -> str:
        """The sort as a sheet's title rows say it: 综合得分（降序）; the key itself where it has no label."""
        label = self.sorts.labels.get(self.sort.key, self.sort.key)
        return f"{label}（{'降序' if self.sort.descending else '升序'}）"

    def apply(self, rows: QuerySet | Iterable[object]) -> QuerySet | list[object]:
        """The rows in this order: a QuerySet stays a QuerySet (ordered in SQL), anything else becomes a list."""
        return self.sorts.apply(rows, self.sort)


def _rank_expression(path: str, ranked: Sequence[str]) -> Case:
    return Case(
        *(When(**{path: item}, then=Value(position)) for position, item in enumerate(ranked)),
        default=Value(None),
        output_field=IntegerField(),
    )


def _index_order(term: OrderBy | str, model: type[Model]) -> OrderBy | str:
    """The term as an index on its column is declared: "empty values last" needs saying only where a column
    can hold NULL; said of a NOT NULL column it would keep PostgreSQL from reading the order off the index."""
    if not isinstance(term, OrderBy) or not term.nulls_last or not isinstance(term.expression, F):
        return term
    if _may_be_null(model, term.expression.name):
        return term
    return term.expression.desc() if term.descending else term.expression.asc()


def _may_be_null(model: type[Model], path: str) -> bool:
    """Whether the column an ORM path names can read NULL: a nullable field or a nullable foreign key on the
    way (a LEFT JOIN); anything that is not a plain chain of forward fields (an annotation) is assumed to."""
    for position, step in enumerate(path.split("__")):
        try:
            field = model._meta.get_field(step)
        except FieldDoesNotExist:
            return True
        if getattr(field, "null", True) or not getattr(field, "concrete", False):
            return True
        if position < len(path.split("__")) - 1:
            if not field.is_relation or field.many_to_many or field.one_to_many:
                return True
            model = field.related_model
    return False


def _read(row: object, path: str) -> object:
    """A row's value at an ORM-style path: `town__county_id` is row.town.county_id (dicts by key)."""
    value = row
    for step in path.split("__"):
        if value is None:
            return None
        value = value.get(step) if isinstance(value, Mapping) else getattr(value, step, None)
    return value


def _empty(value: object) -> bool:
    return value is None or value == ""


def _stable_sort(rows: list, getter: Callable[[Any], Any], descending: bool) -> list:
    """Sort keeping the order of equal rows; empty values (None, "") last in both directions."""
    present = [row for row in rows if not _empty(getter(row))]
    missing = [row for row in rows if _empty(getter(row))]
    present.sort(key=getter, reverse=descending)
    return present + missing


class Sorts:
    """A list's declared sort keys: key → `by(...)` (or a plain field path), its default sort and its
    tiebreak (field paths, a leading "-" for descending, applied after the key in every direction).
    `labels` names each key as its column header does (the export's title rows say which sort produced the
    sheet); `caption` is what that line calls the sort ("排序", "市（州）排序" where a page sorts two tables)."""

    def __init__(
        self,
        keys: Mapping[str, By | str],
        *,
        default: str,
        tiebreak: Sequence[str] = ("pk",),
        param: str = "sort",
        labels: Mapping[str, str] | None = None,
        caption: str = "排序",
    ) -> None:
        self.keys: dict[str, By] = {
            name: spec if isinstance(spec, By) else by(spec) for name, spec in keys.items()
        }
        self.default = self.parse_strict(default)
        if self.default is None:
            raise ValueError(f"default sort {default!r} is not one of the keys")
        self.tiebreak = tuple(tiebreak)
        self.param = param
        self.labels: dict[str, str] = dict(labels or {})
        unknown = set(self.labels) - set(self.keys)
        if unknown:
            raise ValueError(f"labels for undeclared sort keys: {sorted(unknown)}")
        self.caption = caption

    def parse_strict(self, raw: str | None) -> Sort | None:
        text = (raw or "").strip()
        key = text.removeprefix("-")
        if key not in self.keys:
            return None
        return Sort(key=key, descending=text.startswith("-"))

    def parse(self, raw: str | None) -> Sort:
        """The sort `raw` asks for; anything that is not a declared key gives the default."""
        return self.parse_strict(raw) or self.default

    def order_by(self, sort: Sort) -> list[OrderBy | str]:
        """The ORDER BY of a sort: the key's fields (empty values last), then the tiebreak."""
        spec = self.keys[sort.key]
        if not spec.fields and not spec.expressions:
            raise ValueError(f"sort key {sort.key!r} sorts plain rows only (it has no fields)")
        if spec.expressions:
            expressions = list(spec.expressions)
        elif spec.ranked:
            expressions = [_rank_expression(path, spec.ranked) for path in spec.fields]
        elif spec.text:
            expressions = [NullIf(F(path), Value("")) for path in spec.fields]
        else:
            expressions = [F(path) for path in spec.fields]
        ordering: list[OrderBy | str] = [
            expression.desc(nulls_last=True) if sort.descending else expression.asc(nulls_last=True)
            for expression in expressions
        ]
        return [*ordering, *self.tiebreak]

    def apply(self, rows: QuerySet | Iterable[object], sort: Sort) -> QuerySet | list[object]:
        if isinstance(rows, QuerySet):
            return rows.order_by(*(_index_order(term, rows.model) for term in self.order_by(sort)))
        return self.sorted_rows(rows, sort)

    def sorted_rows(self, rows: Iterable[object], sort: Sort) -> list[object]:
        """Plain rows (dataclasses, model instances in a list, dicts) in the order order_by() gives in SQL."""
        ordered = list(rows)
        for path in reversed(self.tiebreak):
            name = path.removeprefix("-")
            ordered = _stable_sort(ordered, lambda row, name=name: _read(row, name), path.startswith("-"))
        spec = self.keys[sort.key]
        getters: list[Callable[[Any], Any]]
        if spec.value is not None:
            getters = [spec.value]
        elif spec.ranked:
            positions = {item: position for position, item in enumerate(spec.ranked)}
            getters = [lambda row, path=path: positions.get(_read(row, path)) for path in spec.fields]
        else:
            getters = [lambda row, path=path: _read(row, path) for path in spec.fields]
        for getter in reversed(getters):
            ordered = _stable_sort(ordered, getter, sort.descending)
        return ordered

    def links(self, sort: Sort, query: QueryDict | None = None) -> dict[str, SortLink]:
        """Each key's header link: sorted ascending first, the current column flips; the page is dropped."""
        links = {}
        for key in self.keys:
            target = Sort(key=key, descending=sort.key == key and not sort.descending)
            params = query.copy() if query is not None else QueryDict(mutable=True)
            params[self.param] = target.param
            params.pop("page", None)
            current = sort.key == key
            links[key] = SortLink(
                href=f"?{params.urlencode()}",
                arrow=(DESCENDING_ARROW if sort.descending else ASCENDING_ARROW) if current else "",
                aria=("descending" if sort.descending else "ascending") if current else "",
            )
        return links

    def sorting(
        self, request: HttpRequest | None = None, raw: str | None = None, *, query: QueryDict | None = None
    ) -> Sorting:
        """The sort a request (or a query string: an export job rebuilding its sheet) asks for — its `?sort=`,
        or raw —, with the header links for its page."""
        if query is None and request is not None:
            query = request.GET
        if raw is None and query is not None:
            raw = query.get(self.param)
        asked = self.parse_strict(raw)
        sort = asked or self.default
        return Sorting(sorts=self, sort=sort, requested=asked is not None, links=self.links(sort, query))
