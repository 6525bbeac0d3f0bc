"""Lists rendered straight from `values_list()`: the serializer's items at a fraction of its cost.

A ModelSerializer builds a field object tree per row; for a partner paging through 1,000 towns that costs
about ten times the SQL itself (benchmarks/api_lists.py). A viewset using this mixin keeps its serializer
for the detail view and the OpenAPI schema, and declares how each list item is read from the row:

    list_columns = {"code": "code", "county": "county_id", "county_name": "county__name", ...}
    list_labels = {"tier_label": ("tier", Tier)}   # key → (key it labels, choices)

    list_formatted = ("created_at",)                # rendered through the serializer's own field

values_list() hands back aware datetimes in UTC, which the JSON renderer would write as "…+00:00"; the
serializer writes them in the portal's time zone ("…+08:00"): keys in `list_formatted` go through the
serializer's field so that a list item stays equal to the serializer's, key for key.

tests/*/api/test_list_equivalence.py hold each list to its serializer item by item.
"""

from rest_framework.response import Response

from .fields import LabelField


class ValuesListMixin:
    list_columns: dict[str, str] = {}
    list_labels: dict[str, tuple[str, object]] = {}
    list_formatted: tuple[str, ...] = ()

    def get_list_queryset(self, queryset):
        """Hook for list-only annotations (e.g. a computed flag)."""
        return queryset

    def list(self, request, *args, **kwargs):
        queryset = self.get_list_queryset(self.filter_queryset(self.get_queryset()))
        keys = list(self.list_columns)
        sources = list(self.list_columns.values())
        # A cursor walk (core.api.pagination) reads each row's primary key: the last column of the row.
        rows = queryset.values_list(*sources, "pk")
        page = self.paginate_queryset(rows)
        order = self.list_order()
        fields = self.get_serializer_class()().fields if self.list_formatted else {}
        labels = {key: (source, LabelField(choices)) for key, (source, choices) in self.list_labels.items()}
        items = []
        for row in page if page is not None else rows:
            item = dict(zip(keys, row[:-1], strict=True))
            for key, (source, label_field) in labels.items():
                item[key] = label_field.to_representation(item.get(source))
            for key in self.list_formatted:
                if item[key] is not None:
                    item[key] = fields[key].to_representation(item[key])
            items.append({key: item[key] for key in order})
        if page is not None:
            return self.get_paginated_response(items)
        return Response(items)

    @staticmethod
    def cursor_value(row):
        return row[-1]

    def list_order(self):
        """Item keys in the serializer's field order, so both renderings read alike."""
        return list(self.get_serializer_class()().fields)
