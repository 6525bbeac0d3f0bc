"""The years the portal accepts anywhere a year is typed (forms, filters, API bodies): one range, one message."""

YEAR_MIN, YEAR_MAX = 2000, 2100
YEAR_RANGE = (YEAR_MIN, YEAR_MAX)
YEAR_INVALID = f"年度应为 {YEAR_MIN}–{YEAR_MAX} 之间的四位年份。"
# The error messages of a year field, for forms and serializers alike.
YEAR_MESSAGES = {
    "required": "请填写年度。",
    "invalid": YEAR_INVALID,
    "min_value": YEAR_INVALID,
    "max_value": YEAR_INVALID,
}
