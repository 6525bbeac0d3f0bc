"""Annual assessment (R7–R9): indicator systems, rounds, scores, vetoes, results, notices, eliminations."""

import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from core.choices import JobState as TrackedJobState
from core.formats import points
from core.models import TimeStampedModel, year_validators
from towns.rules import TIER_DISPLAY_ORDER

from .choices import (  # noqa: F401 - the vocabularies are importable from the models too
    ChangeCause,
    ChangeEffect,
    Grade,
    JobState,
    NoticeKind,
    ResultStatus,
    RoundState,
    TalkStatus,
)

POINTS = {"max_digits": 6, "decimal_places": 2}


class IndicatorSystem(TimeStampedModel):
    """The indicator system (评价指标体系) of one year; maximum points sum to 100 (R7)."""

    year = models.PositiveSmallIntegerField("年度", unique=True, validators=year_validators)
    name = models.CharField("名称", max_length=100)
    copied_from = models.ForeignKey(
        "self", verbose_name="复制自", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "评价指标体系"
        verbose_name_plural = "评价指标体系"
        ordering = ["-year"]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    system = models.ForeignKey(
        IndicatorSystem, verbose_name="指标体系", on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField("指标代码", max_length=16)
    name = models.CharField("指标名称", max_length=100)
    task_area = models.ForeignKey(
        "projects.TaskArea", verbose_name="任务领域", on_delete=models.PROTECT, related_name="+"
    )
    max_points = models.DecimalField(
        "满分", validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))], **POINTS
    )

    class Meta:
        verbose_name = "评价指标"
        verbose_name_plural = "评价指标"
        ordering = ["system_id", "task_area_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="indicator_code_unique_in_system")
        ]

    def __str__(self):
        return f"{self.code} {self.name}（{points(self.max_points)} 分）"


class AssessmentRound(TimeStampedModel):
    """One year's assessment with its settings, state and the progress of its job (R7–R9)."""

    year = models.PositiveSmallIntegerField("年度", unique=True, validators=year_validators)
    system = models.OneToOneField(
        IndicatorSystem, verbose_name="指标体系", on_delete=models.PROTECT, related_name="round"
    )
    excellent_threshold = models.DecimalField("优秀分数线", default=Decimal("90"), **POINTS)
    good_threshold = models.DecimalField("良好分数线", default=Decimal("80"), **POINTS)
    pass_threshold = models.DecimalField("合格分数线", default=Decimal("60"), **POINTS)
    top_count = models.PositiveSmallIntegerField(
        "表扬名额（前 N 名）", default=5, validators=[MinValueValidator(1)]
    )
    bottom_count = models.PositiveSmallIntegerField(
        "批评名额（后 N 名）", default=5, validators=[MinValueValidator(1)]
    )
    version = models.PositiveIntegerField(
        "设置版本",
        default=1,
        help_text="每次修改年度设置加 1；修改设置时据此发现他人已作的修改（ETag / If-Match）",
    )
    state = models.CharField("状态", max_length=16, choices=RoundState.choices, default=RoundState.OPEN)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    doc_prefix = models.CharField("发文字号前缀", max_length=40, blank=True)
    reopened_reason = models.CharField("重新开放原因", max_length=300, blank=True)

    # The round's current run: a tracked job of kind assessment.run (core.jobs), with its state, progress,
    # lease and outcome. Earlier runs stay listed in 我的任务; a reopened round has none until it runs again.
    job = models.ForeignKey(
        "core.Job",
        verbose_name="计算任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="计算发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    run_confirmed_incomplete = models.BooleanField("经确认后在评分不完整时计算", default=False)
    run_confirmation = models.CharField("计算确认说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "年度评价"
        verbose_name_plural = "年度评价"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="round_thresholds_ordered",
                condition=Q(excellent_threshold__gte=models.F("good_threshold"))
                & Q(good_threshold__gte=models.F("pass_threshold")),
            ),
            models.CheckConstraint(name="round_state_valid", condition=Q(state__in=RoundState.values)),
        ]

    def __str__(self):
        return f"{self.year}年度示范镇评价"

    @property
    def is_frozen(self):
        return self.state == RoundState.PUBLISHED

    # The run as the round has always shown it (API fields job_state, job_progress …), read from its job as
    # stored; selectors.effective_job adds what the lease says of a dead worker.

    @property
    def job_state(self):
        if self.job is None:
            return JobState.IDLE
        # A run is never cancellable (it writes); a cancelled job would be a failed run.
        return self.job.state if self.job.state in JobState.values else JobState.FAILED

    def get_job_state_display(self):
        return JobState(self.job_state).label

    @property
    def job_progress(self):
        return 0 if self.job is None else self.job.progress

    @property
    def job_message(self):
        """The job's message; for a failed run its reason."""
        if self.job is None:
            return ""
        if self.job.state in (TrackedJobState.FAILED, TrackedJobState.CANCELLED) and self.job.error:
            return self.job.error
        return self.job.message

    @property
    def job_started_at(self):
        """When the run was started (queued)."""
        return None if self.job is None else self.job.created_at

    @property
    def job_finished_at(self):
        return None if self.job is None else self.job.finished_at


class Score(TimeStampedModel):
    """Points of one town on one indicator in one year (0 … the indicator's maximum)."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name="年度评价", on_delete=models.CASCADE, related_name="scores"
    )
    town = models.ForeignKey("towns.Town", verbose_name="镇", on_delete=models.PROTECT, related_name="scores")
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="scores"
    )
    points = models.DecimalField("得分", validators=[MinValueValidator(Decimal("0"))], **POINTS)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups = {"city": "town__city_id", "county": "town__county_id"}

    class Meta:
        verbose_name = "评价得分"
        verbose_name_plural = "评价得分"
        ordering = ["round_id", "town_id", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "town", "indicator"], name="one_score_per_town_and_indicator"
            ),
            models.CheckConstraint(name="score_points_not_negative", condition=Q(points__gte=0)),
        ]

    def __str__(self):
        return f"{self.town} {self.indicator.code} {points(self.points)} 分"


def veto_document_path(instance, filename):
    # A generated name: the user's file name never becomes a path (core.files; issue 12). The suffix is the
    # checked file type's, never read from what the user typed.
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in VETO_DOCUMENT_SUFFIXES:
        suffix = ""
    return f"vetoes/{timezone.now():%Y}/{uuid.uuid4().hex}{suffix}"


VETO_DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx")


class Veto(TimeStampedModel):
    """一票否决: the town gets 不合格 and ranks below every town without a veto (R7)."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name="年度评价", on_delete=models.CASCADE, related_name="vetoes"
    )
    town = models.ForeignKey("towns.Town", verbose_name="镇", on_delete=models.PROTECT, related_name="vetoes")
    reason = models.CharField("否决事项", max_length=300)
    doc_no = models.CharField("证明文件文号", max_length=100, blank=True)
    document = models.FileField("证明文件", upload_to=veto_document_path, blank=True, max_length=255)
    document_name = models.CharField("证明文件原文件名", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups = {"city": "town__city_id", "county": "town__county_id"}

    class Meta:
        verbose_name = "一票否决"
        verbose_name_plural = "一票否决"
        ordering = ["round_id", "town_id", "id"]

    def __str__(self):
        return f"{self.town}：{self.reason}"


CURRENT = ~Q(status=ResultStatus.SUPERSEDED)


class Result(models.Model):
    """A designated town's outcome for the year: composite score, grade, rank in its tier (R7, R8).

    A town without scores is not assessed (未评): no score, grade or rank, outside notices and eliminations.
    """

    round = models.ForeignKey(
        AssessmentRound, verbose_name="年度评价", on_delete=models.CASCADE, related_name="results"
    )
    town = models.ForeignKey(
        "towns.Town", verbose_name="镇", on_delete=models.PROTECT, related_name="results"
    )
    tier = models.CharField("层级", max_length=16)
    # Stored so that the rankings' ORDER BY (round, tier order, rank, town) is one index scan; PostgreSQL
    # computes it from the tier, so no writer (the job's set-based INSERT included) can get it wrong.
    tier_order = models.GeneratedField(
        verbose_name="层级顺序",
        expression=Case(
            *(When(tier=tier, then=Value(position)) for tier, position in TIER_DISPLAY_ORDER.items()),
            default=Value(len(TIER_DISPLAY_ORDER)),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    assessed = models.BooleanField("已评", default=True)
    score = models.DecimalField("综合得分", null=True, blank=True, **POINTS)
    grade = models.CharField("等次", max_length=16, blank=True)
    rank = models.PositiveIntegerField("层级内排名", null=True, blank=True)
    vetoed = models.BooleanField("一票否决", default=False)
    incomplete = models.BooleanField("评分不完整", default=False)
    exempt = models.BooleanField("免评", default=False)
    status = models.CharField(
        "状态", max_length=16, choices=ResultStatus.choices, default=ResultStatus.PROPOSED
    )

    scope_lookups = {"city": "town__city_id", "county": "town__county_id"}

    class Meta:
        verbose_name = "评价结果"
        verbose_name_plural = "评价结果"
        ordering = ["round_id", "tier_order", "rank", "town_id"]
        constraints = [
            # One draft and one published result per town and year; superseded ones are kept for the
            # notices that listed them.
            models.UniqueConstraint(
                fields=["round", "town", "status"], condition=CURRENT, name="one_result_per_town_year_status"
            )
        ]
        indexes = [models.Index(fields=["round", "tier_order", "rank", "town"], name="result_ranking")]

    def __str__(self):
        return self.label_of(str(self.town), self.round.year, self.score)

    @staticmethod
    def label_of(town_name: str, year: int, score: object) -> str:
        """How a result reads (its __str__), from plain values: the job audits its rows without instances."""
        return f"{town_name} {year}年度 {points(score)} 分"


class Notice(models.Model):
    """A notice (通报) of praise or criticism with its towns; a document number once published (R8)."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name="年度评价", on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField("类别", max_length=16, choices=NoticeKind.choices)
    doc_no = models.CharField("文号", max_length=100, null=True, blank=True, unique=True)
    date = models.DateField("成文日期", null=True, blank=True, help_text="发布时设定，默认发布当日")
    status = models.CharField(
        "状态", max_length=16, choices=ResultStatus.choices, default=ResultStatus.PROPOSED
    )
    results = models.ManyToManyField(Result, verbose_name="镇", related_name="notices")
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="被以下通报替代",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    publication = models.ForeignKey(
        "Publication",
        verbose_name="发布批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["round_id", "kind", "id"]
        constraints = [
            # One draft and one notice in force per kind and year; superseded notices are kept forever.
            models.UniqueConstraint(
                fields=["round", "kind", "status"], condition=CURRENT, name="one_notice_per_kind_year_status"
            ),
            models.CheckConstraint(
                name="published_notice_has_number",
                condition=Q(status=ResultStatus.PROPOSED) | Q(doc_no__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.round.year}年度{self.get_kind_display()}"


class Elimination(models.Model):
    """A provincial town eliminated (淘汰) after two years in the bottom N, and its substitute (递补) (R9)."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name="年度评价", on_delete=models.CASCADE, related_name="eliminations"
    )
    town = models.ForeignKey(
        "towns.Town", verbose_name="淘汰的镇", on_delete=models.PROTECT, related_name="+"
    )
    substitute = models.ForeignKey(
        "towns.Town",
        verbose_name="递补的镇",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    substitute_tier = models.CharField("递补镇原层级", max_length=16, blank=True)
    substitute_score = models.DecimalField("递补镇得分", null=True, blank=True, **POINTS)
    same_city = models.BooleanField("同市递补", default=False)
    status = models.CharField(
        "状态", max_length=16, choices=ResultStatus.choices, default=ResultStatus.PROPOSED
    )

    scope_lookups = {"city": "town__city_id", "county": "town__county_id"}

    class Meta:
        verbose_name = "淘汰与递补"
        verbose_name_plural = "淘汰与递补"
        ordering = ["round_id", "town_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "town", "status"],
                condition=CURRENT,
                name="one_elimination_per_town_year_status",
            )
        ]

    def __str__(self):
        return f"{self.round.year} 淘汰 {self.town}"


class TalkFollowUp(TimeStampedModel):
    """约谈: the criticised town's responsible persons are called in; tracked until held (R8)."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name="年度评价", on_delete=models.CASCADE, related_name="talks"
    )
    town = models.ForeignKey("towns.Town", verbose_name="镇", on_delete=models.PROTECT, related_name="talks")
    status = models.CharField("状态", max_length=16, choices=TalkStatus.choices, default=TalkStatus.PENDING)
    held_on = models.DateField("约谈日期", null=True, blank=True)
    note = models.TextField("约谈情况", blank=True)
    due_on = models.DateField(
        "约谈期限",
        null=True,
        blank=True,
        help_text="发布时按 TALK_DUE_DAYS（默认 30 天）确定；逾期仍待约谈的，提醒所在市（州）和县（市、区）",
    )

    scope_lookups = {"city": "town__city_id", "county": "town__county_id"}

    class Meta:
        verbose_name = "约谈"
        verbose_name_plural = "约谈"
        ordering = ["round_id", "status", "town_id"]
        constraints = [models.UniqueConstraint(fields=["round", "town"], name="one_talk_per_town_and_year")]

    def __str__(self):
        return f"{self.round.year} 约谈 {self.town}"


class Exemption(TimeStampedModel):
    """免评: a designated town left out of the year's assessment, with the reason and the document (R7)."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name="年度评价", on_delete=models.CASCADE, related_name="exemptions"
    )
    town = models.ForeignKey(
        "towns.Town", verbose_name="镇", on_delete=models.PROTECT, related_name="exemptions"
    )
    reason = models.CharField("免评原因", max_length=300)
    doc_no = models.CharField("文号", max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups = {"city": "town__city_id", "county": "town__county_id"}

    class Meta:
        verbose_name = "免评"
        verbose_name_plural = "免评"
        ordering = ["round_id", "town_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "town"], name="one_exemption_per_town_and_year"),
            models.CheckConstraint(
                name="exemption_has_reason_and_number", condition=~Q(reason="") & ~Q(doc_no="")
            ),
        ]

    def __str__(self):
        return f"{self.round.year} 免评 {self.town}"


class Publication(models.Model):
    """One publication of a year's results: the first, or a correction after the year was reopened (R9)."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name="年度评价", on_delete=models.CASCADE, related_name="publications"
    )
    number = models.PositiveSmallIntegerField("第几次发布")
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    doc_prefix = models.CharField("发文字号前缀", max_length=40)
    correction_doc_no = models.CharField(
        "更正文号", max_length=100, blank=True, help_text="更正发布改变认定时的更正通知文号"
    )
    reason = models.CharField("更正原因", max_length=300, blank=True)
    summary = models.CharField("变更摘要", max_length=500, blank=True)
    # What the notices it issues show (R8, GB/T 9704-2012), set at publication (rules.NoticeParameters);
    # a notice it leaves unchanged keeps the parameters of the publication that issued it.
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    signed_on = models.DateField("成文日期", null=True, blank=True)
    recipients = models.CharField("主送机关", max_length=300, blank=True)
    copied_to = models.CharField("抄送机关", max_length=500, blank=True)
    printer = models.CharField("印发机关", max_length=100, blank=True)
    printed_on = models.DateField("印发日期", null=True, blank=True)

    class Meta:
        verbose_name = "评价结果发布记录"
        verbose_name_plural = "评价结果发布记录"
        ordering = ["round_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="one_publication_per_number"),
        ]

    def __str__(self):
        return f"{self.round.year}年度第 {self.number} 次发布"

    @property
    def is_correction(self):
        return self.number > 1


class PublicationChange(models.Model):
    """A designation a publication began or ended, and why: the ledger a correction reconciles against and
    the reason a year's assessment never reads its own publication's changes (issue 8, points 1–2)."""

    publication = models.ForeignKey(
        Publication, verbose_name="发布记录", on_delete=models.CASCADE, related_name="changes"
    )
    town = models.ForeignKey("towns.Town", verbose_name="镇", on_delete=models.PROTECT, related_name="+")
    designation = models.ForeignKey(
        "towns.Designation", verbose_name="认定", on_delete=models.PROTECT, related_name="+"
    )
    effect = models.CharField("变更", max_length=8, choices=ChangeEffect.choices)
    cause = models.CharField("原因", max_length=24, choices=ChangeCause.choices)
    doc_no = models.CharField("文号", max_length=100)

    scope_lookups = {"city": "town__city_id", "county": "town__county_id"}

    class Meta:
        verbose_name = "认定变更记录"
        verbose_name_plural = "认定变更记录"
        ordering = ["publication_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["designation", "effect"], name="one_change_per_designation_and_effect"
            ),
        ]

    def __str__(self):
        return f"{self.publication}：{self.town} {self.get_cause_display()}"
