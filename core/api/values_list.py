"""Lists rendered straight from `values_list()`: the serializer's items at a fraction of its cost.

A ModelSerializer builds a field object tree per row; for a partner paging through 1,000 towns that costs
about ten times the SQL itself (benchmarks/api_lists.py). A viewset using this mixin keeps its serializer
for the detail view and the OpenAPI schema, and declares how each list item is read from the row:

    list_columns = {"code": "code", "county": "county_id", "county_name": "county__name", ...}
    list_labels = {"tier_label": ("tier", Tier)}   # key → (key it labels, choices)

tests/towns/api/test_list_equivalence.py holds each list to its serializer item by item.
"""

from rest_framework.response import Response


class ValuesListMixin:
    list_columns: dict[str, str] = {}
    list_labels: dict[str, tuple[str, object]] = {}

    def get_list_queryset(self, queryset):
        """Hook for list-only annotations (e.g. a computed flag)."""
        return queryset

    def list(self, request, *args, **kwargs):
        queryset = self.get_list_queryset(self.filter_queryset(self.get_queryset()))
        keys = list(self.list_columns)
        rows = queryset.values_list(*self.list_columns.values())
        page = self.paginate_queryset(rows)
        labels = {key: (source, dict(choices.choices)) for key, (source, choices) in self.list_labels.items()}
        order = self.list_order()
        items = []
        for row in page if page is not None else rows:
            item = dict(zip(keys, row, strict=True))
            for key, (source, names) in labels.items():
                value = item.get(source)
                item[key] = str(names.get(value, value)) if value not in (None, "") else None
            items.append({key: item[key] for key in order})
        if page is not None:
            return self.get_paginated_response(items)
        return Response(items)

    def list_order(self):
        """Item keys in the serializer's field order, so both renderings read alike."""
        return list(self.get_serializer_class()().fields)
