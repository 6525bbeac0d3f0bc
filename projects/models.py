"""Task areas (R4), construction projects (R5) and their progress reports (月/季 调度)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, Case, F, OuterRef, Q, Subquery, Value, When

from core.models import TimeStampedModel, money_field, year_validators

from .choices import BondType, PeriodType, ProjectStatus
from .rules import KEY_SUPPORT_THRESHOLD, approval_recorded


class TaskArea(models.Model):
    """One of the 15 task areas (T01–T15) in 5 groups; rows come from a data migration."""

    code = models.CharField("代码", max_length=3, primary_key=True)
    name = models.CharField("名称", max_length=40)
    group = models.PositiveSmallIntegerField("任务组")
    group_name = models.CharField("任务组名称", max_length=20)

    class Meta:
        verbose_name = "任务领域"
        verbose_name_plural = "任务领域"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class ProjectQuerySet(models.QuerySet):
    def with_flags(self):
        """Annotate town_tier (the town's active tier), key_support and bond_type in SQL, mirroring
        projects.rules (R5); tests/projects/test_flags.py holds the two to the same answers."""
        from towns.models import Designation

        active_tier = Designation.objects.filter(town=OuterRef("town_id"), to_year__isnull=True).values(
            "tier"
        )[:1]
        return self.annotate(
            town_tier=Subquery(active_tier),
            key_support=Case(
                When(
                    Q(town_tier="provincial", public_welfare=True, investment__gt=KEY_SUPPORT_THRESHOLD),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
            bond_type=Case(
                When(Q(public_welfare=True, annual_revenue=0), then=Value(BondType.GENERAL.value)),
                When(
                    Q(
                        public_welfare=True,
                        special_bond_field=True,
                        annual_revenue__gte=F("annual_debt_service"),
                    ),
                    then=Value(BondType.SPECIAL.value),
                ),
                default=Value(BondType.NONE.value),
                output_field=models.CharField(),
            ),
        )


class Project(TimeStampedModel):
    """A construction project of a demonstration town (R5)."""

    town = models.ForeignKey(
        "towns.Town", verbose_name="镇", on_delete=models.PROTECT, related_name="projects"
    )
    task_area = models.ForeignKey(
        TaskArea, verbose_name="任务领域", on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField("项目名称", max_length=200)
    public_welfare = models.BooleanField("公益性项目", default=False)
    special_bond_field = models.BooleanField(
        "属于专项债券投向领域", default=False, help_text="由县（市、区）申报"
    )
    investment = money_field("总投资（万元）")
    annual_revenue = money_field("预期年收益（万元）", default=Decimal("0"))
    annual_debt_service = money_field("年还本付息（万元）", default=Decimal("0"))
    start_year = models.PositiveSmallIntegerField("开工年度", validators=year_validators)
    end_year = models.PositiveSmallIntegerField("完工年度", validators=year_validators)
    status = models.CharField(
        "状态", max_length=24, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED, db_index=True
    )
    planning_approval_date = models.DateField("规划批复日期", null=True, blank=True)
    planning_approval_doc_no = models.CharField("规划批复文号", max_length=100, blank=True)
    design_approval_date = models.DateField("设计批复日期", null=True, blank=True)
    design_approval_doc_no = models.CharField("设计批复文号", max_length=100, blank=True)

    # The latest report's figures (R5: the project's figures follow from its reports).
    completed_investment = money_field("累计完成投资（万元）", default=Decimal("0"))
    percent_complete = models.DecimalField(
        "形象进度（%）", max_digits=5, decimal_places=2, default=Decimal("0")
    )
    last_reported_period = models.CharField("最近报送周期", max_length=16, blank=True)
    completion_note = models.CharField(
        "完工说明",
        max_length=500,
        blank=True,
        help_text="最近一期进度报送未达 100% 即转为已完工时须填写的说明",
    )
    version = models.PositiveIntegerField(
        "版本", default=1, help_text="每次修改项目信息或变更状态加 1；整表修改时据此发现他人已作的修改"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProjectQuerySet.as_manager()

    scope_lookups = {"city": "town__city_id", "county": "town__county_id"}

    class Meta:
        verbose_name = "建设项目"
        verbose_name_plural = "建设项目"
        ordering = ["town_id", "task_area_id", "id"]
        # The API's order and the project list's default sort (by town) alike.
        indexes = [models.Index(fields=["town", "task_area", "id"], name="project_town_task_area")]
        constraints = [
            models.CheckConstraint(name="project_years_ordered", condition=Q(end_year__gte=F("start_year"))),
            models.CheckConstraint(
                name="project_money_in_range",
                condition=Q(investment__gte=0, annual_revenue__gte=0, annual_debt_service__gte=0),
            ),
            models.CheckConstraint(name="project_status_valid", condition=Q(status__in=ProjectStatus.values)),
        ]

    def __str__(self):
        return self.name

    @property
    def has_planning_approval(self):
        return approval_recorded(self.planning_approval_date, self.planning_approval_doc_no)

    @property
    def has_design_approval(self):
        return approval_recorded(self.design_approval_date, self.design_approval_doc_no)


class ProgressReport(TimeStampedModel):
    """A project's progress for one month or quarter: cumulative figures, never going backwards."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.PROTECT, related_name="reports"
    )
    period_type = models.CharField("报送周期", max_length=8, choices=PeriodType.choices)
    year = models.PositiveSmallIntegerField("年度", validators=year_validators)
    number = models.PositiveSmallIntegerField(
        "月份或季度", validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    period_end = models.DateField("周期截止日")
    cumulative_investment = money_field("累计完成投资（万元）")
    percent_complete = models.DecimalField(
        "形象进度（%）",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    narrative = models.TextField("进展情况", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups = {"city": "project__town__city_id", "county": "project__town__county_id"}

    class Meta:
        verbose_name = "进度报送"
        verbose_name_plural = "进度报送"
        ordering = ["project_id", "-period_end", "-id"]
        indexes = [
            # The API's order (Meta.ordering), then the report list's default: the latest period first.
            models.Index("project", F("period_end").desc(), F("id").desc(), name="report_project_latest"),
            models.Index(
                F("period_end").desc(),
                F("number").desc(),
                "project",
                F("id").desc(),
                name="report_latest_first",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period_type", "year", "number"],
                name="one_report_per_project_and_period",
                violation_error_message="该项目本期已报送过进度。",
            ),
        ]

    def __str__(self):
        return f"{self.project} {self.period_label}"

    @property
    def period_label(self):
        from .rules import period

        return period(self.period_type, self.year, self.number).label
