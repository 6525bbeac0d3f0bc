"""New-debt quotas and allocations of funding to projects (R6)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core.formats import money
from core.models import TimeStampedModel, money_field, year_validators

from .choices import FundingSource


class DebtQuota(TimeStampedModel):
    """A county's (or city's) yearly new-debt quota (新增债务限额), general and special bonds.

    A county's quota is drawn by bond allocations to the projects of its towns, except city-level towns; a
    city's own quota (市本级) by those to the projects of its city-level towns (市级示范镇) and by nothing else
    (funding.rules.quota_region_code)."""

    region = models.ForeignKey(
        "towns.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="debt_quotas"
    )
    year = models.PositiveSmallIntegerField("年度", validators=year_validators)
    general_amount = money_field("新增一般债务限额（万元）", default=Decimal("0"))
    special_amount = money_field("新增专项债务限额（万元）", default=Decimal("0"))
    version = models.PositiveIntegerField(
        "版本", default=1, help_text="每次调整限额加 1；据此发现他人已作的调整"
    )

    scope_lookups = {"city": "region__code__startswith", "county": "region_id"}

    class Meta:
        verbose_name = "新增债务限额"
        verbose_name_plural = "新增债务限额"
        ordering = ["-year", "region_id"]
        # The API's order and the quota list's default (latest year first, region and id breaking ties).
        indexes = [models.Index(F("year").desc(), "region", "id", name="quota_latest_first")]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="one_quota_per_region_and_year",
                violation_error_message="该地区该年度已有限额。",
            ),
            models.CheckConstraint(
                name="quota_amounts_not_negative", condition=Q(general_amount__gte=0, special_amount__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.year}年新增债务限额"

    def amount_for(self, kind):
        return self.general_amount if kind == "general" else self.special_amount


class Allocation(TimeStampedModel):
    """A sum from one funding source to a project for a year (R6)."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="allocations"
    )
    source = models.CharField("资金来源", max_length=32, choices=FundingSource.choices)
    amount = money_field("金额（万元）")
    year = models.PositiveSmallIntegerField("年度", validators=year_validators)
    quota = models.ForeignKey(
        DebtQuota,
        verbose_name="占用限额",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
        help_text="债券资金占用的当年新增债务限额：市级示范镇的项目占用所在市（州）本级的限额，其他项目占用所在县（市、区）的限额",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="安排人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups = {"city": "project__town__city_id", "county": "project__town__county_id"}

    class Meta:
        verbose_name = "资金安排"
        verbose_name_plural = "资金安排"
        ordering = ["-year", "project_id", "id"]
        # The API's order and the allocation list's default alike.
        indexes = [models.Index(F("year").desc(), "project", "id", name="allocation_latest_first")]
        constraints = [
            models.CheckConstraint(name="allocation_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="allocation_source_valid", condition=Q(source__in=FundingSource.values)
            ),
        ]

    def __str__(self):
        return f"{self.project} {self.get_source_display()} {money(self.amount)} 万元"
