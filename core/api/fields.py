from django.db.models import Choices
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.vocabulary import label


@extend_schema_field(OpenApiTypes.STR)
class LabelField(serializers.Field):
    """The Chinese label of a choice value (the value itself is in the sibling field).

    Works on model fields and on annotations alike, e.g. `LabelField(Tier, source="active_tier")`;
    null when the value is null or blank. `choices` is a Choices class (its labels through
    core.vocabulary.label), or (value, label) pairs for a vocabulary no Choices class holds.
    """

    def __init__(self, choices, **kwargs):
        self.choices = choices
        if isinstance(choices, type) and issubclass(choices, Choices):
            self.labels = None
        else:
            self.labels = dict(getattr(choices, "choices", choices))
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value in (None, ""):
            return None
        if self.labels is None:
            return label(self.choices, value)
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
