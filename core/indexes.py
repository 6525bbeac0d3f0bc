"""Indexes shared by every app's models."""

from django.db import models


class OrderIndex(models.Index):
    """An index that serves a list's ordering, NULLS LAST included, on PostgreSQL. SQLite (the bare checkout
    of `make run`) refuses NULLS FIRST/LAST inside CREATE INDEX while it orders by them in a query, so there the
    same columns are indexed in the same directions without it."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql" or not self.expressions:
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        portable = self.clone()
        portable.expressions = tuple(_without_nulls_order(expression) for expression in self.expressions)
        return super(OrderIndex, portable).create_sql(model, schema_editor, using=using, **kwargs)


def _without_nulls_order(expression):
    if isinstance(expression, models.OrderBy) and (expression.nulls_last or expression.nulls_first):
        return models.OrderBy(expression.expression, descending=expression.descending)
    return expression
