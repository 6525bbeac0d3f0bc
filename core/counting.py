"""How many rows a paginated list holds, at a cost that does not grow with the table (issue 13, point 2).

Every paginated list, page or API, counts through `list_count` (the pages through `ListPaginator`, the API
through `core.api.pagination.StandardPagination`, which uses the same class):

- The count is taken on the filtered rows only: `count_queryset` drops the ordering, the select_related, the
  selected columns and annotations, and every join that no filter needs (a list's display columns, such as a
  town's county name, join tables that never change how many rows there are).
- At most LIST_COUNT_ESTIMATE_ABOVE rows are counted (a bounded count: COUNT over LIMIT n + 1). A list above
  that is counted by the planner's estimate (PostgreSQL's EXPLAIN of the same query), flagged `estimated`:
  the API answers "count_estimated": true, the pages say 约 N 条.
- An estimate is cached for LIST_COUNT_CACHE_SECONDS under the count query's own SQL and parameters: the
  user's scope and the filters are part of that SQL, so one region's count is never served to another.
  Exact counts are never cached: they are cheap (bounded) and always current.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import Col
from django.db.models.sql.query import Query
from django.utils.functional import cached_property

CACHE_PREFIX = "list-count:"


@dataclass(frozen=True)
class ListCount:
    value: int
    estimated: bool = False


def count_queryset(queryset: QuerySet) -> QuerySet:
    """The list's rows reduced to what decides how many there are: its primary keys under its filters, without
    ordering and without the joins only its display columns need. A query this cannot safely reduce (DISTINCT,
    GROUP BY, UNION, raw extra SQL, a slice) is only unordered."""
    query = queryset.query
    if (
        query.distinct
        or query.combinator
        or query.is_sliced
        or query.group_by is not None
        or query.extra
        or query.extra_tables
        or _has_aggregate(query)
    ):
        return queryset.order_by()
    counted = queryset.order_by().values("pk")
    counted.query.select_related = False
    needed = _aliases_needed(counted.query)
    if needed is None:
        return queryset.order_by()
    for alias in counted.query.alias_map:
        if alias not in needed:
            counted.query.alias_refcount[alias] = 0
    return counted


def _has_aggregate(query: Query) -> bool:
    return any(getattr(annotation, "contains_aggregate", False) for annotation in query.annotations.values())


def _aliases_needed(query: Query) -> set[str] | None:
    """The base table and every alias the WHERE clause reads (through subqueries too), with the joins that
    lead to them; None when the WHERE holds raw SQL whose aliases cannot be read."""
    found: set[str] = set()
    if not _collect_aliases(query.where, found):
        return None
    needed = {query.get_initial_alias()}
    for alias in found:
        while alias in query.alias_map and alias not in needed:
            needed.add(alias)
            alias = getattr(query.alias_map[alias], "parent_alias", None)
    return needed


def _collect_aliases(node, found: set[str]) -> bool:
    if isinstance(node, Col):
        found.add(node.alias)
        return True
    if isinstance(node, Query):
        # Outer references of a subquery are resolved to the outer query's columns inside its WHERE.
        return _collect_aliases(node.where, found)
    if type(node).__name__ == "ExtraWhere":
        return False
    inner = getattr(node, "query", None)
    if isinstance(inner, Query) and not _collect_aliases(inner, found):
        return False
    children = list(getattr(node, "children", ()))
    if hasattr(node, "get_source_expressions"):
        children += node.get_source_expressions()
    return all(_collect_aliases(child, found) for child in children if child is not None)


def list_count(queryset: QuerySet) -> ListCount:
    """How many rows the list holds: exact up to LIST_COUNT_ESTIMATE_ABOVE, the planner's estimate above it."""
    counted = count_queryset(queryset)
    limit = settings.LIST_COUNT_ESTIMATE_ABOVE
    key = _cache_key(counted)
    cached = cache.get(key) if key else None
    if cached is not None:
        return ListCount(int(cached), estimated=True)
    value = counted[: limit + 1].count()
    if value <= limit:
        return ListCount(value)
    estimate = _planner_estimate(counted)
    if estimate is None:
        return ListCount(counted.count())
    estimate = max(estimate, limit + 1)
    if key and settings.LIST_COUNT_CACHE_SECONDS > 0:
        cache.set(key, estimate, settings.LIST_COUNT_CACHE_SECONDS)
    return ListCount(estimate, estimated=True)


def _cache_key(counted: QuerySet) -> str | None:
    """The count query's SQL and parameters, hashed: the model, the scope and the filters are all in it; and
    the database itself, since two portals (a staging copy, the benchmark's two scales) may share one cache."""
    try:
        sql, params = counted.query.sql_with_params()
    except EmptyResultSet:  # filter(pk__in=[]) has no SQL, and nothing to cache
        return None
    database = connections[counted.db].settings_dict
    where = f"{database.get('HOST')}:{database.get('PORT')}/{database['NAME']}"
    digest = hashlib.sha256(f"{where}\0{sql}\0{params!r}".encode()).hexdigest()
    return f"{CACHE_PREFIX}{digest}"


def _planner_estimate(counted: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows the query returns (its plan's top node), None on other databases."""
    if connections[counted.db].vendor != "postgresql":
        return None
    plan = json.loads(counted.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class ListPaginator(Paginator):
    """Django's Paginator counting through list_count: `count_estimated` says the count is the planner's."""

    @cached_property
    def list_count(self) -> ListCount:
        if isinstance(self.object_list, QuerySet):
            return list_count(self.object_list)
        return ListCount(len(self.object_list))

    @cached_property
    def count(self) -> int:
        return self.list_count.value

    @property
    def count_estimated(self) -> bool:
        return self.list_count.estimated

    def validate_number(self, number):
        """An estimate may fall short of the rows there are: past its last page a page is empty, not refused."""
        if not self.count_estimated:
            return super().validate_number(number)
        try:
            return super().validate_number(number)
        except EmptyPage:
            return int(number)
