"""What the two project import commands share: the file, the county official they import as, --dry-run."""

from pathlib import Path

from django.core.management.base import CommandError

from accounts.selectors import user_by_username
from core.audit import Via
from core.errors import DomainError
from core.import_batches import error_details, import_now, preview_now, preview_text


def add_import_arguments(parser):
    parser.add_argument("file", metavar="FILE")
    parser.add_argument(
        "--user",
        required=True,
        metavar="USERNAME",
        help="以该县（市、区）工作人员的身份导入（项目只由所在县填报：范围、权限和审计记录都按此用户）",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="只预览（各结果的行数与错误行），不写入任何数据"
    )


def run_import(command, kind, options, *, what):
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(f"文件不存在：{path}")
    user = user_by_username(options["user"])
    if user is None:
        raise CommandError(f"用户 {options['user']} 不存在。")
    data = path.read_bytes()
    try:
        if options["dry_run"]:
            report = preview_now(user, kind=kind, file_name=path.name, data=data)
        else:
            report = import_now(user, kind=kind, file_name=path.name, data=data, via=Via.COMMAND)
    except DomainError as exc:
        for detail in exc.details:
            command.stderr.write(detail)
        raise CommandError(exc.message) from exc
    if options["dry_run"]:
        command.stdout.write(preview_text(report))
        for detail in error_details(report.outcomes):
            command.stderr.write(detail)
        if report.errors:
            raise CommandError(f"预览发现 {len(report.errors)} 行错误，导入时将不会写入任何数据。")
        return
    counts = report.counts
    command.stdout.write(
        command.style.SUCCESS(
            f"导入{what}完成：新增 {counts['new']} 行，修改 {counts['changed']} 行，未变 {counts['unchanged']} 行。"
        )
    )
