from django.core.management.base import BaseCommand

from projects.imports import REPORT_IMPORT

from ._import import add_import_arguments, run_import


class Command(BaseCommand):
    help = (
        "从 .csv 或 .xlsx 导入项目进度报送（月/季 调度）：每行一个项目一期的进度，列 项目编号（project）、报送周期"
        "（period_type）、周期（period，如 2025年3月）或 年度（year）和 月份或季度（number）、累计完成投资"
        "（cumulative_investment）、形象进度（percent_complete）、进展情况（narrative）。以 --user 指定的县（市、区）"
        "工作人员的身份、按项目页面报送进度的规则导入。有任何错误则不导入任何数据。--dry-run 只预览，不写入。"
    )

    def add_arguments(self, parser):
        add_import_arguments(parser)

    def handle(self, *args, **options):
        run_import(self, REPORT_IMPORT, options, what="进度报送")
