"""A vocabulary value as users read it. Every label comes from the TextChoices that defines the value; no app
keeps a second dictionary of the same labels (CONTRIBUTING.md, "One vocabulary per concept")."""

from collections.abc import Callable

from django.db.models import Choices

EMPTY = "—"


def label(choices: type[Choices], value: object, *, empty: str = EMPTY) -> str:
    """The label of value in choices; `empty` for no value, the value itself when it is not one of the choices
    (a value written before a choice was renamed still shows, rather than failing the page)."""
    if value is None or value == "":
        return empty
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def labeller(choices: type[Choices], *, empty: str = EMPTY) -> Callable[[object], str]:
    """label(choices, value, empty=empty) for the many values of an export: the labels read once, then each
    value looked up in a dict (an export of 41k towns names 41k kinds)."""
    names = {str(value): str(text) for value, text in choices.choices}

    def name(value: object) -> str:
        if value is None or value == "":
            return empty
        return names.get(str(value), str(value))

    return name
