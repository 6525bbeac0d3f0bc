from django.core.management.base import BaseCommand, CommandError

from accounts.services import COMMAND_TOKEN_NAME, issue_api_token
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "为用户签发一个新的 API 令牌（可同时持有多个；--rotate 先吊销该用户全部有效令牌）。"
        "令牌只显示这一次，单独打印在最后一行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", default=COMMAND_TOKEN_NAME, help=f"令牌名称（默认“{COMMAND_TOKEN_NAME}”）"
        )
        parser.add_argument("--days", type=int, help="有效期天数（默认 API_TOKEN_DEFAULT_DAYS，即 90 天）")
        parser.add_argument("--read-only", action="store_true", help="只读令牌（只能 GET）")
        parser.add_argument("--region", help="限定地区的区划代码（须在用户范围内）")
        parser.add_argument("--rotate", action="store_true", help="先吊销该用户全部有效令牌，再签发新令牌")

    def handle(self, *args, **options):
        try:
            issued = issue_api_token(
                options["username"],
                name=options["name"],
                days=options["days"],
                read_only=options["read_only"],
                region_code=options["region"],
                rotate=options["rotate"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        token = issued.token
        self.stdout.write(
            f"用户 {options['username']} 的 API 令牌“{token.name}”，有效期至 {token.expires_at:%Y-%m-%d %H:%M}"
            f"{'，只读' if token.read_only else ''}（请求头 Authorization: Token <令牌>；只显示这一次）："
        )
        self.stdout.write(issued.key)
