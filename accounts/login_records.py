"""The last successful login and the failures since (等保 身份鉴别: a user sees whether someone tried their
account). Written from Django's login signals (accounts.signals); read once, at login."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.formats import chinese_datetime
from core.security_log import client_address

from .models import LoginRecord, User


@dataclass(frozen=True)
class PreviousLogin:
    at: datetime | None
    remote_addr: str | None
    failures: int

    @property
    def message(self) -> str:
        if self.at is None:
            head = "这是您的首次登录"
        else:
            head = f"上次登录：{chinese_datetime(self.at)}，IP {self.remote_addr or '未知'}"
        return f"{head}；此后失败尝试 {self.failures} 次。"


def previous_login(user: User) -> PreviousLogin:
    """The last successful login before the one being recorded, and the failed attempts after it."""
    last = LoginRecord.objects.filter(user=user, succeeded=True).only("at", "remote_addr").first()
    failures = LoginRecord.objects.filter(username=user.get_username(), succeeded=False)
    if last is not None:
        failures = failures.filter(at__gt=last.at)
    return PreviousLogin(
        at=last.at if last else None,
        remote_addr=last.remote_addr if last else None,
        failures=failures.count(),
    )


def record_login(request, user: User | None, *, username: str, succeeded: bool) -> None:
    LoginRecord.objects.create(
        user=user, username=username[:150], succeeded=succeeded, remote_addr=client_address(request)
    )
