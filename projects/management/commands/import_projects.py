from django.core.management.base import BaseCommand

from projects.imports import PROJECT_IMPORT
from projects.sheets import PROJECT_SHEET

from ._import import add_import_arguments, run_import


class Command(BaseCommand):
    help = (
        "从 .csv 或 .xlsx 导入建设项目（R5）：导出的项目列表，修改或补充后导入；也可用英文列名（"
        + ", ".join(column.key for column in PROJECT_SHEET if column.read)
        + "）。以 --user 指定的县（市、区）工作人员的身份、按项目页面的规则导入：填写项目编号的行修改该项目，"
        "留空的行新增项目。先校验全部行，有任何错误则不导入任何数据并列出每个错误行。--dry-run 只预览，不写入。"
    )

    def add_arguments(self, parser):
        add_import_arguments(parser)

    def handle(self, *args, **options):
        run_import(self, PROJECT_IMPORT, options, what="项目")
