"""Money in 万元: Decimal with two decimals, ROUND_HALF_UP, never float; 0 … 10,000,000 万元."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_MONEY = Decimal("10000000.00")  # anything above is a typing error (wrong unit), not a project
CENT = Decimal("0.01")


def quantize(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(value, label):
    """A sum in 万元 with at most two decimals, 0 … 10,000,000: (Decimal, None) or (None, refusal)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, f"请填写{label}。"
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None, f"{label}“{value}”不是有效的金额。"
    if not amount.is_finite():
        return None, f"{label}“{value}”不是有效的金额。"
    if amount < 0:
        return None, f"{label}不能为负数。"
    if amount > MAX_MONEY:
        return None, f"{label}超过 10,000,000 万元，请核对单位（万元）。"
    if amount != amount.quantize(CENT):
        return None, f"{label}最多保留两位小数（单位：万元）。"
    return amount.quantize(CENT), None
