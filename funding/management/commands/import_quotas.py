from funding.services import QUOTA_IMPORT

from ._import import ImportCommand


class Command(ImportCommand):
    kind = QUOTA_IMPORT
    help = (
        "从 .csv 或 .xlsx 导入新增债务限额：导出的新增债务限额表，或列 year, region（县（市、区）6 位或市（州）4 位"
        "区划代码）, general_amount, special_amount（万元；也可用中文列名 年度、区划代码、一般债券限额、专项债券限额）。"
        "已下达的限额按新值修改，未下达的新下达；限额不能低于已安排的同类债券。先校验全部行，有任何错误则不导入任何"
        "数据并列出每个错误行。--dry-run 只预览，不写入。"
    )
