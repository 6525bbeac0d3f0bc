"""Loading official division codes from CSV files (the layout of the china-division package)."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from core.audit import Via, audit_context, log_bulk_created
from core.bulk import analyze_tables
from core.errors import DomainError
from core.pinyin import initials

from .choices import TownKind
from .models import Region, RegionLevel, Town
from .rules import town_kind_for_name

SHIPPED_DIVISIONS = Path(__file__).resolve().parent / "data" / "divisions"
FILES = ("provinces.csv", "cities.csv", "areas.csv", "streets.csv")


@dataclass
class LoadSummary:
    provinces: int = 0
    cities: int = 0
    counties: int = 0
    townships: int = 0
    towns: int = 0
    created: int = 0
    updated: int = 0
    per_province: dict = field(default_factory=dict)

    @property
    def changed(self):
        return self.created + self.updated > 0


def _read(source, name):
    path = Path(source) / name
    if not path.is_file():
        raise DomainError(f"目录 {source} 中缺少文件 {name}。")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_divisions(source, province_codes=None):
    """The rows of the four files, limited to the given provinces (None: all of them)."""
    tables = {name: _read(source, name) for name in FILES}
    wanted = set(province_codes) if province_codes else None
    available = {row["code"] for row in tables["provinces.csv"]}
    if wanted:
        unknown = sorted(wanted - available)
        if unknown:
            raise DomainError(
                f"数据源中没有省级区划代码 {'、'.join(unknown)}（可用：{'、'.join(sorted(available))}）。"
            )

    def keep(row, key):
        return wanted is None or row[key] in wanted

    return (
        [r for r in tables["provinces.csv"] if keep(r, "code")],
        [r for r in tables["cities.csv"] if keep(r, "provinceCode")],
        [r for r in tables["areas.csv"] if keep(r, "provinceCode")],
        [r for r in tables["streets.csv"] if keep(r, "provinceCode")],
    )


def _sync(model, wanted, compare_fields, summary, actor):
    """Create missing rows and update changed ones; return the number of rows left as they were."""
    existing = model.objects.in_bulk(list(wanted))
    to_create, updated = [], 0
    for code, instance in wanted.items():
        current = existing.get(code)
        if current is None:
            to_create.append(instance)
            continue
        changed = [f for f in compare_fields if getattr(current, f) != getattr(instance, f)]
        if changed:
            for name in changed:
                setattr(current, name, getattr(instance, name))
            current.save(update_fields=changed)
            updated += 1
    model.objects.bulk_create(to_create, batch_size=2000)
    log_bulk_created(to_create, actor=actor, via=Via.COMMAND)
    summary.created += len(to_create)
    summary.updated += updated


def load_divisions(source=None, province_codes=("22",), actor=None):
    """Load (or refresh) provinces, cities, county-level and township-level units. Idempotent."""
    source = Path(source) if source else SHIPPED_DIVISIONS
    provinces, cities, areas, streets = read_divisions(source, province_codes)
    summary = LoadSummary(
        provinces=len(provinces), cities=len(cities), counties=len(areas), townships=len(streets)
    )
    for row in provinces:
        summary.per_province[row["code"]] = {
            "name": row["name"],
            "cities": 0,
            "counties": 0,
            "townships": 0,
            "towns": 0,
        }
    for row in cities:
        summary.per_province[row["provinceCode"]]["cities"] += 1
    for row in areas:
        summary.per_province[row["provinceCode"]]["counties"] += 1

    regions = {}
    for row in provinces:
        regions[row["code"]] = Region(
            code=row["code"], name=row["name"], initials=initials(row["name"]), level=RegionLevel.PROVINCE
        )
    for row in cities:
        regions[row["code"]] = Region(
            code=row["code"],
            name=row["name"],
            initials=initials(row["name"]),
            level=RegionLevel.CITY,
            parent_id=row["provinceCode"],
        )
    for row in areas:
        regions[row["code"]] = Region(
            code=row["code"],
            name=row["name"],
            initials=initials(row["name"]),
            level=RegionLevel.COUNTY,
            parent_id=row["cityCode"],
        )
    towns = {}
    for row in streets:
        kind = town_kind_for_name(row["name"])
        towns[row["code"]] = Town(
            code=row["code"],
            name=row["name"],
            initials=initials(row["name"]),
            kind=kind,
            county_id=row["areaCode"],
            city_id=row["cityCode"],
            province_id=row["provinceCode"],
        )
        counts = summary.per_province[row["provinceCode"]]
        counts["townships"] += 1
        if kind == TownKind.TOWN:
            counts["towns"] += 1
            summary.towns += 1

    with audit_context(actor=actor, via=Via.COMMAND), transaction.atomic():
        # Parents before children: the region rows are ordered province, city, county by construction.
        for level in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY):
            level_rows = {code: r for code, r in regions.items() if r.level == level}
            _sync(Region, level_rows, ("name", "initials", "level", "parent_id"), summary, actor)
        _sync(
            Town, towns, ("name", "initials", "kind", "county_id", "city_id", "province_id"), summary, actor
        )

    if summary.changed:
        # Fresh statistics after a bulk load, or the planner keeps guessing from an empty table.
        analyze_tables(Region, Town)
    return summary
