from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import LabelField
from core.roles import RegionLevel
from core.years import YEAR_MAX, YEAR_MESSAGES, YEAR_MIN

from ..choices import Began, DevType, Ended, Tier, TierChange, TownKind
from ..models import Designation, Region, Town


class RegionSerializer(serializers.ModelSerializer):
    level_label = LabelField(RegionLevel, source="level", label="层级名称")
    parent = serializers.CharField(source="parent_id", allow_null=True, read_only=True, label="上级区划代码")

    class Meta:
        model = Region
        fields = ["code", "name", "level", "level_label", "parent"]


class DesignationHistorySerializer(serializers.ModelSerializer):
    """One period of a town's designation history (R2)."""

    tier_label = LabelField(Tier, source="tier", label="层级名称")
    began_label = LabelField(Began, source="began", label="认定方式名称")
    ended_label = LabelField(Ended, source="ended", label="终止方式名称")
    dev_type_label = LabelField(DevType, source="dev_type", label="发展类型名称")
    active = serializers.BooleanField(source="is_active", read_only=True, label="是否有效")

    class Meta:
        model = Designation
        fields = [
            "id",
            "tier",
            "tier_label",
            "from_year",
            "to_year",
            "began",
            "began_label",
            "ended",
            "ended_label",
            "doc_no",
            "end_doc_no",
            "dev_type",
            "dev_type_label",
            "active",
        ]


class DesignationSerializer(DesignationHistorySerializer):
    town = serializers.CharField(source="town_id", read_only=True, label="镇区划代码")
    town_name = serializers.CharField(source="town.name", read_only=True, label="镇名称")
    county = serializers.CharField(source="town.county_id", read_only=True, label="县（市、区）代码")
    county_name = serializers.CharField(source="town.county.name", read_only=True, label="县（市、区）名称")
    city = serializers.CharField(source="town.city_id", read_only=True, label="市（州）代码")
    city_name = serializers.CharField(source="town.city.name", read_only=True, label="市（州）名称")

    class Meta(DesignationHistorySerializer.Meta):
        fields = [
            "id",
            "town",
            "town_name",
            "county",
            "county_name",
            "city",
            "city_name",
            *DesignationHistorySerializer.Meta.fields[1:],
        ]


class TownSerializer(serializers.ModelSerializer):
    """A township-level unit with its active designation (from Town.objects.with_active_designation())."""

    kind_label = LabelField(TownKind, source="kind", label="类别名称")
    county = serializers.CharField(source="county_id", read_only=True, label="县（市、区）代码")
    county_name = serializers.CharField(source="county.name", read_only=True, label="县（市、区）名称")
    city = serializers.CharField(source="city_id", read_only=True, label="市（州）代码")
    city_name = serializers.CharField(source="city.name", read_only=True, label="市（州）名称")
    tier = serializers.ChoiceField(
        choices=Tier.choices,
        source="active_tier",
        read_only=True,
        allow_null=True,
        label="示范镇层级",
        help_text="有效认定的层级；非示范镇为 null",
    )
    tier_label = LabelField(Tier, source="active_tier", label="示范镇层级名称")
    tier_since = serializers.IntegerField(
        source="active_since", read_only=True, allow_null=True, label="有效认定起始年度"
    )
    tier_doc_no = serializers.CharField(
        source="active_doc_no", read_only=True, allow_null=True, label="有效认定文号"
    )
    dev_type_label = LabelField(DevType, source="dev_type", label="发展类型名称")

    class Meta:
        model = Town
        fields = [
            "code",
            "name",
            "kind",
            "kind_label",
            "county",
            "county_name",
            "city",
            "city_name",
            "tier",
            "tier_label",
            "tier_since",
            "tier_doc_no",
            "dev_type",
            "dev_type_label",
        ]


class TownDetailSerializer(TownSerializer):
    designations = DesignationHistorySerializer(many=True, read_only=True, label="认定历史")

    class Meta(TownSerializer.Meta):
        fields = [*TownSerializer.Meta.fields, "designations"]


# --- R2 tier changes outside a round ----------------------------------------------------------------


class TierChangeSerializer(serializers.Serializer):
    """The body of POST /api/v1/towns/{code}/tier-change/: the same fields and messages as the page's form
    (towns.forms.TierChangeForm); what may be changed by whom is towns.rules.tier_change_refusal's."""

    change = serializers.ChoiceField(
        choices=TierChange.choices,
        label="调整类型",
        help_text="promote（晋级为更高层级）、change（调整为其他层级）、withdraw（撤销认定）",
        error_messages={"invalid_choice": "未知操作“{input}”。"},
    )
    tier = serializers.ChoiceField(
        choices=Tier.choices,
        required=False,
        allow_null=True,
        allow_blank=True,
        label="新层级",
        help_text="promote、change 时必填；withdraw 时忽略",
        error_messages={"invalid_choice": "层级“{input}”无效，应为 provincial、city、county。"},
    )
    year = serializers.IntegerField(
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        label="年度",
        help_text="新认定的起始年度，也是原认定的终止年度",
        error_messages=YEAR_MESSAGES,
    )
    doc_no = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        label="文号",
        help_text="决定文号，必填，不超过 100 个字符，如 吉示范镇办〔2025〕3号",
    )


class TierChangeResultSerializer(DesignationSerializer):
    """The designation a tier change created (promote, change) or ended (withdraw), and the town's history."""

    history = serializers.SerializerMethodField(
        label="该镇认定历史",
        help_text="调整后该镇的全部认定，最近的在前（同 GET /api/v1/towns/{code}/ 的 designations）",
    )

    class Meta(DesignationSerializer.Meta):
        fields = [*DesignationSerializer.Meta.fields, "history"]

    @extend_schema_field(DesignationHistorySerializer(many=True))
    def get_history(self, designation):
        return DesignationHistorySerializer(self.context["history"], many=True).data


# --- R1 quotas ---------------------------------------------------------------------------------------


class QuotaLineSerializer(serializers.Serializer):
    count = serializers.IntegerField(label="有效认定数")
    minimum = serializers.IntegerField(
        allow_null=True, label="最低数量（目标）", help_text="该层级无要求时为 null"
    )
    shortfall = serializers.IntegerField(label="缺口")
    met = serializers.BooleanField(label="是否达标")


class QuotaTiersSerializer(serializers.Serializer):
    provincial = QuotaLineSerializer(label="省级")
    city = QuotaLineSerializer(label="市级")
    county = QuotaLineSerializer(label="县级")


class QuotaSerializer(serializers.Serializer):
    """One region's R1 quota situation; built from towns.rules.RegionQuota by quota_row()."""

    code = serializers.CharField(label="区划代码")
    name = serializers.CharField(label="名称")
    level = serializers.ChoiceField(choices=RegionLevel.choices, label="层级")
    level_label = LabelField(RegionLevel, source="level", label="层级名称")
    parent = serializers.CharField(allow_null=True, label="上级区划代码")
    town_count = serializers.IntegerField(label="建制镇数量")
    applicable = serializers.BooleanField(
        label="是否适用", help_text="没有建制镇的县（市、区）不适用最低数量要求"
    )
    met = serializers.BooleanField(label="是否全部达标")
    tiers = QuotaTiersSerializer(label="各层级")


class QuotaQuerySerializer(serializers.Serializer):
    """Query parameters of the quota list."""

    level = serializers.ChoiceField(choices=RegionLevel.choices, required=False, label="层级")
    parent = serializers.CharField(required=False, label="上级区划代码")
    met = serializers.BooleanField(required=False, label="是否全部达标", help_text="true 或 false")


def quota_row(quota):
    """RegionQuota → the plain row QuotaSerializer renders."""
    return {
        "code": quota.code,
        "name": quota.name,
        "level": quota.level,
        "parent": quota.parent_code,
        "town_count": quota.town_count,
        "applicable": quota.applicable,
        "met": quota.met,
        "tiers": {
            str(line.tier): {
                "count": line.count,
                "minimum": line.minimum,
                "shortfall": line.shortfall,
                "met": line.met,
            }
            for line in quota.lines
        },
    }
