import time

from django.core.management.base import BaseCommand, CommandError

from assessment.models import AssessmentRound, JobState, NoticeKind
from assessment.services import start_assessment
from core.audit import audit_context
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "运行年度评价计算（与页面、API 启动的是同一个后台任务，列入后台任务列表）。--wait 等待完成并打印摘要。"
        "同时启动两次只运行一次；再次运行替换本年度的待发布结果。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--wait", action="store_true", help="等待任务完成并打印摘要")
        parser.add_argument("--timeout", type=int, default=600, help="--wait 最长等待秒数")
        parser.add_argument(
            "--confirm-incomplete",
            action="store_true",
            help="确认在部分镇评分不完整或未录入得分的情况下计算（记录在本次计算上）",
        )

    def handle(self, *args, **options):
        try:
            with audit_context(via="command"):
                assessment_round, started = start_assessment(
                    None, year=options["year"], confirm_incomplete=options["confirm_incomplete"]
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{options['year']}年度评价计算已{'提交' if started else '在进行中，未重复提交'}。")
        if not options["wait"]:
            return
        deadline = time.monotonic() + options["timeout"]
        while True:
            assessment_round = AssessmentRound.objects.select_related("job").get(pk=assessment_round.pk)
            if assessment_round.job_state in (JobState.DONE, JobState.FAILED):
                break
            if time.monotonic() > deadline:
                raise CommandError(
                    f"等待超时（{options['timeout']} 秒），任务仍在{assessment_round.get_job_state_display()}。"
                )
            self.stdout.write(f"  {assessment_round.job_progress}% {assessment_round.job_message}")
            time.sleep(1)
        if assessment_round.job_state == JobState.FAILED:
            raise CommandError(assessment_round.job_message)
        results = assessment_round.results.filter(status="proposed")
        notices = {n.kind: n.results.count() for n in assessment_round.notices.filter(status="proposed")}
        self.stdout.write(self.style.SUCCESS(assessment_round.job_message))
        self.stdout.write(
            f"参评 {results.filter(assessed=True).count()} 个，未评 {results.filter(assessed=False).count()} 个；"
            f"拟表扬 {notices.get(NoticeKind.PRAISE, 0)} 个，拟批评 {notices.get(NoticeKind.CRITICISM, 0)} 个，"
            f"拟淘汰 {assessment_round.eliminations.filter(status='proposed').count()} 个（递补 "
            f"{assessment_round.eliminations.filter(status='proposed', substitute__isnull=False).count()} 个）。"
        )
