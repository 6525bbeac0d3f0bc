"""Serializers of API v1 for funding (R6): new-debt quotas, allocations and the proposed allocation.

Writes go through funding.services; amounts are passed on as sent (MoneyField) so that the service's
Chinese reasons are what the client reads.
"""

from rest_framework import serializers

from core.api.fields import LabelField
from core.years import YEAR_MAX, YEAR_MIN
from projects.api.serializers import MoneyField

from ..choices import FundingSource
from ..models import Allocation, DebtQuota


class DebtQuotaSerializer(serializers.ModelSerializer):
    """A county's (or city's) new-debt quota for a year, with what is left of it after the bond allocations
    drawing on it (annotated by funding.selectors.with_usage)."""

    region = serializers.CharField(source="region_id", read_only=True, label="地区代码")
    region_name = serializers.CharField(source="region.name", read_only=True, label="地区名称")
    general_remaining = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        label="一般债务剩余限额（万元）",
        help_text="限额减去已安排的省级一般债券",
    )
    special_remaining = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        read_only=True,
        label="专项债务剩余限额（万元）",
        help_text="限额减去已安排的省级专项债券",
    )

    class Meta:
        model = DebtQuota
        fields = [
            "id",
            "region",
            "region_name",
            "year",
            "general_amount",
            "special_amount",
            "general_remaining",
            "special_remaining",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "version": {
                "help_text": "每次调整限额加 1；调整时带上读到的 version，限额在此期间已被他人调整时返回 409，不作调整"
            }
        }


class DebtQuotaAmountsSerializer(serializers.Serializer):
    general_amount = MoneyField(label="新增一般债务限额（万元）")
    special_amount = MoneyField(label="新增专项债务限额（万元）")
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        label="版本",
        help_text="可选：读到的限额 version。限额在此期间已被他人调整时返回 409 并说明，不作调整。",
    )


class DebtQuotaWriteSerializer(DebtQuotaAmountsSerializer):
    region = serializers.CharField(
        max_length=6, label="地区代码", help_text="县（市、区）6 位或市（州）4 位区划代码，如 220112"
    )
    year = serializers.IntegerField(label="年度")

    def get_fields(self):
        fields = super().get_fields()
        return {
            name: fields[name] for name in ("region", "year", "general_amount", "special_amount", "version")
        }


class AllocationSerializer(serializers.ModelSerializer):
    """A sum from one funding source to a project for a year (R6)."""

    project = serializers.IntegerField(source="project_id", read_only=True, label="项目 ID")
    project_name = serializers.CharField(source="project.name", read_only=True, label="项目名称")
    town = serializers.CharField(source="project.town_id", read_only=True, label="镇区划代码")
    county = serializers.CharField(source="project.town.county_id", read_only=True, label="县（市、区）代码")
    city = serializers.CharField(source="project.town.city_id", read_only=True, label="市（州）代码")
    source_label = LabelField(FundingSource, source="source", label="资金来源名称")
    quota = serializers.IntegerField(
        source="quota_id",
        read_only=True,
        allow_null=True,
        label="占用限额 ID",
        help_text="债券资金占用的当年新增债务限额（/api/v1/debt-quotas/{id}/）；其他来源为 null",
    )
    quota_region = serializers.CharField(
        source="quota.region_id",
        read_only=True,
        allow_null=True,
        default=None,
        label="占用限额的地区代码",
        help_text="市级示范镇的项目占用所在市（州）本级的限额（4 位代码），其他项目占用所在县（市、区）的限额"
        "（6 位代码）；非债券来源为 null",
    )
    quota_region_name = serializers.CharField(
        source="quota.region.name",
        read_only=True,
        allow_null=True,
        default=None,
        label="占用限额的地区名称",
        help_text="如“长春市”（市本级）或“双阳区”；非债券来源为 null",
    )

    class Meta:
        model = Allocation
        fields = [
            "id",
            "project",
            "project_name",
            "town",
            "county",
            "city",
            "source",
            "source_label",
            "amount",
            "year",
            "quota",
            "quota_region",
            "quota_region_name",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class AllocationCreateSerializer(serializers.Serializer):
    project = serializers.IntegerField(label="项目 ID")
    source = serializers.ChoiceField(choices=FundingSource.choices, label="资金来源")
    amount = MoneyField(label="金额（万元）")
    year = serializers.IntegerField(label="年度")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200, label="备注")


class ProposalQuerySerializer(serializers.Serializer):
    """Query parameters of the proposal: a county's quota, or (with city instead of county) a city's own."""

    county = serializers.CharField(
        max_length=6,
        label="县（市、区）代码",
        help_text="6 位区划代码，如 220112：该县的限额，安排给其非市级示范镇的项目。省略 county 而给 city 时为市本级限额",
    )
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, label="年度")


class CityProposalQuerySerializer(serializers.Serializer):
    city = serializers.CharField(
        max_length=4,
        label="市（州）代码",
        help_text="4 位区划代码，如 2201：市（州）本级限额，只安排给该市（州）市级示范镇的项目",
    )
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, label="年度")


class ProposalRemainingSerializer(serializers.Serializer):
    general = serializers.DecimalField(max_digits=14, decimal_places=2, label="一般债务剩余限额（万元）")
    special = serializers.DecimalField(max_digits=14, decimal_places=2, label="专项债务剩余限额（万元）")


class ProposalLineSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project_id", label="项目 ID")
    project_name = serializers.CharField(label="项目名称")
    source = serializers.ChoiceField(choices=FundingSource.choices, label="资金来源")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, label="建议金额（万元）")
    reason = serializers.CharField(label="安排理由")


class ProposalSerializer(serializers.Serializer):
    """The proposed allocation of a county's (or a city's own) remaining quota for a year, in R6's priority
    order."""

    county = serializers.CharField(
        label="县（市、区）代码", allow_null=True, help_text="市本级限额的方案为 null，见 city"
    )
    city = serializers.CharField(
        label="市（州）代码", allow_null=True, help_text="市本级限额的方案；县（市、区）的方案为 null"
    )
    quota_region = serializers.CharField(label="限额所属地区代码")
    quota_region_name = serializers.CharField(label="限额所属地区名称")
    year = serializers.IntegerField(label="年度")
    remaining = ProposalRemainingSerializer(label="剩余限额")
    lines = ProposalLineSerializer(many=True, label="建议安排")


class ProposalAcceptSerializer(serializers.Serializer):
    """The county (or, with city instead, the city's own quota) and year whose current proposal is accepted."""

    county = serializers.CharField(
        max_length=6, required=False, label="县（市、区）代码", help_text="6 位区划代码；与 city 二选一"
    )
    city = serializers.CharField(
        max_length=4,
        required=False,
        label="市（州）代码",
        help_text="4 位区划代码：市本级限额；与 county 二选一",
    )
    year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, label="年度")
