"""When a job's worker is taken as dead: the lease rule every tracked job shares (pure: no database).

A running job renews its heartbeat while it works; a heartbeat older than the lease means its worker was
killed or lost its connection. A queued job that no worker took within the queue timeout was lost on the way
(no worker running, broker emptied). Either way the job is recorded failed, never left "running" forever.
"""

from __future__ import annotations

from datetime import datetime, timedelta

QUEUED = "queued"
RUNNING = "running"


def stale_reason(
    state: str,
    heartbeat_at: datetime | None,
    queued_at: datetime | None,
    now: datetime,
    lease_seconds: int,
    queue_timeout_seconds: int,
) -> str | None:
    """Why a queued or running job is taken as dead, in Chinese; None while its lease holds."""
    if state == RUNNING:
        last = heartbeat_at or queued_at
        if last is not None and now - last > timedelta(seconds=lease_seconds):
            return f"任务进程已中断：超过 {lease_seconds} 秒没有心跳（进程被终止或与数据库断开连接），可重新发起。"
    if (
        state == QUEUED
        and queued_at is not None
        and now - queued_at > timedelta(seconds=queue_timeout_seconds)
    ):
        minutes = max(1, queue_timeout_seconds // 60)
        return f"任务排队超过 {minutes} 分钟仍未开始（没有可用的后台进程或任务已丢失），可重新发起。"
    return None
