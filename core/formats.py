"""Numbers and dates as users read them on every page and message: money in 万元 with two decimals and
thousands separators, points without trailing zeros, dates as 2024年3月5日 (14:05). The one formatter of each
(CONTRIBUTING.md); templates use the `portal` filters and Django's DATE_FORMAT / DATETIME_FORMAT (zh-hans)."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

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


def percent_width(value: object) -> str:
    """A percentage for a progress bar's width: clamped to 0–100, plain digits ("37.5", "100"); "0" when empty."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return "0"
    if not number.is_finite():
        return "0"
    number = min(max(number, Decimal(0)), Decimal(100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def chinese_date(value: date | None) -> str:
    """2024年3月5日; "—" when empty."""
    if value is None:
        return EMPTY
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_datetime(value: datetime | None, *, seconds: bool = False) -> str:
    """2024年3月5日 14:05 in the portal's time zone (Asia/Shanghai); "—" when empty."""
    if value is None:
        return EMPTY
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{chinese_date(value)} {value:%H:%M:%S}" if seconds else f"{chinese_date(value)} {value:%H:%M}"
