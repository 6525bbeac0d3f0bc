"""`python manage.py restore DIR [--database-url URL]`: restore a backup into an EMPTY database and check it.

Run as the owner role; then run scripts/sql/audit-append-only.sql for the application's role (the dump is
restored without its grants)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.audit_chain import verify
from core.backup import BackupError, Target, default_target, restore_backup
from core.choices import SecurityEventKind
from core.security_log import record_security_event


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
        if options["database_url"]:
            # The restored database checks itself: verify_audit runs against it in a child process.
            completed = subprocess.run(
                [
                    sys.executable,
                    str(Path(settings.BASE_DIR) / "manage.py"),
                    "verify_audit",
                    "--record-restore",
                    str(directory.resolve()),
                ],
                env={**os.environ, "DATABASE_URL": options["database_url"]},
                capture_output=True,
                text=True,
                check=False,
            )
            output = (completed.stdout + completed.stderr).strip()
            if completed.returncode != 0:
                raise CommandError(f"数据已恢复，但{output}")
        else:
            output = record_restored(directory)
        self.stdout.write(f"恢复完成：{target.name}，各表行数与校验值与备份一致；{output}")


def record_restored(directory: Path) -> str:
    """The RESTORED event in the restored database, with the result of verifying its chain."""
    chain = verify()
    record_security_event(
        SecurityEventKind.RESTORED, directory=str(directory.resolve()), chain_ok=chain.ok, entries=chain.count
    )
    if not chain.ok:
        raise CommandError(chain.broken.message())
    return f"审计记录完整：共 {chain.count} 条"
