"""The pure rules of login safety (accounts.rules), without a database."""

from datetime import UTC, datetime, timedelta

from accounts.rules import IDLE, LIFETIME, character_classes, needs_stamp, password_expired, session_verdict

NOW = datetime(2026, 3, 5, 14, 3, tzinfo=UTC)


def test_character_classes():
    assert character_classes("abcdefghij") == 1
    assert character_classes("abcdEFGHij") == 2
    assert character_classes("Shifanzhen-2022") == 4
    assert character_classes("shifanzhen-2022") == 3
    assert character_classes("示范镇示范镇abc1") == 2  # a Chinese character is of no class


def test_password_age():
    old = NOW - timedelta(days=180)
    assert password_expired(changed_at=old, now=NOW, max_age_days=180, role="county_official")
    assert not password_expired(changed_at=old + timedelta(days=1), now=NOW, max_age_days=180, role="auditor")
    assert not password_expired(changed_at=old, now=NOW, max_age_days=180, role="partner")  # API-only
    assert not password_expired(changed_at=old, now=NOW, max_age_days=0, role="county_official")  # off


def test_session_verdict():
    def verdict(login_ago, idle):
        return session_verdict(
            login_at=NOW - login_ago, last_seen=NOW - idle, now=NOW, idle_minutes=30, max_hours=12
        )

    assert verdict(timedelta(hours=1), timedelta(minutes=29)) is None
    assert verdict(timedelta(hours=1), timedelta(minutes=30)) == IDLE
    assert verdict(timedelta(hours=12), timedelta(0)) == LIFETIME
    assert verdict(timedelta(hours=13), timedelta(hours=1)) == LIFETIME  # the harder rule first


def test_the_stamp_is_written_once_a_minute():
    assert not needs_stamp(last_seen=NOW - timedelta(seconds=59), now=NOW)
    assert needs_stamp(last_seen=NOW - timedelta(seconds=60), now=NOW)
