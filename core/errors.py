"""The one error type for mistakes a user can make; its message is shown as is (Chinese)."""

from .years import YEAR_MAX, YEAR_MIN


class DomainError(Exception):
    """A refused operation, with a message for the user.

    Views map it to a form error or an HTTP 400; commands print it and exit non-zero.
    `details` carries per-row or per-field reasons (e.g. every bad row of an import).
    """

    def __init__(self, message, details=None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self):
        return self.message


class NotVisible(DomainError):
    """The object does not exist for this user (missing, or outside their scope): pages 404, API 404."""

    def __init__(self, message="未找到。"):
        super().__init__(message)


class Conflict(DomainError):
    """A write made from a stale copy of a record (someone changed it since): API 409, pages a form error."""


def from_validation_error(exc, model):
    """A model's ValidationError (full_clean) as one DomainError naming each field by its Chinese label."""
    details = []
    for field, messages in exc.message_dict.items():
        label = "" if field == "__all__" else model._meta.get_field(field).verbose_name
        details.extend(f"{label}：{message}" if label else message for message in messages)
    return DomainError("填写的内容有误：" + "；".join(details), details=details)


def checked_year(value):
    """A program year (core.years.YEAR_RANGE) from user input, or a DomainError naming what was given."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise DomainError(f"年度“{value}”无效。") from None
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise DomainError(f"年度 {year} 无效。")
    return year


class PreconditionFailed(Conflict):
    """An API write whose If-Match names a version that is no longer current (RFC 9110): 412, nothing
    changed; the answer carries the record as it is now (`current`) and its ETag."""

    def __init__(self, message: str, *, current: object = None, etag: str = ""):
        super().__init__(message)
        self.current = current
        self.etag = etag
