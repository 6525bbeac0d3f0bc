from django.core.management.base import BaseCommand, CommandError

from accounts.services import issue_api_token
from core.errors import DomainError


class Command(BaseCommand):
    help = "为用户签发 API 令牌（已有则沿用；--rotate 作废旧令牌并签发新令牌）。令牌单独打印在最后一行。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="作废旧令牌并签发新令牌")

    def handle(self, *args, **options):
        try:
            key = issue_api_token(options["username"], rotate=options["rotate"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"用户 {options['username']} 的 API 令牌（请求头 Authorization: Token <令牌>）：")
        self.stdout.write(key)
