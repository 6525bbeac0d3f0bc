from argparse import SUPPRESS
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from demo.perf.seed import DIVISIONS, PERF_PASSWORD, PERF_USERS, SCALES, SeedOptions, run_seed


class Command(BaseCommand):
    help = (
        "构造性能基准测试数据（issue 13）：national 为全国全部区划与乡镇、每个建制镇均认定为示范镇"
        "（省级 5%、市级 10%，其余县级）；g2k 为随机抽取的约 2,000 个建制镇所在的县（市、区）。"
        "另有每年每镇每项指标的得分、建设项目与进度报送、债务限额与资金安排、评选申报，"
        "以及基准测试账号 "
        + "、".join(username for username, *_ in PERF_USERS)
        + f"（密码 {PERF_PASSWORD}）。同一 --seed 生成完全相同的数据。"
        "全部以 PostgreSQL COPY 在一个事务中写入，随后 VACUUM ANALYZE；仅用于基准测试数据库，不写审计日志。"
        "已有数据的数据库须加 --flush（清空全部业务数据、用户和审计日志）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", required=True, choices=SCALES, help="数据规模：g2k 或 national")
        parser.add_argument(
            "--years", type=int, default=2, help="评价年度数，截至演示数据的最后一年（默认 2）"
        )
        parser.add_argument("--seed", type=int, default=42, help="随机种子（默认 42）")
        parser.add_argument(
            "--flush", action="store_true", help="先清空全部业务数据、用户和审计日志（TRUNCATE … CASCADE）"
        )
        parser.add_argument(
            "--source", metavar="DIR", default=str(DIVISIONS), help="china-division 格式的全国区划 CSV 目录"
        )
        # Tests only: a g2k of this many 镇, to keep the suite fast.
        parser.add_argument("--limit-towns", type=int, default=None, help=SUPPRESS)

    def handle(self, *args, **options):
        seed_options = SeedOptions(
            scale=options["scale"],
            years=options["years"],
            seed=options["seed"],
            flush=options["flush"],
            source=Path(options["source"]),
            limit_towns=options["limit_towns"],
        )

        def report(entry):
            if entry.table:
                self.stdout.write(
                    f"{entry.label}（{entry.table}）：{entry.rows:,} 行，{entry.seconds:.1f} 秒"
                )
            else:
                self.stdout.write(f"{entry.label}：{entry.seconds:.1f} 秒")

        try:
            summary = run_seed(seed_options, report)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write("各表行数：")
        for entry in summary.tables:
            self.stdout.write(f"  {entry.table}  {entry.rows:,}")
        total = sum(entry.rows for entry in summary.tables)
        years = "、".join(str(year) for year in summary.years)
        self.stdout.write(
            self.style.SUCCESS(
                f"完成：规模 {summary.scale}，种子 {summary.seed}，评价年度 {years}；"
                f"{len(summary.tables)} 张表共 {total:,} 行，用时 {summary.seconds:.1f} 秒（含 VACUUM ANALYZE）。"
            )
        )
