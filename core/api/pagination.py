"""The API's one pagination: page numbers by default, a cursor for partners walking a whole list.

`?page=N&page_size=M` (M ≤ 1,000) answers count / next / previous / results. The count is core.counting's:
exact up to LIST_COUNT_ESTIMATE_ABOVE rows, above it the planner's estimate, and then the answer also
carries "count_estimated": true.

`?cursor=` (empty to start) walks the list in primary-key order, one index range per page: next and
previous are URLs with the next cursor, count is null. A walk visits every row that existed when it began
exactly once, whatever rows are added meanwhile, and costs one query per page wherever it is in the list.
The cursor is signed: a cursor that was altered answers 400.
"""

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.counting import ListPaginator
from core.errors import DomainError

CURSOR_SALT = "core.api.pagination.cursor"
CURSOR_REFUSED = (
    "分页游标（cursor）无效：请使用上一页答复中 next 或 previous 的链接，或以 cursor= 空值从头开始。"
)
CURSOR_UNSUPPORTED = "该列表不支持游标分页（cursor），请按页码（page）翻页。"


class StandardPagination(PageNumberPagination):
    """count / next / previous / results; `page_size` up to 1,000; `?cursor=` walks by primary key."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000
    invalid_page_message = "页码无效：{message}"
    django_paginator_class = ListPaginator
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.cursor_walk = self.cursor_query_param in request.query_params
        if not self.cursor_walk:
            return super().paginate_queryset(queryset, request, view)
        if not isinstance(queryset, QuerySet):
            raise DomainError(CURSOR_UNSUPPORTED)
        return self._cursor_page(queryset, request, view)

    def _cursor_page(self, queryset, request, view):
        size = self.get_page_size(request)
        listed = queryset.model._meta.label_lower
        position = _read_cursor(request.query_params[self.cursor_query_param], listed)
        key_of = getattr(view, "cursor_value", None) or (lambda row: row.pk)
        backwards = position is not None and position["back"]
        if position is None:
            rows = list(queryset.order_by("pk")[: size + 1])
        else:
            try:
                lookup = {"pk__lt" if backwards else "pk__gt": position["pk"]}
                remaining = queryset.filter(**lookup).order_by("-pk" if backwards else "pk")
            except (TypeError, ValueError, ValidationError):
                raise DomainError(CURSOR_REFUSED) from None
            rows = list(remaining[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        first, last = (key_of(rows[0]), key_of(rows[-1])) if rows else (None, None)
        self.next_cursor = self.previous_cursor = None
        if rows and (more or backwards):
            self.next_cursor = _make_cursor(listed, last, back=False)
        if rows and (more if backwards else position is not None):
            self.previous_cursor = _make_cursor(listed, first, back=True)
        return rows

    def get_paginated_data(self, results):
        """The answer's body: what a view returns, and what a nested list (an import's rows) embeds."""
        if self.cursor_walk:
            return {
                "count": None,
                "next": self._cursor_link(self.next_cursor),
                "previous": self._cursor_link(self.previous_cursor),
                "results": results,
            }
        data = {
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": results,
        }
        if self.page.paginator.count_estimated:
            data["count_estimated"] = True
        return data

    def get_paginated_response(self, data):
        return Response(self.get_paginated_data(data))

    def _cursor_link(self, cursor):
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"].update(
            nullable=True,
            description=(
                "行数：不超过 LIST_COUNT_ESTIMATE_ABOVE（默认 10000）时为精确数，超过时为数据库的估计数"
                "（同时返回 count_estimated: true）；按游标（cursor）分页时为 null。"
            ),
        )
        answer["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": "仅在 count 为估计数时出现，值为 true；精确数时不出现。",
        }
        return answer

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "游标分页：cursor= 空值从头开始，此后使用答复中 next / previous 的链接；"
                    "按主键顺序逐页遍历全部行，count 为 null。游标无效时返回 400。"
                ),
                "schema": {"type": "string"},
            },
        ]


def _make_cursor(listed, pk, *, back):
    return signing.dumps({"list": listed, "pk": pk, "back": back}, salt=CURSOR_SALT)


def _read_cursor(token, listed):
    """The position a cursor names in this list, None for an empty cursor (the start); DomainError when it was
    altered or belongs to another list."""
    if not token:
        return None
    try:
        position = signing.loads(token, salt=CURSOR_SALT)
    except signing.BadSignature:
        raise DomainError(CURSOR_REFUSED) from None
    if (
        not isinstance(position, dict)
        or set(position) != {"list", "pk", "back"}
        or position["list"] != listed
        or not isinstance(position["back"], bool)
    ):
        raise DomainError(CURSOR_REFUSED)
    return position
