"""`python manage.py verify_audit`: walk the audit chain (ADR 13); exit 1 naming the first broken link."""

import argparse
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from core.audit_chain import verify


class Command(BaseCommand):
    help = "校验审计记录的哈希链：报告第一处断裂（表、ID、时间、预期与实际），完整时返回 0。"

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")
        # restore runs this against the restored database and records RESTORED there.
        parser.add_argument("--record-restore", dest="record_restore", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["record_restore"]:
            from .restore import record_restored

            self.stdout.write(record_restored(Path(options["record_restore"])))
            return
        result = verify(options["database"])
        if not result.ok:
            self.stderr.write(result.broken.message())
            sys.exit(1)
        self.stdout.write(f"审计记录完整：共 {result.count} 条（链尾哈希 {result.head_hash}）")
