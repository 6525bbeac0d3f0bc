from django.core.management.base import BaseCommand, CommandError

from assessment.services import record_veto
from core.audit import audit_context
from core.errors import DomainError
from towns.models import Town


class Command(BaseCommand):
    help = "登记一票否决：python manage.py record_veto TOWN_CODE --year YEAR --reason TEXT [--doc-no 文号]"

    def add_arguments(self, parser):
        parser.add_argument("town_code")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--reason", required=True)
        parser.add_argument("--doc-no", default="", help="证明文件的文号")

    def handle(self, *args, **options):
        town = Town.objects.filter(code=options["town_code"].strip()).first()
        if town is None:
            raise CommandError(f"区划代码 {options['town_code']} 不存在。")
        try:
            with audit_context(via="command"):
                veto = record_veto(
                    None, year=options["year"], town=town, reason=options["reason"], doc_no=options["doc_no"]
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(f"已登记 {town.name} {options['year']} 年一票否决：{veto.reason}")
        )
