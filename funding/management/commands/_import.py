"""What funding's import commands share: read the file, preview it (--dry-run) or import it through the
importer (core.import_batches.import_now, as the system: user None, audited via command)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.audit import Via
from core.choices import RowStatus
from core.errors import DomainError
from core.import_batches import error_details, import_now, preview_now, preview_text


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--dry-run", action="store_true", help="只预览（各结果的行数与错误行），不写入任何数据"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        arguments = {"kind": self.kind, "file_name": path.name, "data": path.read_bytes()}
        try:
            if options["dry_run"]:
                report = preview_now(None, **arguments)
            else:
                report = import_now(None, **arguments, via=Via.COMMAND)
        except DomainError as exc:
            for detail in exc.details:
                self.stderr.write(detail)
            raise CommandError(exc.message) from exc
        if options["dry_run"]:
            self.stdout.write(preview_text(report))
            for detail in error_details(report.outcomes):
                self.stderr.write(detail)
            if report.errors:
                raise CommandError(f"预览发现 {len(report.errors)} 行错误，导入时将不会写入任何数据。")
            return
        tally = report.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：新增 {tally[RowStatus.NEW]} 行，修改 {tally[RowStatus.CHANGED]} 行，"
                f"未变 {tally[RowStatus.UNCHANGED]} 行。"
            )
        )
