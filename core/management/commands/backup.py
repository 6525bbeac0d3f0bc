"""`python manage.py backup DIR`: the database (pg_dump), the uploaded files and a manifest of checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, make_backup
from core.choices import SecurityEventKind
from core.security_log import record_security_event


class Command(BaseCommand):
    help = "备份数据库（pg_dump）与上传文件到一个新目录，并写入校验清单 manifest.json。"

    def add_arguments(self, parser):
        parser.add_argument("directory", help="备份目录（新目录或空目录）")

    def handle(self, *args, **options):
        directory = Path(options["directory"])
        try:
            manifest = make_backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        record_security_event(
            SecurityEventKind.BACKUP_MADE, directory=str(directory.resolve()), files=manifest["files"]
        )
        rows = "，".join(f"{table} {sums['rows']} 行" for table, sums in manifest["tables"].items())
        self.stdout.write(f"备份完成：{directory}（{rows}）")
