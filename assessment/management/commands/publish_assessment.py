from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from assessment import rules
from assessment.services import publish
from core.audit import audit_context
from core.errors import DomainError

PARAMETERS = ("issuer", "signed_on", "recipients", "copied_to", "printer", "printed_on")


def _date(name):
    def parse(text):
        try:
            return datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            raise CommandError(
                f"{rules.NOTICE_LABELS[name]}格式不正确：{text}（应为 YYYY-MM-DD，如 2025-01-20）。"
            ) from None

    return parse


class Command(BaseCommand):
    help = (
        "发布年度评价结果：python manage.py publish_assessment --year YEAR --doc-prefix 吉示范镇办"
        " [--issuer … --signed-on 2025-01-20 --recipients … --copied-to … --printer … --printed-on …]"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--doc-prefix", required=True, help="发文字号前缀，如 吉示范镇办")
        parser.add_argument("--issuer", help=f"发文机关（红头与署名），默认 {rules.DEFAULT_ISSUER}")
        parser.add_argument("--signed-on", type=_date("signed_on"), help="成文日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--recipients", help=f"主送机关，默认 {rules.DEFAULT_RECIPIENTS}")
        parser.add_argument(
            "--copied-to", help=f'抄送机关，以逗号分隔，"" 表示不抄送；默认 {rules.DEFAULT_COPIED_TO}'
        )
        parser.add_argument("--printer", help="印发机关，默认与发文机关相同")
        parser.add_argument(
            "--printed-on", type=_date("printed_on"), help="印发日期 YYYY-MM-DD，默认同成文日期"
        )

    def handle(self, *args, **options):
        parameters = {name: options[name] for name in PARAMETERS if options.get(name) is not None}
        try:
            with audit_context(via="command"):
                assessment_round = publish(
                    None, year=options["year"], doc_prefix=options["doc_prefix"], **parameters
                )
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
