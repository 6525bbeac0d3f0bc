"""A realistic, deterministic demo on the real Jilin towns: R1 met everywhere, one login per role."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from accounts.models import Role
from accounts.selectors import user_by_username
from accounts.services import create_user, issue_api_token
from core.audit import Via, audit_context
from core.errors import DomainError

from .choices import DevType, Tier, TownKind
from .models import Designation, Town
from .rules import CITY_MINIMUMS, PROVINCE_TARGETS
from .services import designate

DEMO_PASSWORD = "Shifanzhen-2022"
DEMO_USERS = [
    ("demo_admin", Role.PROVINCE_ADMIN, None, "省住建厅 示范镇办"),
    ("demo_viewer", Role.PROVINCE_VIEWER, None, "省发展改革委"),
    ("demo_city", Role.CITY_OFFICIAL, "2201", "长春市住建局"),
    ("demo_county", Role.COUNTY_OFFICIAL, "220122", "农安县住建局"),
    ("demo_partner", Role.PARTNER, None, "国家开发银行吉林省分行"),
    ("demo_auditor", Role.AUDITOR, None, "省住建厅 内审处"),
    # 三员 (issue 12): administrators of the system itself, who see no business data.
    ("demo_sysadmin", Role.SYSTEM_ADMIN, None, "省住建厅 信息中心（系统管理员）"),
    ("demo_secadmin", Role.SECURITY_ADMIN, None, "省住建厅 信息中心（安全管理员）"),
    ("demo_auditadmin", Role.AUDIT_ADMIN, None, "省住建厅 信息中心（审计管理员）"),
]
# Counties on the border with the DPRK or Russia (兴边富民); the Changchun metropolitan area (都市卫星).
BORDER_COUNTIES = {"222401", "222402", "222403", "222404", "222406", "222424", "220582", "220681", "220623"}
METRO_CITY = "2201"
OTHER_TYPES = [DevType.INDUSTRY, DevType.TRADE, DevType.CULTURE_TOURISM, DevType.COMPREHENSIVE]


@dataclass(frozen=True)
class DemoPick:
    town: Town
    tier: str
    year: int
    doc_no: str
    dev_type: str


def _shares(total, weights, minimum):
    """Split total over keys in proportion to weights, at least minimum each (largest remainder)."""
    keys = sorted(weights)
    base = dict.fromkeys(keys, minimum)
    rest = total - minimum * len(keys)
    if rest <= 0:
        return base
    weight_sum = sum(weights.values()) or 1
    exact = {key: rest * weights[key] / weight_sum for key in keys}
    for key in keys:
        base[key] += int(exact[key])
    leftover = total - sum(base.values())
    for key in sorted(keys, key=lambda k: (-(exact[k] - int(exact[k])), k))[:leftover]:
        base[key] += 1
    return base


def _dev_type(town, index):
    if town.county_id in BORDER_COUNTIES:
        return DevType.BORDER
    if town.city_id == METRO_CITY and index % 2 == 0:
        return DevType.METRO_SATELLITE
    return OTHER_TYPES[index % len(OTHER_TYPES)]


def plan_demo(towns):
    """Which town gets which tier: every county with a 镇 one county-level town, every city its minimums,
    the province its targets (R1). Pure over the given towns (sorted by code)."""
    by_county = defaultdict(list)
    for town in towns:
        by_county[town.county_id].append(town)
    by_city = defaultdict(list)
    picks = []
    taken = set()
    for index, county in enumerate(sorted(by_county)):
        first = by_county[county][0]
        year = 2022 if index % 3 else 2023
        picks.append(
            DemoPick(first, Tier.COUNTY, year, f"{first.county.name}政发〔{year}〕{index % 9 + 3}号", "")
        )
        taken.add(first.code)
    for town in towns:
        if town.code not in taken:
            by_city[town.city_id].append(town)

    weights = {city: len(rows) for city, rows in by_city.items()}
    provincial = _shares(PROVINCE_TARGETS[Tier.PROVINCIAL], weights, CITY_MINIMUMS[Tier.PROVINCIAL])
    city_level = _shares(PROVINCE_TARGETS[Tier.CITY], weights, CITY_MINIMUMS[Tier.CITY])
    doc_counter = defaultdict(int)
    for city in sorted(by_city):
        # Spread picks over the city's counties: one town per county in turn.
        queues = defaultdict(list)
        for town in by_city[city]:
            queues[town.county_id].append(town)
        order = []
        while any(queues.values()):
            for county in sorted(queues):
                if queues[county]:
                    order.append(queues[county].pop(0))
        for tier, count in ((Tier.PROVINCIAL, provincial[city]), (Tier.CITY, city_level[city])):
            for _ in range(count):
                if not order:
                    raise DomainError(f"区划 {city} 的建制镇不足以构造示范数据。")
                town = order.pop(0)
                doc_counter[tier] += 1
                if tier == Tier.PROVINCIAL:
                    doc_no = f"吉示范镇办〔2022〕{1 + doc_counter[tier] // 20}号"
                else:
                    doc_no = f"{town.city.name}政办发〔2022〕{doc_counter[tier] % 17 + 5}号"
                picks.append(DemoPick(town, tier, 2022, doc_no, ""))
    return [DemoPick(p.town, p.tier, p.year, p.doc_no, _dev_type(p.town, i)) for i, p in enumerate(picks)]


@dataclass
class DemoResult:
    created_designations: int = 0
    skipped_designations: bool = False
    created_users: list = None
    partner_token: str = ""


def load_demo(province_code="22"):
    result = DemoResult(created_users=[])
    towns = list(
        Town.objects.filter(province_id=province_code, kind=TownKind.TOWN)
        .select_related("county", "city")
        .order_by("code")
    )
    if not towns:
        raise DomainError("尚未载入行政区划，请先运行 python manage.py load_divisions。")
    with audit_context(via=Via.COMMAND), transaction.atomic():
        if Designation.objects.filter(town__province_id=province_code).exists():
            result.skipped_designations = True
        else:
            for pick in plan_demo(towns):
                designate(pick.town, pick.tier, pick.year, doc_no=pick.doc_no, dev_type=pick.dev_type)
                result.created_designations += 1
        for username, role, region, organization in DEMO_USERS:
            if user_by_username(username) is not None:
                continue
            create_user(
                username, role=role, region_code=region, password=DEMO_PASSWORD, organization=organization
            )
            result.created_users.append(username)
        # Only a token's hash is kept: each load issues a fresh one and revokes the one before.
        result.partner_token = issue_api_token("demo_partner", name="演示令牌", rotate=True).key
    return result
