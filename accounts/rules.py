"""Pure decisions of login safety (等保 身份鉴别): character classes, password age, session lifetime.

No ORM, no request, no settings: the callers pass the values (accounts.passwords, accounts.middleware).
"""

from __future__ import annotations

import string
from datetime import datetime, timedelta

from core.roles import Role

CHARACTER_CLASSES = (
    ("小写字母", lambda c: c in string.ascii_lowercase),
    ("大写字母", lambda c: c in string.ascii_uppercase),
    ("数字", lambda c: c in string.digits),
    ("符号", lambda c: not c.isalnum() and not c.isspace()),
)

# API-only partners never see a page: a forced change would only break their integration (ADR 11).
ROLES_WITHOUT_PASSWORD_AGE = frozenset({Role.PARTNER})


def character_classes(password: str) -> int:
    """How many of the four classes (lower, upper, digit, symbol) the password uses. A letter outside ASCII
    (a Chinese character) counts as none: the rule is about the keyboard's classes."""
    return sum(any(test(c) for c in password) for _, test in CHARACTER_CLASSES)


def password_expired(*, changed_at: datetime, now: datetime, max_age_days: int, role: str) -> bool:
    """A password older than max_age_days must be changed; 0 turns the rule off, partners are exempt."""
    if max_age_days <= 0 or role in ROLES_WITHOUT_PASSWORD_AGE:
        return False
    return now - changed_at >= timedelta(days=max_age_days)


IDLE = "idle"
LIFETIME = "lifetime"


def session_verdict(
    *, login_at: datetime, last_seen: datetime, now: datetime, idle_minutes: int, max_hours: int
) -> str | None:
    """Why a session must end now (IDLE after idle_minutes without a request, LIFETIME max_hours after the
    login however active), or None while it may go on. The lifetime is checked first: it is the harder rule."""
    if now - login_at >= timedelta(hours=max_hours):
        return LIFETIME
    if now - last_seen >= timedelta(minutes=idle_minutes):
        return IDLE
    return None


# A request refreshes the last-activity stamp only once a minute: the session (and its row) is written at
# most once a minute instead of on every request; the idle timeout is exact to that minute.
STAMP_EVERY = timedelta(minutes=1)


def needs_stamp(*, last_seen: datetime, now: datetime) -> bool:
    return now - last_seen >= STAMP_EVERY
