"""`python manage.py verify_audit`: walk the audit chain (ADR 13); exit 1 naming the first broken link."""

import sys

from django.core.management.base import BaseCommand

from core.audit_chain import verify


class Command(BaseCommand):
    help = "校验审计记录的哈希链：报告第一处断裂（表、ID、时间、预期与实际），完整时返回 0。"

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, **options):
        result = verify(options["database"])
        if not result.ok:
            self.stderr.write(result.broken.message())
            sys.exit(1)
        self.stdout.write(f"审计记录完整：共 {result.count} 条（链尾哈希 {result.head_hash}）")
