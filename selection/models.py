"""Candidate selection (R3): rounds, submissions, their documents and their workflow.

The tables keep their names from the time selection lived in towns (towns_selectionround, towns_submission,
towns_submissiondocument, towns_submissionevent): the models moved, the data did not.
"""

import json
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from core.formats import chinese_datetime
from core.models import TimeStampedModel, money_validators
from core.vocabulary import label
from core.years import YEAR_MAX, YEAR_MIN
from towns.choices import Tier
from towns.models import Designation, Town

from .choices import DocumentKind, PriorityFactor, SubmissionAction, SubmissionStatus


class SelectionRound(TimeStampedModel):
    """A call for candidates (R3) for some tiers, open until its deadline (inclusive, Beijing time)."""

    name = models.CharField("名称", max_length=120, unique=True)
    tiers = models.JSONField("评选层级", default=list, help_text="provincial / city / county 中的一个或多个")
    deadline = models.DateField("申报截止日期")
    year = models.PositiveSmallIntegerField(
        "认定年度",
        validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)],
        help_text="入选后认定的起始年度",
    )
    version = models.PositiveIntegerField(
        "版本", default=1, help_text="每次修改加 1；修改时据此发现他人已作的修改（ETag / If-Match）"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        db_table = "towns_selectionround"
        verbose_name = "评选批次"
        verbose_name_plural = "评选批次"
        ordering = ["-deadline", "-id"]

    def __str__(self):
        return self.name

    @staticmethod
    def _tiers_text(recorded):
        """The audit log's record of tiers (JSON text of tier values) as a reader reads it: 省级、市级."""
        try:
            tiers = json.loads(recorded)
        except ValueError:
            return recorded
        if not isinstance(tiers, list):
            return recorded
        return "、".join(label(Tier, tier) for tier in tiers) or "—"

    # core.audit_display: fields whose recorded text needs the model's own reading.
    audit_display = {"tiers": _tiers_text}

    def is_open(self, today=None):
        return (today or timezone.localdate()) <= self.deadline

    @property
    def tier_labels(self):
        return "、".join(Tier(tier).label for tier in self.tiers if tier in Tier.values)


class SubmissionQuerySet(models.QuerySet):
    def with_town(self):
        return self.select_related("round", "town", "town__county", "town__city")


class Submission(TimeStampedModel):
    """A county's candidate town for a round, with its basic information, documents and workflow (R3)."""

    round = models.ForeignKey(
        SelectionRound, verbose_name="评选批次", on_delete=models.PROTECT, related_name="submissions"
    )
    town = models.ForeignKey(
        Town, verbose_name="候选镇", on_delete=models.PROTECT, related_name="submissions"
    )
    tier = models.CharField("申报层级", max_length=16, choices=Tier.choices)
    status = models.CharField(
        "状态", max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(
        "版本", default=1, help_text="每次修改加 1；修改时据此发现他人已作的修改（ETag / If-Match）"
    )

    registered_population = models.PositiveIntegerField(
        "户籍人口（人）", null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    resident_population = models.PositiveIntegerField(
        "常住人口（人）", null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    area_km2 = models.DecimalField(
        "面积（平方公里）",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100000"))],
    )
    gdp = models.DecimalField(
        "地区生产总值（万元）",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=money_validators,
    )
    fiscal_revenue = models.DecimalField(
        "一般公共预算收入（万元）",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=money_validators,
    )
    characteristic_industry = models.CharField("特色产业（一镇一业）", max_length=100, blank=True)
    industrial_park = models.CharField(
        "产业园区", max_length=100, blank=True, help_text="园区名称；没有则留空"
    )
    distance_to_county_km = models.DecimalField(
        "距县城（公里）",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("2000"))],
    )
    distance_to_city_km = models.DecimalField(
        "距最近城市（公里）",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("2000"))],
    )
    in_changchun_metro = models.BooleanField(PriorityFactor.IN_CHANGCHUN_METRO.label, default=False)
    near_other_city = models.BooleanField(PriorityFactor.NEAR_OTHER_CITY.label, default=False)
    key_assistance_county = models.BooleanField(PriorityFactor.KEY_ASSISTANCE_COUNTY.label, default=False)
    border_area = models.BooleanField(PriorityFactor.BORDER_AREA.label, default=False)
    spatial_plan_node = models.BooleanField(PriorityFactor.SPATIAL_PLAN_NODE.label, default=False)

    decision_doc_no = models.CharField("审定文号", max_length=100, blank=True)
    designation = models.OneToOneField(
        Designation,
        verbose_name="入选后的认定",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submission",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SubmissionQuerySet.as_manager()

    scope_lookups = {"city": "town__city_id", "county": "town__county_id"}

    PRIORITY_FACTORS = tuple(PriorityFactor.values)
    INFORMATION_FIELDS = (
        "registered_population",
        "resident_population",
        "area_km2",
        "gdp",
        "fiscal_revenue",
        "characteristic_industry",
        "distance_to_county_km",
        "distance_to_city_km",
    )

    class Meta:
        db_table = "towns_submission"
        verbose_name = "候选镇申报"
        verbose_name_plural = "候选镇申报"
        ordering = ["-round__deadline", "town_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "town"],
                name="one_submission_per_town_and_round",
                violation_error_message="该镇在本批次中已有申报。",
            ),
            models.CheckConstraint(name="submission_tier_valid", condition=Q(tier__in=Tier.values)),
            models.CheckConstraint(
                name="submission_status_valid", condition=Q(status__in=SubmissionStatus.values)
            ),
        ]

    def __str__(self):
        return f"{self.town}（{self.get_tier_display()}，{self.round}）"

    @property
    def priority_factor_labels(self):
        return [factor.label for factor in PriorityFactor if getattr(self, factor)]


def submission_document_path(instance, filename):
    # Random names: nothing in the path reveals the town, and two uploads never collide.
    suffix = PurePath(filename).suffix.lower()
    return f"submissions/{instance.submission.round_id}/{uuid.uuid4().hex}{suffix}"


class SubmissionDocument(TimeStampedModel):
    """One of the two plan documents of a submission; stored under MEDIA_ROOT, served only through scoped views."""

    submission = models.ForeignKey(
        Submission, verbose_name="申报", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField("材料类型", max_length=32, choices=DocumentKind.choices)
    file = models.FileField("文件", upload_to=submission_document_path, max_length=255)
    original_name = models.CharField("原文件名", max_length=255)
    file_type = models.CharField("文件格式", max_length=8)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups = {"city": "submission__town__city_id", "county": "submission__town__county_id"}

    class Meta:
        db_table = "towns_submissiondocument"
        verbose_name = "申报材料"
        verbose_name_plural = "申报材料"
        ordering = ["submission_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "kind"], name="one_document_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.original_name}"


class SubmissionEvent(models.Model):
    """Every workflow step of a submission — and every refused attempt — with who, when and a comment."""

    submission = models.ForeignKey(
        Submission, verbose_name="申报", on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField("操作", max_length=16, choices=SubmissionAction.choices)
    from_status = models.CharField("原状态", max_length=16, choices=SubmissionStatus.choices)
    to_status = models.CharField("新状态", max_length=16, choices=SubmissionStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_role = models.CharField(
        "操作人角色",
        max_length=32,
        choices=Role.choices,
        blank=True,
        help_text="记录时操作人的角色（之后改变角色不影响记录）；空为未知",
    )
    at = models.DateTimeField("时间", default=timezone.now)
    comment = models.TextField("意见", blank=True)
    doc_no = models.CharField("文号", max_length=100, blank=True)
    accepted = models.BooleanField("是否执行", default=True)
    refusal = models.CharField("拒绝原因", max_length=300, blank=True)

    scope_lookups = {"city": "submission__town__city_id", "county": "submission__town__county_id"}

    class Meta:
        db_table = "towns_submissionevent"
        verbose_name = "申报流转记录"
        verbose_name_plural = "申报流转记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()}（{chinese_datetime(self.at)}）"
