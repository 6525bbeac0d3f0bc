from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.audit import Via
from core.errors import DomainError
from core.import_batches import error_details, preview_now, preview_text
from towns.services import DESIGNATION_IMPORT, import_designations


class Command(BaseCommand):
    help = (
        "从 .csv 或 .xlsx 导入示范镇认定：导出的示范镇名录，或列 town_code, tier（provincial|city|county 或 "
        "省级|市级|县级）, year, 可选 doc_no, dev_type（也可用中文列名 区划代码、示范镇层级、认定起始年度、认定文号、"
        "发展类型）。先校验全部行，有任何错误则不导入任何数据并列出每个错误行。--dry-run 只预览，不写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--dry-run", action="store_true", help="只预览（各结果的行数与错误行），不写入任何数据"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            if options["dry_run"]:
                report = preview_now(
                    None, kind=DESIGNATION_IMPORT, file_name=path.name, data=path.read_bytes()
                )
            else:
                summary = import_designations(
                    None, file_name=path.name, data=path.read_bytes(), via=Via.COMMAND
                )
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
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：新增认定 {summary.created} 条，更正 {summary.changed} 条，已存在未变 {summary.unchanged} 条。"
            )
        )
