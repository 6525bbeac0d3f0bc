"""Vocabularies of the program (R1, R2). Values are the API's; labels are what users read."""

from django.db import models


class TownKind(models.TextChoices):
    """The kinds of township-level unit; only a 镇 can be designated (R2)."""

    TOWN = "town", "镇"
    TOWNSHIP = "township", "乡"
    SUBDISTRICT = "subdistrict", "街道"
    OTHER = "other", "其他"


class Tier(models.TextChoices):
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class DevType(models.TextChoices):
    METRO_SATELLITE = "metro_satellite", "都市卫星型"
    INDUSTRY = "industry", "工业主导型"
    TRADE = "trade", "商贸流通型"
    CULTURE_TOURISM = "culture_tourism", "文化旅游型"
    BORDER = "border", "兴边富民型"
    COMPREHENSIVE = "comprehensive", "综合服务型"


class Began(models.TextChoices):
    SELECTED = "selected", "评选认定"
    SUBSTITUTE = "substitute", "递补"
    PROMOTED = "promoted", "晋级"
    CHANGED = "changed", "层级调整"
    RESTORED = "restored", "更正恢复"


class Ended(models.TextChoices):
    ELIMINATED = "eliminated", "淘汰"
    WITHDRAWN = "withdrawn", "撤销"
    PROMOTED = "promoted", "晋升更高层级"
    CHANGED = "changed", "层级调整"
    REVOKED = "revoked", "更正撤销"


class TierChange(models.TextChoices):
    PROMOTE = "promote", "晋级（认定为更高层级）"
    CHANGE = "change", "调整层级"
    WITHDRAW = "withdraw", "撤销认定"
