"""Spreadsheets of the towns pages: the directory, the quota report and the designations (a town's history and
the list across towns). Each list registers its export (core.exports): the page's FilterSet and sort over the
user's scope, read by the page and by its export alike. The directory's columns are the designation import's
too (towns.imports): an exported directory, edited, imports back."""

from django.utils import timezone

from core.errors import DomainError
from core.exports import FILTERS_REFUSED, Column, ExportSpec, filter_note, register_export
from core.imports import SheetColumn, read_columns
from core.roles import region_level_scope_label
from core.vocabulary import label, labeller
from core.years import YEAR_MAX, YEAR_MIN

from . import selectors
from .choices import Began, DevType, Ended, Tier, TownKind
from .filtersets import (
    CITY_QUOTA_SORTS,
    COUNTY_QUOTA_SORTS,
    DESIGNATION_SORTS,
    TOWN_SORTS,
    DesignationFilterSet,
    TownFilterSet,
)
from .rules import CITY_MINIMUMS, COUNTY_MINIMUMS, DOC_NO_MAX, PROVINCE_TARGETS, shortfall_text

PLACE_FILTERS = ("city", "county", "town")


def place_values(source, names=PLACE_FILTERS):
    """The names of the places a FilterSet (or form) filters by, for core.exports.filter_note: {filter name:
    region or town name}; at most two queries, none when no place is chosen."""
    form = getattr(source, "form", source)
    if form is None or not form.is_bound or not form.is_valid():
        return {}
    codes = {name: form.cleaned_data.get(name) for name in names if form.cleaned_data.get(name)}
    found = selectors.place_names(codes.values()) if codes else {}
    return {name: found[code] for name, code in codes.items() if code in found}


def today():
    return f"{timezone.localdate():%Y%m%d}"


# --- the directory -------------------------------------------------------------------------------------


def filtered_towns(user, query):
    """The directory's FilterSet over the user's towns, its sort, and its rows in that order (none while a
    filter is invalid): the page and its export alike."""
    filterset = TownFilterSet(query, queryset=selectors.directory_towns(user))
    towns = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    sorting = TOWN_SORTS.sorting(query=query)
    return filterset, sorting.apply(towns), sorting


# The directory (示范镇名录) as the export writes it and the designation import reads it.
TOWN_CODE = SheetColumn(
    "town_code",
    "区划代码",
    required=True,
    aliases=("镇区划代码", "代码"),
    width=14,
    note="镇的 9 位区划代码；只有建制镇可以认定为示范镇",
    example="220112102",
)
TIER = SheetColumn(
    "tier",
    "示范镇层级",
    required=True,
    aliases=("层级",),
    width=12,
    note="省级、市级、县级（或 provincial、city、county）；未认定的镇留空（与认定起始年度一起留空即不导入）",
    example="省级",
)
YEAR = SheetColumn(
    "year",
    "认定起始年度",
    required=True,
    aliases=("年度", "起始年度", "认定年度"),
    width=12,
    kind="int",
    note=f"四位年份（{YEAR_MIN}–{YEAR_MAX}）；与该镇现有认定的层级和年度相同即为未变",
    example=2022,
)
DOC_NO = SheetColumn(
    "doc_no",
    "认定文号",
    aliases=("文号",),
    width=28,
    note=f"可选，不超过 {DOC_NO_MAX} 个字符；对现有认定填写不同的文号即更正其文号，留空则不修改",
    example="吉示范镇办〔2022〕1号",
)
DEV_TYPE = SheetColumn(
    "dev_type",
    "发展类型",
    width=14,
    note=f"可选：{'、'.join(DevType.labels)}；留空则不修改",
    example=DevType.CULTURE_TOURISM.label,
)
TOWN_SHEET = (
    TOWN_CODE,
    SheetColumn("name", "名称", width=16, read=False, note="乡镇名称", example="鹿乡镇"),
    SheetColumn("kind", "类别", width=8, read=False, note="镇、乡、街道", example="镇"),
    SheetColumn("city", "市（州）", width=14, read=False, example="长春市"),
    SheetColumn("county", "县（市、区）", width=16, read=False, example="双阳区"),
    TIER,
    YEAR,
    DOC_NO,
    DEV_TYPE,
)
DESIGNATION_COLUMNS = tuple(read_columns(TOWN_SHEET))
TOWN_COLUMNS = tuple(column.column for column in TOWN_SHEET)


# What the directory's export reads of each town: plain values in one query, no model built per town.
TOWN_ROW_FIELDS = (
    "code",
    "name",
    "kind",
    "city__name",
    "county__name",
    "active_tier",
    "active_since",
    "active_doc_no",
    "dev_type",
)


def town_rows(rows):
    """One sheet row per town of a directory queryset's TOWN_ROW_FIELDS values (with_active_designation)."""
    kind_label = labeller(TownKind)
    tier_label = labeller(Tier)
    dev_type_label = labeller(DevType, empty="")
    for code, name, kind, city, county, tier, since, doc_no, dev_type in rows:
        yield (
            code,
            name,
            kind_label(kind),
            city,
            county,
            tier_label(tier),
            since,
            doc_no or "",
            dev_type_label(dev_type),
        )


@register_export("towns.towns", page="town-list")
def town_export(user, query):
    filterset, towns, sorting = filtered_towns(user, query)
    if not filterset.is_valid():
        raise DomainError(FILTERS_REFUSED)
    count = filterset.qs.count()
    return ExportSpec(
        title="吉林省示范镇名录",
        filename=f"示范镇名录-{today()}.xlsx",
        columns=TOWN_COLUMNS,
        rows=town_rows(towns.values_list(*TOWN_ROW_FIELDS).iterator(chunk_size=2000)),
        count=count,
        unit_note=f"共 {count} 个乡镇",
        filters=filter_note(filterset, sorting, values=place_values(filterset)),
    )


# --- the quota report (R1) -----------------------------------------------------------------------------


def quota_lists(user, query):
    """The quota report as a user asked for it: the province, its cities and counties (only those that miss a
    minimum with ?unmet=1), each table in its own sort, and the names of their parents."""
    province, cities, counties = selectors.quota_report(user)
    unmet_only = query.get("unmet") == "1"
    if unmet_only:
        cities = [quota for quota in cities if not quota.met]
        counties = [quota for quota in counties if not quota.met]
    city_sorting = CITY_QUOTA_SORTS.sorting(query=query)
    county_sorting = COUNTY_QUOTA_SORTS.sorting(query=query)
    return {
        "province": province,
        "cities": city_sorting.apply(cities),
        "counties": county_sorting.apply(counties),
        "city_sorting": city_sorting,
        "county_sorting": county_sorting,
        "unmet_only": unmet_only,
        "parent_names": selectors.region_names(quota.parent_code for quota in [*cities, *counties]),
    }


QUOTA_COLUMNS = (
    Column("层级", 12),
    Column("区划代码", 10),
    Column("名称", 16),
    Column("上级", 14),
    Column("建制镇数", 10, kind="int"),
    Column("省级（个）", 10, kind="int"),
    Column("省级要求", 10),
    Column("市级（个）", 10, kind="int"),
    Column("市级要求", 10),
    Column("县级（个）", 10, kind="int"),
    Column("县级要求", 10),
    Column("是否达标", 12),
    Column("缺口", 28),
)


def quota_status(quota):
    if not quota.applicable:
        return "无建制镇，不适用"
    return "达标" if quota.met else "未达标"


def quota_rows(regions, parent_names):
    for quota in regions:
        cells = [
            region_level_scope_label(quota.level),
            quota.code,
            quota.name,
            parent_names.get(quota.parent_code, ""),
        ]
        cells.append(quota.town_count)
        for tier in Tier:
            line = quota.line(tier)
            cells.append(line.count)
            cells.append(f"不少于 {line.minimum} 个" if line.minimum is not None else "")
        cells.append(quota_status(quota))
        cells.append(shortfall_text(quota))
        yield cells


QUOTA_UNIT_NOTE = (
    f"要求：全省省级不少于 {PROVINCE_TARGETS[Tier.PROVINCIAL]} 个、市级不少于 {PROVINCE_TARGETS[Tier.CITY]} 个、"
    f"县级不少于 {PROVINCE_TARGETS[Tier.COUNTY]} 个；每个市（州）省级、市级各不少于 {CITY_MINIMUMS[Tier.PROVINCIAL]} 个；"
    f"每个县（市、区）县级不少于 {COUNTY_MINIMUMS[Tier.COUNTY]} 个。单位：个"
)


@register_export("towns.quotas", page="quota-page")
def quota_export(user, query):
    lists = quota_lists(user, query)
    regions = [*([lists["province"]] if lists["province"] else []), *lists["cities"], *lists["counties"]]
    return ExportSpec(
        title="吉林省示范镇指标完成情况",
        filename=f"示范镇名额完成情况-{today()}.xlsx",
        columns=QUOTA_COLUMNS,
        rows=quota_rows(regions, lists["parent_names"]),
        count=len(regions),
        unit_note=QUOTA_UNIT_NOTE,
        filters=filter_note(
            None,
            lists["city_sorting"],
            lists["county_sorting"],
            extra=[("只看未达标", "是")] if lists["unmet_only"] else (),
        ),
    )


# --- designations (R2): a town's history, and the list across towns ------------------------------------


def filtered_designations(user, query):
    """The designations' FilterSet over those of the user's towns, its sort, and the rows in that order (none
    while a filter is invalid): the list page, a town's history (?town=) and their export."""
    filterset = DesignationFilterSet(query, queryset=selectors.visible_designations(user))
    designations = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    sorting = DESIGNATION_SORTS.sorting(query=query)
    return filterset, sorting.apply(designations), sorting


DESIGNATION_LIST_COLUMNS = (
    Column("镇区划代码", 12),
    Column("镇", 14),
    Column("县（市、区）", 14),
    Column("市（州）", 12),
    Column("层级", 8),
    Column("起始年度", 10, kind="int"),
    Column("终止年度", 10, kind="int"),
    Column("认定方式", 12),
    Column("终止方式", 12),
    Column("认定文号", 26),
    Column("终止文号", 26),
    Column("发展类型", 12),
    Column("是否有效", 8),
)


def designation_rows(designations):
    for designation in designations:
        town = designation.town
        yield (
            town.code,
            town.name,
            town.county.name,
            town.city.name,
            label(Tier, designation.tier),
            designation.from_year,
            designation.to_year,
            label(Began, designation.began),
            label(Ended, designation.ended, empty=""),
            designation.doc_no,
            designation.end_doc_no,
            label(DevType, designation.dev_type, empty=""),
            "有效" if designation.is_active else "已终止",
        )


@register_export("towns.designations", page="designation-list")
def designation_export(user, query):
    filterset, designations, sorting = filtered_designations(user, query)
    if not filterset.is_valid():
        raise DomainError(FILTERS_REFUSED)
    count = filterset.qs.count()
    values = place_values(filterset)
    town = values.get("town")
    return ExportSpec(
        title=f"{town}示范镇认定历史" if town else "示范镇认定历史",
        filename=f"{town or ''}示范镇认定历史-{today()}.xlsx",
        columns=DESIGNATION_LIST_COLUMNS,
        rows=designation_rows(designations.iterator(chunk_size=2000)),
        count=count,
        unit_note=f"共 {count} 条认定",
        filters=filter_note(filterset, sorting, values=values),
    )
