"""Numbers as users read them on every page, export and message: money in 万元 with two decimals and thousands
separators, points without trailing zeros. The one formatter of each (CONTRIBUTING.md)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

EMPTY = "—"


def figure(value: object, places: int = 2) -> str:
    """1,234.50: thousands separators and a fixed number of decimals (half up); "—" when empty."""
    if value is None or value == "":
        return EMPTY
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    places = int(places)
    quantum = Decimal(1).scaleb(-places)
    return f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


def money(value: object) -> str:
    """A sum in 万元: 1,200.00; "—" when empty."""
    return figure(value, 2)


def points(value: object) -> str:
    """Points as an indicator system writes them: 10, 7.5, 99.25 (no exponent, no trailing zeros); "—" when
    empty."""
    if value is None or value == "":
        return EMPTY
    text = f"{Decimal(str(value)):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
