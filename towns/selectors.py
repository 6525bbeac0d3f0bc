"""Database rows → the plain data the rules decide on, and the rows pages and the API show, in a constant
number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, Model, Prefetch, Q, QuerySet

from core.pinyin import initials_match
from core.roles import RegionLevel
from core.scoping import restrict, scope_of
from core.vocabulary import label

from .choices import Tier, TownKind
from .models import Designation, Region, Town
from .rules import RegionCounts, RegionQuota, TownFacts, region_quota

if TYPE_CHECKING:
    from accounts.models import User

QuotaReport = tuple[RegionQuota | None, list[RegionQuota], list[RegionQuota]]
_M = TypeVar("_M", bound=Model)


def town_facts(codes: Iterable[str]) -> dict[str, TownFacts]:
    """code → TownFacts for the given codes (unknown codes are simply absent)."""
    rows = (
        Town.objects.filter(code__in=set(codes))
        .with_active_designation()
        .values("code", "name", "kind", "dev_type", "active_tier", "active_since", "active_doc_no")
    )
    return {
        row["code"]: TownFacts(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            kind_label=label(TownKind, row["kind"]),
            active_tier=row["active_tier"],
            active_from_year=row["active_since"],
            active_doc_no=row["active_doc_no"] or "",
            dev_type=row["dev_type"] or "",
        )
        for row in rows
    }


def town_fact(town: Town) -> TownFacts | None:
    return town_facts([town.code]).get(town.code)


def towns_by_code(codes: Iterable[str]) -> dict[str, Town]:
    """code → Town for the given codes, in one query."""
    return Town.objects.in_bulk(list(codes))


def quota_report(user: User, *, province_code: str | None = None) -> QuotaReport:
    """R1 quota situation of the program province as the user may see it.

    Returns (province, cities, counties): province is None unless the user sees the whole province.
    Five queries whatever the number of regions.
    """
    province_code = province_code or settings.PROGRAM_PROVINCE_CODE
    scope = scope_of(user)
    if scope.is_empty:
        return None, [], []

    active = Designation.objects.active().filter(town__province_id=province_code)
    by_city: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for row in active.values("town__city_id", "tier").annotate(n=Count("id")):
        by_city[row["town__city_id"]][row["tier"]] = row["n"]
    by_county: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for row in active.values("town__county_id", "tier").annotate(n=Count("id")):
        by_county[row["town__county_id"]][row["tier"]] = row["n"]

    eligible = Town.objects.filter(province_id=province_code).towns_only()
    towns_per_county = dict(eligible.values_list("county_id").annotate(n=Count("code")))
    towns_per_city = dict(eligible.values_list("city_id").annotate(n=Count("code")))

    regions = restrict(Region.objects.filter(code__startswith=province_code), user).values(
        "code", "name", "level", "parent_id"
    )
    province, cities, counties = None, [], []
    for region in regions:
        counts: dict[str, int]
        level = region["level"]
        if level == RegionLevel.PROVINCE:
            if not scope.province_wide:
                continue
            totals: defaultdict[str, int] = defaultdict(int)
            for tiers in by_city.values():
                for tier, n in tiers.items():
                    totals[tier] += n
            counts, town_count = totals, sum(towns_per_city.values())
        elif level == RegionLevel.CITY:
            counts, town_count = by_city.get(region["code"], {}), towns_per_city.get(region["code"], 0)
        else:
            counts, town_count = by_county.get(region["code"], {}), towns_per_county.get(region["code"], 0)
        quota = region_quota(
            RegionCounts(
                code=region["code"],
                name=region["name"],
                level=level,
                parent_code=region["parent_id"],
                counts=counts,
                town_count=town_count,
            )
        )
        if level == RegionLevel.PROVINCE:
            province = quota
        elif level == RegionLevel.CITY:
            cities.append(quota)
        else:
            counties.append(quota)
    return province, cities, counties


# --- pages ---------------------------------------------------------------------------------------------


def directory_towns(user: User, *, with_history: bool = False) -> QuerySet[Town]:
    """Towns the user may see, with their active designation and their city and county, in one query;
    with_history prefetches every designation each town held, newest first (one more query)."""
    towns = Town.objects.with_active_designation().select_related("city", "county")
    if with_history:
        towns = towns.prefetch_related(
            Prefetch("designations", queryset=Designation.objects.order_by("-from_year", "-id"))
        )
    return restrict(towns, user)


def visible_town(user: User, code: str) -> Town | None:
    """The town of that code as the town page shows it, or None when it does not exist or lies outside the
    user's scope (the two answer alike)."""
    return directory_towns(user).select_related("province").filter(code=code).first()


SUGGESTION_LIMIT = 20


def suggest_towns(
    user: User, typed: str, *, city: str = "", county: str = "", designated: bool = False
) -> list[Town]:
    """At most SUGGESTION_LIMIT 镇 of the user's scope for what is being typed into a town field: a code
    starting with the digits, pinyin initials starting with the letters (cc → 长春…), or a name containing
    the text; the chosen city or county narrows them, `designated` keeps the towns holding a designation.
    One query, read off the code, initials and name indexes whatever the country's size."""
    text = typed.strip()
    if not text:
        return []
    if text.isdigit():
        match = Q(code__startswith=text)
    elif text.isascii() and text.isalpha():
        match = initials_match(text)
    else:
        match = Q(name__contains=text)
    towns = restrict(Town.objects.towns_only(), user).filter(match)
    if city:
        towns = towns.filter(city_id=city)
    if county:
        towns = towns.filter(county_id=county)
    if designated:
        towns = towns.filter(code__in=Designation.objects.active().values("town_id"))
    return list(towns.select_related("county").order_by("code")[:SUGGESTION_LIMIT])


def visible_regions(user: User) -> QuerySet[Region]:
    """Every region (province, city, county) the user may see."""
    return restrict(Region.objects.all(), user)


def directory_regions(user: User) -> tuple[list[Region], list[Region]]:
    """(cities, counties) the user may see, for the directory's filters; counties carry their parent."""
    regions = restrict(Region.objects.filter(code__startswith=settings.PROGRAM_PROVINCE_CODE), user)
    cities = list(regions.filter(level=RegionLevel.CITY).order_by("code"))
    counties = list(regions.filter(level=RegionLevel.COUNTY).select_related("parent").order_by("code"))
    return cities, counties


def designation_history(town: Town) -> list[Designation]:
    """Every designation the town ever held, newest first (R2: kept forever)."""
    return list(town.designations.order_by("-from_year", "-id"))


def visible_designations(user: User) -> QuerySet[Designation]:
    """Every designation (ended ones too) of the towns the user may see, with the town, its county and city."""
    return restrict(Designation.objects.select_related("town", "town__county", "town__city"), user)


def with_active_flag(designations: QuerySet[Designation]) -> QuerySet[Designation]:
    """The designations annotated with active_flag (still in force), for lists read with values_list()."""
    return designations.annotate(
        active_flag=ExpressionWrapper(Q(to_year__isnull=True), output_field=BooleanField())
    )


def designation_with_town(pk: int) -> Designation:
    """One designation with its town, the town's county and city (what the API renders after a change)."""
    return Designation.objects.select_related("town", "town__county", "town__city").get(pk=pk)


def active_counts_by_tier(user: User) -> dict[str, int]:
    """tier → number of active designations inside the user's scope."""
    rows = restrict(Designation.objects.active(), user).values("tier").annotate(n=Count("id"))
    return {row["tier"]: row["n"] for row in rows}


def eligible_town_count(user: User) -> int:
    """How many 镇 (the only units that can be designated) lie inside the user's scope."""
    return restrict(Town.objects.towns_only(), user).count()


def region_names(codes: Iterable[str | None]) -> dict[str, str]:
    """code → name for the given region codes."""
    return dict(Region.objects.filter(code__in={code for code in codes if code}).values_list("code", "name"))


TOWN_CODE_LENGTH = 9


def place_names(codes: Iterable[str | None]) -> dict[str, str]:
    """code → name of regions and towns alike (a 9-digit code is a town's): one query per kind asked for,
    none for no code. What an export's title rows call the place a list was filtered by."""
    wanted = {str(code).strip() for code in codes if code and str(code).strip()}
    towns = {code for code in wanted if len(code) == TOWN_CODE_LENGTH}
    names = region_names(wanted - towns) if wanted - towns else {}
    if towns:
        names.update(Town.objects.filter(code__in=towns).values_list("code", "name"))
    return names


# --- dashboards (issue 10): aggregates grouped in SQL, a fixed number of queries whatever the number of towns


def region_level(code: str | None) -> str | None:
    """province, city or county from the length of an official code (a code is its children's prefix)."""
    return {2: RegionLevel.PROVINCE, 4: RegionLevel.CITY, 6: RegionLevel.COUNTY}.get(len(code or ""))


def town_lookup(by: str, *, via: str = "town") -> str:
    """The lookup of the code of a row's city, county or town (by: "city" | "county" | "town"), for a row
    reaching its town through `via` ("town" for designations, projects, results; "project__town" for
    allocations and reports)."""
    if by == "town":
        return f"{via}_id"
    return f"{via}__{by}_id"


def within_region(queryset: QuerySet[_M], region_code: str | None, *, via: str = "town") -> QuerySet[_M]:
    """The rows whose town lies in the city or county of that code; every row for None or the province. It
    narrows a scoped queryset, never widens it: callers restrict() first."""
    level = region_level(region_code)
    if level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        return queryset
    return queryset.filter(**{town_lookup(level, via=via): region_code})


def dashboard_region(user: User, code: str) -> Region | None:
    """The city or county of the program province with that code, with its parent, if the user may see it;
    None otherwise (an unknown code and one outside the scope answer alike). One query."""
    regions = Region.objects.filter(
        level__in=[RegionLevel.CITY, RegionLevel.COUNTY], code__startswith=settings.PROGRAM_PROVINCE_CODE
    ).select_related("parent")
    return restrict(regions, user).filter(code=code).first()


def county_towns(user: User, county_code: str) -> list[dict[str, str | None]]:
    """The 镇 of the county inside the user's scope, by code: code, name and active_tier (None when not
    designated). One query."""
    towns = Town.objects.towns_only().filter(county_id=county_code).with_active_designation()
    return list(restrict(towns, user).order_by("code").values("code", "name", "active_tier"))


def _in_force(year: int) -> Q:
    """DesignationQuerySet.in_year as a condition: in force at some point of the calendar year."""
    return Q(from_year__lte=year) & (Q(to_year__isnull=True) | Q(to_year__gte=year))


def designations_in_force(
    user: User, years: Sequence[int], *, region: str | None = None
) -> dict[int, dict[str, int]]:
    """year → tier → designations in force at some point of that year, inside the user's scope and the
    region (R2: the history is kept, so earlier years count what held then). One query."""
    designations = within_region(restrict(Designation.objects.all(), user), region)
    counts = designations.aggregate(
        **{
            f"{tier}_{year}": Count("id", filter=Q(tier=tier) & _in_force(year))
            for year in years
            for tier in Tier.values
        }
    )
    return {year: {tier: counts[f"{tier}_{year}"] for tier in Tier.values} for year in years}
