from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment.services import SCORE_IMPORT, import_scores
from core.audit import Via
from core.errors import DomainError
from core.import_batches import error_details, preview_now, preview_text


class Command(BaseCommand):
    help = (
        "从 .csv/.xlsx 导入年度评价得分：导出的得分表（每个指标一列），或长表（列：town_code, indicator_code, points，"
        "也可用中文列名 镇区划代码、指标代码、得分）。先校验全部行，任何一行有误（镇或指标不存在、得分超出 0–满分、"
        "重复行、该镇当年不是示范镇）则不导入任何数据并列出每个错误行。--dry-run 只预览，不写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--year", required=True, type=int)
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
                    None,
                    kind=SCORE_IMPORT,
                    file_name=path.name,
                    data=path.read_bytes(),
                    params={"year": options["year"]},
                )
            else:
                summary = import_scores(path.name, path.read_bytes(), options["year"], via=Via.COMMAND)
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
        self.stdout.write(self.style.SUCCESS(f"导入完成：{summary.towns} 个镇的 {summary.rows} 条得分。"))
