from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.STR)
class LabelField(serializers.Field):
    """The Chinese label of a choice value (the value itself is in the sibling field).

    Works on model fields and on annotations alike, e.g. `LabelField(Tier, source="active_tier")`;
    null (or blank) when the value is null (or blank).
    """

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices.choices if hasattr(choices, "choices") else choices)
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value in (None, ""):
            return None
        return str(self.labels.get(value, value))


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice stored as "" when it does not apply (an unassessed town's grade, an unknown role): rendered
    as null. Read-only and nullable unless told otherwise."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return None if value in (None, "") else super().to_representation(value)
