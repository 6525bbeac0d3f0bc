from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.services import import_scores
from core.audit import audit_context
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "从 .csv/.xlsx 导入年度评价得分（列：town_code, indicator_code, points）。先校验全部行，"
        "任何一行有误（镇或指标不存在、得分超出 0–满分、重复行、该镇当年不是示范镇）则不导入任何数据并列出每个错误行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--year", required=True, type=int)

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            with audit_context(via="command"):
                summary = import_scores(path.name, path.read_bytes(), options["year"])
        except DomainError as exc:
            for detail in exc.details:
                self.stderr.write(detail)
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"导入完成：{summary.towns} 个镇的 {summary.rows} 条得分。"))
