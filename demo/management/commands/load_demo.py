from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.second_factor import issue_backup_codes
from accounts.selectors import user_by_username
from assessment.choices import ResultStatus
from assessment.demo import load_demo_assessments
from assessment.models import Elimination
from core.bulk import analyze_tables
from core.errors import DomainError
from core.roles import TWO_FACTOR_ROLES
from funding.demo import load_demo_funding
from projects.demo import load_demo_projects
from selection.demo import load_demo_selection
from towns.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
from towns.selectors import quota_report

# The demo's second factor (issue 12): every demo user of a role that needs one gets these backup codes, each
# usable once; running load_demo again gives them back. Demo only, like the password.
DEMO_BACKUP_CODES = [f"demo{n:04d}" for n in range(1, 11)]

# The apps whose tables the demo fills (and the audit log it leaves): analysed once it is loaded.
DEMO_APPS = ("accounts", "towns", "selection", "projects", "funding", "assessment", "core", "auditlog")


def demo_models():
    return [
        model
        for label in DEMO_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def provision_demo_second_factor() -> list[str]:
    """The demo users of TWO_FACTOR_ROLES, each given DEMO_BACKUP_CODES (a TOTP device bound in the demo stays)."""
    provisioned = []
    for username, role, *_ in DEMO_USERS:
        user = user_by_username(username)
        if user is not None and role in TWO_FACTOR_ROLES:
            issue_backup_codes(user, codes=DEMO_BACKUP_CODES)
            provisioned.append(username)
    return provisioned


class Command(BaseCommand):
    help = (
        "在真实的吉林省乡镇上载入演示数据：满足 R1 全部最低名额的认定、候选镇评选、建设项目与资金、"
        "2024–2025 年度评价，以及每个角色一个演示账号。可重复运行，不会重复生成。"
    )

    def handle(self, *args, **options):
        try:
            result = load_demo()
            demo_round = load_demo_selection()
            with transaction.atomic():  # projects and their funding, or neither
                projects = load_demo_projects()
                if projects:
                    load_demo_funding()
            years = load_demo_assessments()
            second_factor_users = provision_demo_second_factor()
            analyze_tables(*demo_models())
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if result.skipped_designations:
            self.stdout.write("已有认定数据，未重复生成演示认定。")
        else:
            self.stdout.write(self.style.SUCCESS(f"生成演示认定 {result.created_designations} 条。"))
        if demo_round is not None:
            self.stdout.write(
                f"演示评选批次“{demo_round.name}”：农安县草稿 1 件、待长春市审核 1 件、待省级审定 1 件。"
            )
        if projects:
            year = timezone.localdate().year
            self.stdout.write(
                f"生成演示建设项目 {projects} 个（含进度报送、{year}年新增债务限额与资金安排）。"
            )
        if years:
            self.stdout.write(
                f"生成并发布 {'、'.join(map(str, years))} 年度评价（淘汰 {Elimination.objects.filter(status=ResultStatus.PUBLISHED).count()} 个并递补，2025 年度更正后重新发布）。"
            )

        province, cities, counties = quota_report(user_by_username("demo_admin"))
        counts = {line.tier: line.count for line in province.lines}
        self.stdout.write(
            f"全省有效认定：省级 {counts['provincial']}，市级 {counts['city']}，县级 {counts['county']}；"
            f"未达标的市（州）{sum(not q.met for q in cities)} 个，县（市、区）{sum(not q.met for q in counties)} 个。"
        )
        self.stdout.write("演示账号（密码均为 " + DEMO_PASSWORD + "）：")
        for username, role, region, organization in DEMO_USERS:
            where = f"，地区 {region}" if region else ""
            self.stdout.write(f"  {username:<14} {role.label}（{organization}{where}）")
        self.stdout.write(f"demo_partner 的 API 令牌：{result.partner_token}")
        if second_factor_users:
            self.stdout.write(
                f"{'、'.join(second_factor_users)} 须使用双因素认证：输入密码后，在第二步输入以下备用码之一"
                "（每个只能使用一次，重新运行 load_demo 即恢复）："
            )
            self.stdout.write("  " + " ".join(DEMO_BACKUP_CODES))
