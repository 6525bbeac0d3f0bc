from django.core.management.base import BaseCommand, CommandError

from accounts.models import Role
from accounts.services import create_user
from core.audit import Via, audit_context
from core.errors import DomainError
from core.roles import TWO_FACTOR_ROLES


class Command(BaseCommand):
    help = "创建用户并指定角色与地区。未给出 --password 时生成随机密码并打印。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"角色：{', '.join(Role.values)}")
        parser.add_argument("--region", metavar="CODE", help="市（州）或县（市、区）区划代码；省级角色不填")
        parser.add_argument("--password", metavar="P")
        parser.add_argument("--name", default="", help="姓名（可选）")
        parser.add_argument("--update", action="store_true", help="用户已存在时修改其角色、地区（及密码）")

    def handle(self, *args, **options):
        try:
            with audit_context(via=Via.COMMAND):
                user, generated = create_user(
                    options["username"],
                    role=options["role"],
                    region_code=options["region"],
                    password=options["password"],
                    update=options["update"],
                    first_name=options["name"],
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        where = f"，地区 {user.region.name}（{user.region_id}）" if user.region_id else ""
        self.stdout.write(self.style.SUCCESS(f"用户 {user.username}：{user.get_role_display()}{where}"))
        if generated:
            self.stdout.write(f"初始密码：{generated}")
        if user.role in TWO_FACTOR_ROLES:
            self.stdout.write(
                f"该角色须使用双因素认证：用户首次登录时，输入密码后须用手机身份验证器应用扫描二维码绑定动态口令；"
                f"或由运维运行 python manage.py addstatictoken {user.username} 生成一个一次性备用码交给用户，"
                "用于第二步登录。"
            )
