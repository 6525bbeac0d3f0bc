from django.core.management.base import BaseCommand, CommandError

from accounts.second_factor import reset_second_factor
from accounts.selectors import user_by_username
from core.audit import Via, audit_context


class Command(BaseCommand):
    help = (
        "重置用户的双因素认证（手机丢失或更换）：删除其动态口令和全部备用码，并结束其所有登录会话。"
        "须使用双因素认证的角色下次登录时重新绑定；也可随后用 addstatictoken 发给其一个一次性备用码。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        user = user_by_username(options["username"])
        if user is None:
            raise CommandError(f"用户 {options['username']} 不存在。")
        with audit_context(via=Via.COMMAND):
            removed = reset_second_factor(None, user)
        self.stdout.write(
            self.style.SUCCESS(
                f"已重置用户 {user.username} 的双因素认证（删除设备 {removed} 个，其会话已全部结束）。"
            )
        )
        self.stdout.write(
            "该用户下次登录时须重新绑定动态口令；如需立即登录，可运行 addstatictoken 发给其一个备用码。"
        )
