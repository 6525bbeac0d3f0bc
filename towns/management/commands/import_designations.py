from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.audit import Via
from core.errors import DomainError
from towns.services import import_designations


class Command(BaseCommand):
    help = (
        "从 .csv 或 .xlsx 导入示范镇认定。列：town_code, tier（provincial|city|county 或 省级|市级|县级）, year,"
        " 可选 doc_no, dev_type。先校验全部行，有任何错误则不导入任何数据并列出每个错误行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            summary = import_designations(None, file_name=path.name, data=path.read_bytes(), via=Via.COMMAND)
        except DomainError as exc:
            for detail in exc.details:
                self.stderr.write(detail)
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：新增认定 {summary.created} 条，已存在未变 {summary.unchanged} 条。"
            )
        )
