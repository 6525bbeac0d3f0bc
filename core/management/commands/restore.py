"""`python manage.py restore DIR [--database-url URL]`: restore a backup into an EMPTY database and check it.

Run as the owner role; then run scripts/sql/audit-append-only.sql for the application's role (the dump is
restored without its grants)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

from core.audit_chain import verify
from core.backup import BackupError, Target, default_target, restore_backup
from core.choices import SecurityEventKind
from core.models import SecurityEvent

ALIAS = "restore_target"


class Command(BaseCommand):
    help = "把备份恢复到一个空数据库（拒绝非空库），先校验文件，恢复后核对各关键表的行数与校验值。"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="backup 命令写出的备份目录")
        parser.add_argument("--database-url", dest="database_url", help="目标数据库（默认 DATABASE_URL）")
        parser.add_argument("--media-root", dest="media_root", help="上传文件恢复到的目录（默认 MEDIA_ROOT）")

    def handle(self, *args, **options):
        directory = Path(options["directory"])
        try:
            target = Target.from_url(options["database_url"]) if options["database_url"] else default_target()
            media_root = Path(options["media_root"] or settings.MEDIA_ROOT)
            restored = restore_backup(directory, target, media_root)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for table, sums in restored.tables.items():
            self.stdout.write(f"{table}：{sums['rows']} 行，校验值 {sums['md5']}")
        if restored.mismatches:
            raise CommandError("恢复后的数据与备份清单不符：" + "；".join(restored.mismatches))
        alias = self._alias(target)
        try:
            chain = verify(alias)
            SecurityEvent.objects.using(alias).create(
                kind=SecurityEventKind.RESTORED,
                occurred_at=timezone.now(),
                details={"directory": str(directory.resolve()), "chain_ok": chain.ok, "entries": chain.count},
            )
        finally:
            if alias == ALIAS:
                connections[alias].close()
        if not chain.ok:
            raise CommandError(f"数据已恢复，但{chain.broken.message()}")
        self.stdout.write(
            f"恢复完成：{target.name}，各表行数与校验值与备份一致；审计记录完整：共 {chain.count} 条。"
        )

    def _alias(self, target: Target) -> str:
        if target == default_target():
            return "default"
        connections.settings[ALIAS] = target.settings_dict()
        return ALIAS
