"""`python manage.py purge_audit --before YYYY-MM-DD` (or `--older-than DAYS`): remove audit records older
than the retention period (AUDIT_RETENTION_DAYS, at least 183 days), keeping the chain verifiable (ADR 13).

Run it as the database's owner role: the application's role may not DELETE from the audit tables
(scripts/sql/audit-append-only.sql)."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.audit_chain import purge_before, verify


def retention_days() -> int:
    return max(int(settings.AUDIT_RETENTION_DAYS), int(settings.AUDIT_RETENTION_MIN_DAYS))


class Command(BaseCommand):
    help = "清理超过保留期限（至少 183 天）的审计记录；须以数据库属主角色运行。"

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--before", help="清理此日期（YYYY-MM-DD，北京时间）之前的记录")
        group.add_argument("--older-than", type=int, dest="older_than", help="清理早于多少天的记录")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["before"]:
            try:
                before = date.fromisoformat(options["before"])
            except ValueError:
                raise CommandError(f"日期“{options['before']}”无效，应为 YYYY-MM-DD。") from None
        else:
            before = today - timedelta(days=options["older_than"])
        days = retention_days()
        latest = today - timedelta(days=days)
        if before > latest:
            raise CommandError(
                f"拒绝清理：审计记录至少保留 {days} 天，{before:%Y-%m-%d} 之前的记录包含不满 {days} 天的记录；"
                f"最晚只能清理 {latest:%Y-%m-%d} 之前的记录。未删除任何记录。"
            )
        checked = verify()
        if not checked.ok:
            raise CommandError(f"拒绝清理：{checked.broken.message()}。请先查明原因，未删除任何记录。")
        cutoff = timezone.make_aware(datetime.combine(before, time.min))
        purged = purge_before(cutoff, command="purge_audit")
        if not purged.count:
            self.stdout.write(f"{before:%Y-%m-%d} 之前没有审计记录，未删除任何记录。")
            return
        self.stdout.write(
            f"已清理 {before:%Y-%m-%d} 之前的审计记录 {purged.count} 条；新的链起点哈希 {purged.anchor_hash}。"
        )
