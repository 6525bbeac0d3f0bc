from funding.services import ALLOCATION_IMPORT

from ._import import ImportCommand


class Command(ImportCommand):
    kind = ALLOCATION_IMPORT
    help = (
        "从 .csv 或 .xlsx 导入资金安排：导出的资金安排明细，或列 year, project（项目编号）, source（资金来源）, "
        "amount（万元）, 可选 note, id（安排编号：修改该笔已有安排的金额和备注；新增的留空）；也可用中文列名 年度、"
        "项目编号、资金来源、金额、备注、安排编号。逐行按顺序校验：不超过项目尚未落实的资金，债券不超过所占用限额的"
        "剩余额度且与项目推荐的债券类型一致。先校验全部行，有任何错误则不导入任何数据并列出每个错误行。"
        "--dry-run 只预览，不写入。"
    )
