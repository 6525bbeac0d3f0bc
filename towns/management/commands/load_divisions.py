from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from towns.loaders import SHIPPED_DIVISIONS, load_divisions


class Command(BaseCommand):
    help = (
        "载入行政区划（省、市、县、乡镇）。默认载入仓库自带的吉林省（22）数据；"
        "--province CODE 或 --all 配合 --source DIR 载入其他省份。重复运行不会产生重复数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", action="append", metavar="CODE", help="省级区划代码，可重复，如 22")
        parser.add_argument("--all", action="store_true", help="载入数据源中的全部省份")
        parser.add_argument(
            "--source", metavar="DIR", help="china-division 格式的 CSV 目录（默认：仓库自带吉林数据）"
        )

    def handle(self, *args, **options):
        if options["all"] and options["province"]:
            raise CommandError("--all 与 --province 不能同时使用。")
        provinces = None if options["all"] else (options["province"] or ["22"])
        if provinces:
            bad = [code for code in provinces if not (len(code) == 2 and code.isdigit())]
            if bad:
                raise CommandError(f"省级区划代码应为两位数字：{'、'.join(bad)}")
        source = options["source"]
        if source is None and provinces != ["22"]:
            raise CommandError(
                f"仓库只自带吉林省（22）数据（{SHIPPED_DIVISIONS}）；载入其他省份请用 --source 指定数据目录。"
            )
        try:
            summary = load_divisions(source=source, province_codes=provinces)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

        for code, counts in sorted(summary.per_province.items()):
            self.stdout.write(
                f"{counts['name']}（{code}）：市（州）{counts['cities']} 个，县级单位 {counts['counties']} 个，"
                f"乡级单位 {counts['townships']} 个，其中镇 {counts['towns']} 个"
            )
        if summary.changed:
            self.stdout.write(self.style.SUCCESS(f"新增 {summary.created} 条，更新 {summary.updated} 条。"))
        else:
            self.stdout.write("数据已是最新，未做任何更改。")
