"""Reads of users and of the regions a user may be given."""

from __future__ import annotations

from django.db.models import Model

from .models import User


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def region_by_code(code: str) -> Model | None:
    """The region (towns.Region) of that code, or None. accounts lies below towns, so the model is reached
    through the user's own foreign key rather than imported."""
    region_model = User._meta.get_field("region").related_model
    return region_model.objects.filter(code=code).first()
