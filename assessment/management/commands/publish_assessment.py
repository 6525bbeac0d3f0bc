from django.core.management.base import BaseCommand, CommandError

from assessment.services import publish
from core.audit import audit_context
from core.errors import DomainError


class Command(BaseCommand):
    help = "发布年度评价结果：python manage.py publish_assessment --year YEAR --doc-prefix 吉示范镇办"

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--doc-prefix", required=True, help="发文字号前缀，如 吉示范镇办")

    def handle(self, *args, **options):
        try:
            with audit_context(via="command"):
                assessment_round = publish(None, year=options["year"], doc_prefix=options["doc_prefix"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        publication = assessment_round.publications.order_by("-number").first()
        if publication.is_correction:
            self.stdout.write(f"第 {publication.number} 次发布（更正）：{publication.summary}")
            if publication.correction_doc_no:
                self.stdout.write(f"更正通知：{publication.correction_doc_no}")
        for notice in assessment_round.notices.filter(status="published"):
            self.stdout.write(
                f"{notice.get_kind_display()}：{notice.doc_no}（{notice.results.count()} 个镇）"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{assessment_round.year}年度评价已发布：淘汰 "
                f"{assessment_round.eliminations.filter(status='published').count()} 个，"
                f"约谈 {assessment_round.talks.exclude(status='cancelled').count()} 个；结果已冻结。"
            )
        )
