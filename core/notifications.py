"""In-app notifications (站内通知) and their delivery through one outbox.

`notify()` is called by a domain service inside the transaction of the event it reports: the notifications
and one outbox row per channel are written there, and the sending is queued only after that transaction
commits (`transaction.on_commit`), so an event that rolls back tells nobody. Each channel is one adapter
(`NOTIFICATION_CHANNELS` in settings: name → class); e-mail goes through Django's mail backend (the console
in development). A delivery that fails stays in the outbox with its error and is retried by the beat sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from .bulk import analyze_tables
from .choices import DeliveryStatus, NotificationKind
from .models import Notification, OutboxMessage
from .roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class Channel(Protocol):
    """One way a notification leaves the portal (e-mail, SMS, 政务微信…)."""

    def reaches(self, user: AbstractBaseUser) -> bool: ...

    def send(self, notification: Notification) -> None: ...


class EmailChannel:
    """E-mail through Django's mail backend, to users who have an address."""

    def reaches(self, user: AbstractBaseUser) -> bool:
        return bool(getattr(user, "email", ""))

    def send(self, notification: Notification) -> None:
        body = notification.body
        if notification.link:
            body = f"{body}\n\n{settings.PORTAL_BASE_URL.rstrip('/')}{notification.link}".strip()
        send_mail(
            subject=f"【示范镇平台】{notification.title}",
            message=body,
            from_email=None,
            recipient_list=[notification.user.email],
        )


def channels() -> dict[str, Channel]:
    return {name: import_string(path)() for name, path in settings.NOTIFICATION_CHANNELS.items()}


@dataclass(frozen=True)
class Audience:
    """Who should hear of an event: county and city officials of the given regions (by region code), and
    province-wide users of the given roles."""

    county_ids: frozenset[str] = frozenset()
    city_ids: frozenset[str] = frozenset()
    province_roles: frozenset[str] = frozenset()

    def users(self) -> QuerySet:
        condition = Q(pk__in=[])
        if self.county_ids:
            condition |= Q(role=Role.COUNTY_OFFICIAL, region_id__in=self.county_ids)
        if self.city_ids:
            condition |= Q(role=Role.CITY_OFFICIAL, region_id__in=self.city_ids)
        if self.province_roles:
            condition |= Q(role__in=self.province_roles)
        return get_user_model().objects.filter(condition, is_active=True).order_by("pk")


def audience(
    *,
    counties: Iterable[str | None] = (),
    cities: Iterable[str | None] = (),
    province: Iterable[str] = (),
) -> Audience:
    return Audience(
        county_ids=frozenset(pk for pk in counties if pk is not None),
        city_ids=frozenset(pk for pk in cities if pk is not None),
        province_roles=frozenset(province),
    )


def notify(
    recipients: Audience | Iterable[AbstractBaseUser],
    *,
    kind: NotificationKind | str,
    title: str,
    body: str = "",
    link: str = "",
    dedupe_key: str = "",
    exclude: AbstractBaseUser | None = None,
) -> list[Notification]:
    """Tell each recipient once (per dedupe_key when given) and queue its copies for every channel that
    reaches them. Call inside the event's transaction; the sending starts after it commits.

    `exclude` leaves out the actor who caused the event (nobody is told of their own step).
    """
    users = list(recipients.users() if isinstance(recipients, Audience) else recipients)
    if exclude is not None:
        users = [user for user in users if user.pk != exclude.pk]
    if not users:
        return []
    if dedupe_key:
        already = set(
            Notification.objects.filter(dedupe_key=dedupe_key, user__in=users).values_list(
                "user_id", flat=True
            )
        )
        users = [user for user in users if user.pk not in already]
    rows = [
        Notification(user=user, kind=kind, title=title, body=body, link=link, dedupe_key=dedupe_key)
        for user in users
    ]
    if not rows:
        return []
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(rows)
    except IntegrityError:
        # Another worker told the same people of the same event a moment ago: keep what is new only.
        created = []
        for row in rows:
            notification, made = Notification.objects.get_or_create(
                user=row.user,
                dedupe_key=dedupe_key,
                defaults={"kind": kind, "title": title, "body": body, "link": link},
            )
            if made:
                created.append(notification)
    _queue_deliveries(created, {user.pk: user for user in users})
    return created


def _queue_deliveries(created: Sequence[Notification], users: dict[int, AbstractBaseUser]) -> None:
    available = channels()
    outbox = [
        OutboxMessage(notification=notification, channel=name)
        for notification in created
        for name, channel in available.items()
        if channel.reaches(users[notification.user_id])
    ]
    if not outbox:
        return
    OutboxMessage.objects.bulk_create(outbox)
    # A fan-out to a whole audience is a bulk write: the sweeps read these tables by state right after.
    analyze_tables(Notification, OutboxMessage, rows=len(created) + len(outbox))
    ids = [message.pk for message in outbox]

    def send_after_commit() -> None:
        from .tasks import deliver_outbox

        deliver_outbox.delay(ids)

    transaction.on_commit(send_after_commit)


def deliver(message_ids: Iterable[int] | None = None) -> int:
    """Send pending outbox messages (the given ones, or every pending one below MAX_ATTEMPTS); returns how
    many were sent. Each row is locked while it is sent (skip_locked), so two sweeps never send one twice."""
    available = channels()
    pending = OutboxMessage.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], attempts__lt=MAX_ATTEMPTS
    )
    if message_ids is not None:
        pending = pending.filter(pk__in=list(message_ids))
    sent = 0
    for pk in pending.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .select_related("notification__user")
                .filter(pk=pk, status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
                .first()
            )
            if message is None:
                continue
            message.attempts += 1
            channel = available.get(message.channel)
            try:
                if channel is None:
                    raise LookupError(f"未配置的发送渠道“{message.channel}”")
                channel.send(message.notification)
            except Exception as error:  # any adapter failure is recorded, and retried by the sweep
                logger.warning("notification delivery %s failed: %s", message.pk, error)
                message.status = DeliveryStatus.FAILED
                message.last_error = str(error)[:300]
            else:
                message.status = DeliveryStatus.SENT
                message.sent_at = timezone.now()
                message.last_error = ""
                sent += 1
            message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return sent


def notifications_of(user: AbstractBaseUser) -> QuerySet[Notification]:
    """The user's own notifications, newest first (nobody reads another's)."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user: AbstractBaseUser) -> int:
    """How many of the user's notifications are unread, in one query (the navbar bell)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_of(user: AbstractBaseUser, pk: int) -> Notification | None:
    """One of the user's own notifications, or None (another user's answers as a missing one)."""
    return Notification.objects.filter(user=user, pk=pk).first()


def mark_read(user: AbstractBaseUser, *, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (once: the first reading time stays)."""
    if notification.user_id != user.pk:
        raise ValueError("a notification is marked read by its own user only")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user: AbstractBaseUser) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
