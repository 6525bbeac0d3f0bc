"""Geography (province > city > county-level unit > township-level unit) and designations (R2)."""

from django.db import models
from django.db.models import F, FilteredRelation, Q

from core.indexes import OrderIndex
from core.models import TimeStampedModel, year_validators
from core.roles import RegionLevel

from .choices import Began, DevType, Ended, Tier, TownKind

# RegionLevel (core.roles) and TownKind (towns.choices) stay importable from here, as the models' vocabularies.
__all__ = ["Designation", "DesignationQuerySet", "Region", "RegionLevel", "Town", "TownKind", "TownQuerySet"]


class Region(models.Model):
    """A province, prefecture-level city or county-level unit, addressed by its official code."""

    code = models.CharField("区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=64)
    initials = models.CharField("拼音首字母", max_length=200, blank=True, db_index=True, editable=False)
    level = models.CharField("层级", max_length=16, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    scope_lookups = {"city": "code__startswith", "county": "code"}

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="region_parent_matches_level",
                condition=Q(level="province", parent__isnull=True)
                | Q(level__in=["city", "county"], parent__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name


class TownQuerySet(models.QuerySet):
    def towns_only(self):
        return self.filter(kind=TownKind.TOWN)

    def with_active_designation(self):
        """Annotate active_tier / active_since / active_doc_no (null when undesignated) with one LEFT JOIN."""
        return self.annotate(
            active=FilteredRelation("designations", condition=Q(designations__to_year__isnull=True)),
            active_tier=F("active__tier"),
            active_since=F("active__from_year"),
            active_doc_no=F("active__doc_no"),
        )


class Town(models.Model):
    """A township-level unit (镇/乡/街道…). Only a 镇 can be designated (R2)."""

    code = models.CharField("区划代码", max_length=9, primary_key=True)
    name = models.CharField("名称", max_length=64, db_index=True)
    initials = models.CharField("拼音首字母", max_length=200, blank=True, db_index=True, editable=False)
    kind = models.CharField("类别", max_length=16, choices=TownKind.choices, db_index=True)
    county = models.ForeignKey(
        Region, verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="towns"
    )
    city = models.ForeignKey(Region, verbose_name="市（州）", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Region, verbose_name="省", on_delete=models.PROTECT, related_name="+")
    dev_type = models.CharField("发展类型", max_length=32, choices=DevType.choices, blank=True)

    objects = TownQuerySet.as_manager()

    scope_lookups = {"city": "city_id", "county": "county_id"}

    class Meta:
        verbose_name = "乡镇"
        verbose_name_plural = "乡镇"
        ordering = ["code"]
        # The directory's sorts (towns.filtersets.TOWN_SORTS) read their order off these: by city, by county,
        # by name (pinyin initials), each with the code breaking ties. The default (code) is the primary key.
        indexes = [
            models.Index(fields=["city", "code"], name="town_city_code"),
            models.Index(fields=["county", "code"], name="town_county_code"),
            models.Index(fields=["initials", "name", "code"], name="town_initials_name_code"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_town(self):
        return self.kind == TownKind.TOWN

    @property
    def place_name(self):
        """The town as messages and to-do lines name it, after its county: 双阳区奢岭街道 (load the county)."""
        return f"{self.county.name if self.county_id else ''}{self.name}"

    def active_designation(self):
        return self.designations.filter(to_year__isnull=True).first()


class DesignationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(to_year__isnull=True)

    def in_year(self, year):
        """Designations in force at some point of the calendar year."""
        return self.filter(from_year__lte=year).filter(Q(to_year__isnull=True) | Q(to_year__gte=year))


class Designation(TimeStampedModel):
    """One period during which a town held a tier (R2). Active while to_year is empty; kept forever."""

    town = models.ForeignKey(Town, verbose_name="镇", on_delete=models.PROTECT, related_name="designations")
    tier = models.CharField("层级", max_length=16, choices=Tier.choices)
    from_year = models.PositiveSmallIntegerField("起始年度", validators=year_validators)
    to_year = models.PositiveSmallIntegerField("终止年度", null=True, blank=True, validators=year_validators)
    began = models.CharField("认定方式", max_length=16, choices=Began.choices, default=Began.SELECTED)
    ended = models.CharField("终止方式", max_length=16, choices=Ended.choices, blank=True)
    doc_no = models.CharField("认定文号", max_length=100, blank=True)
    end_doc_no = models.CharField("终止文号", max_length=100, blank=True)
    dev_type = models.CharField("发展类型", max_length=32, choices=DevType.choices, blank=True)

    objects = DesignationQuerySet.as_manager()

    scope_lookups = {"city": "town__city_id", "county": "town__county_id"}

    class Meta:
        verbose_name = "示范镇认定"
        verbose_name_plural = "示范镇认定"
        ordering = ["town_id", "-from_year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["town"],
                condition=Q(to_year__isnull=True),
                name="one_active_designation_per_town",
                violation_error_message="该镇已有有效的示范镇认定，同一时间只能有一个有效认定。",
            ),
            models.CheckConstraint(
                name="designation_end_is_complete",
                condition=Q(to_year__isnull=True, ended="") | (Q(to_year__isnull=False) & ~Q(ended="")),
            ),
            models.CheckConstraint(
                name="designation_years_ordered",
                condition=Q(to_year__isnull=True) | Q(to_year__gte=F("from_year")),
            ),
            models.CheckConstraint(name="designation_tier_valid", condition=Q(tier__in=Tier.values)),
        ]
        indexes = [
            models.Index(fields=["tier", "to_year"], name="designation_tier_active"),
            # The API's order (Meta.ordering) and the designation list's default (-period, newest first).
            models.Index("town", F("from_year").desc(), F("id").desc(), name="designation_town_newest"),
            OrderIndex(
                F("from_year").desc(),
                F("to_year").desc(nulls_last=True),
                F("id").desc(),
                name="designation_newest_first",
            ),
        ]

    def __str__(self):
        return f"{self.town} {self.get_tier_display()}（{self.period_display}）"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.town_id and not self.town.is_town:
            raise ValidationError(
                {"town": f"{self.town.name}是{self.town.get_kind_display()}，只有建制镇可以认定为示范镇。"}
            )
        if (self.to_year is None) != (not self.ended):
            raise ValidationError("终止年度与终止方式须同时填写或同时留空。")

    @property
    def is_active(self):
        return self.to_year is None

    @property
    def period_display(self):
        return f"{self.from_year}–{self.to_year or '至今'}"
