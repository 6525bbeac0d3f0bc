"""Vocabularies of funding (R6)."""

from django.db import models


class FundingSource(models.TextChoices):
    PROVINCIAL_GENERAL_BOND = "provincial_general_bond", "省级一般债券"
    PROVINCIAL_SPECIAL_BOND = "provincial_special_bond", "省级专项债券"
    CITY_BUDGET = "city_budget", "市级财政资金"
    COUNTY_BUDGET = "county_budget", "县级财政资金"
    SOCIAL_CAPITAL = "social_capital", "社会资本"
    POLICY_BANK = "policy_bank", "政策性银行贷款（国开行、农发行）"
    COMMERCIAL_CREDIT = "commercial_credit", "商业银行贷款"
    OTHER = "other", "其他"


# The bond sources draw on a county's yearly new-debt quota of the same kind.
BOND_KIND_OF_SOURCE = {
    FundingSource.PROVINCIAL_GENERAL_BOND: "general",
    FundingSource.PROVINCIAL_SPECIAL_BOND: "special",
}
