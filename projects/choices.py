"""Vocabularies of projects (R4, R5). Values are the API's; labels are what users read."""

from django.db import models


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "储备"
    APPROVED = "approved", "已批复"
    UNDER_CONSTRUCTION = "under_construction", "在建"
    COMPLETED = "completed", "已完工"
    CANCELLED = "cancelled", "已终止"


class BondType(models.TextChoices):
    GENERAL = "general", "一般债券"
    SPECIAL = "special", "专项债券"
    NONE = "none", "不适用债券"


# The sources of a project's money (R6); funding allocates them, projects checks its edits against them.
class FundingSource(models.TextChoices):
    PROVINCIAL_GENERAL_BOND = "provincial_general_bond", "省级一般债券"
    PROVINCIAL_SPECIAL_BOND = "provincial_special_bond", "省级专项债券"
    CITY_BUDGET = "city_budget", "市级财政资金"
    COUNTY_BUDGET = "county_budget", "县级财政资金"
    SOCIAL_CAPITAL = "social_capital", "社会资本"
    POLICY_BANK = "policy_bank", "政策性银行贷款（国开行、农发行）"
    COMMERCIAL_CREDIT = "commercial_credit", "商业银行贷款"
    OTHER = "other", "其他"


# The bond sources draw on a yearly new-debt quota of the same kind: the county's, or the city's own for the
# projects of its city-level towns.
BOND_KIND_OF_SOURCE = {
    FundingSource.PROVINCIAL_GENERAL_BOND: "general",
    FundingSource.PROVINCIAL_SPECIAL_BOND: "special",
}


class PeriodType(models.TextChoices):
    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"


# R4: the 5 groups and 15 task areas (plan 四、), codes T01–T15.
TASK_GROUPS = {
    1: "产业项目",
    2: "市政设施",
    3: "公共事业",
    4: "人居环境",
    5: "体制机制",
}
TASK_AREAS = [
    ("T01", 1, "园区基础设施"),
    ("T02", 1, "产业服务平台"),
    ("T03", 2, "生活服务设施"),
    ("T04", 2, "道路交通设施"),
    ("T05", 2, "环境基础设施"),
    ("T06", 3, "养老育幼"),
    ("T07", 3, "城乡基本公共服务均等化"),
    ("T08", 4, "设计引导和风貌管控"),
    ("T09", 4, "环境卫生保洁"),
    ("T10", 4, "镇区生产生活秩序"),
    ("T11", 4, "农村人居环境"),
    ("T12", 5, "资金投入机制"),
    ("T13", 5, "人才培养机制"),
    ("T14", 5, "长效帮扶机制"),
    ("T15", 5, "基层网格化治理机制"),
]
