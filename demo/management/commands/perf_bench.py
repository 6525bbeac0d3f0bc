"""`manage.py perf_bench --json FILE`: the benchmark suite of issue 13 (demo.perf.bench, demo.perf.figures)."""

import json
import logging
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from demo.perf import bench


class Command(BaseCommand):
    help = (
        "测量 issue 13 的各项性能指标：每项 A（门户的实现）与 B（其下限，或另一规模上的同一实现）交替成对运行，"
        "预热后记录每对的比值，写出分子、分母、比值的中位数与最小值、涉及的行数、目标与是否达到，以及版本信息。"
        "需要 perf_seed 建好的 g2k 与 national 两个库（--smoke 只用 g2k）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", metavar="FILE", dest="json_file", help="结果写入的 JSON 文件")
        parser.add_argument("--reps", type=int, default=bench.DEFAULT_REPS, help="成对运行的次数（默认 15）")
        parser.add_argument("--warmup", type=int, default=bench.DEFAULT_WARMUP, help="每侧预热次数（默认 2）")
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="FIGURE",
            help="只测该项（可重复；F-scale 选全部 F-scale-*）",
        )
        parser.add_argument("--g2k-url", default=bench.DEFAULT_URLS["g2k"], help="g2k 规模的数据库 URL")
        parser.add_argument(
            "--national-url", default=bench.DEFAULT_URLS["national"], help="全国规模的数据库 URL"
        )
        parser.add_argument(
            "--smoke", action="store_true", help="冒烟测试：只用 g2k 库，每项一对、不预热，跳过需要全国库的项"
        )
        parser.add_argument(
            "--seed-missing",
            action="store_true",
            help="先确保基准库就绪：不存在或为空时新建并 perf_seed，迁移，并计算最后一年之前的各年度",
        )
        parser.add_argument("--serve", action="store_true", help="（内部）作为测量进程，从标准输入读取请求")

    def handle(self, *args, **options):
        if options["serve"]:
            return self.serve()
        from demo.perf.figures import FIGURES

        known = {figure.name for figure in FIGURES}
        unknown = [w for w in options["only"] if not any(n == w or n.startswith(f"{w}-") for n in known)]
        if unknown:
            raise CommandError(f"没有这些测量项：{'、'.join(unknown)}（可选：{'、'.join(sorted(known))}）")
        if options["reps"] < 1 or options["warmup"] < 0:
            raise CommandError("--reps 至少为 1，--warmup 不能为负数。")
        smoke = options["smoke"]
        result = bench.run(
            FIGURES,
            urls={"g2k": options["g2k_url"], "national": options["national_url"]},
            reps=1 if smoke else options["reps"],
            warmup=0 if smoke else options["warmup"],
            only=options["only"],
            smoke=smoke,
            seed_missing=options["seed_missing"],
            log=lambda line: self.stderr.write(line),
        )
        if options["json_file"]:
            path = Path(options["json_file"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        self.stdout.write(bench.markdown_table(result["figures"]))
        errors = [r["figure"] for r in result["figures"] if r["error"]]
        if smoke and errors:
            raise CommandError(f"冒烟测试中这些测量项出错：{'、'.join(errors)}")

    def serve(self):
        """The worker: answers go to the real stdout; anything else the portal prints goes to stderr."""
        from demo.perf.figures import OPERATIONS

        answers = sys.stdout
        sys.stdout = sys.stderr
        logging.getLogger("axes").setLevel(logging.WARNING)  # the viewer's login, once per worker
        bench.serve(sys.stdin, answers, OPERATIONS)
