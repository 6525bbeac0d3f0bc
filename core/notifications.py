"""In-app notifications (站内通知; not the assessment's 通报): what a user reads, and marking them read."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from .models import Notification

# The recipient is accounts.User (settings.AUTH_USER_MODEL); core lies below accounts and names its base.
User = AbstractBaseUser


def notifications_of(user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return user.notifications.all()


def unread_count(user: User) -> int:
    """How many of the user's notifications are unread, in one query."""
    return user.notifications.filter(read_at__isnull=True).count()


def notification_of(user: User, pk: int) -> Notification | None:
    """One of the user's own notifications, or None (another user's answers as a missing one)."""
    return user.notifications.filter(pk=pk).first()


def mark_read(user: User, *, notification: Notification) -> None:
    """Mark one of the user's notifications read (once: the first reading time stays)."""
    if notification.user_id != user.pk:
        raise ValueError("a notification is marked read by its own user only")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; returns how many were."""
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
