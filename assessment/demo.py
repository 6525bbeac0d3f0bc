"""Demo assessments: 2024 and 2025 scored, computed and published, so the demo shows rankings, notices,
talks, and the eliminations and substitutes that two years in the bottom five bring (R7–R9)."""

import hashlib
from decimal import Decimal

from core.audit import audit_context, log_bulk_created

from .models import AssessmentRound, Elimination, Score
from .selectors import designated_in_year
from .services import (
    compute_round,
    ensure_round,
    publish,
    record_exemption,
    record_veto,
    reopen,
    save_scores,
)

DEMO_YEARS = (2024, 2025)


def _share(town_code, year, indicator_code, ceiling=1.0):
    """A stable pseudo-random share 0.45 … ceiling of an indicator's maximum; a town keeps its level over years."""
    town_level = int(hashlib.sha256(town_code.encode()).hexdigest()[:4], 16) / 0xFFFF
    noise = int(hashlib.sha256(f"{town_code}{year}{indicator_code}".encode()).hexdigest()[:4], 16) / 0xFFFF
    return Decimal(str(round((0.45 + 0.45 * town_level + 0.10 * noise) * ceiling, 4)))


def _only_towns_of_their_county():
    """镇 that are their county's only one: the demo keeps them below 优秀, so that no county loses its only
    county-level town to a substitution it could not replace (R1)."""
    from django.db.models import Count

    from towns.models import Town

    single = Town.objects.filter(kind="town").values("county_id").annotate(n=Count("code")).filter(n=1)
    return set(
        Town.objects.filter(kind="town", county_id__in=single.values("county_id")).values_list(
            "code", flat=True
        )
    )


def load_demo_assessments():
    """Returns the years published (empty when the demo already has assessments)."""
    if AssessmentRound.objects.filter(year__in=DEMO_YEARS).exists():
        return []
    published = []
    capped = _only_towns_of_their_county()
    admin = _demo_admin()
    with audit_context(via="command"):
        for year in DEMO_YEARS:
            assessment_round = ensure_round(year)
            indicators = list(assessment_round.system.indicators.all())
            held = designated_in_year(year)
            # Every designated town but one per year is scored: the demo shows a 未评 town too.
            towns = sorted(held)[1:]
            scores = Score.objects.bulk_create(
                Score(
                    round=assessment_round,
                    town_id=code,
                    indicator=indicator,
                    points=(
                        indicator.max_points
                        * _share(code, year, indicator.code, 0.85 if code in capped else 1.0)
                    ).quantize(Decimal("0.01")),
                )
                for code in towns
                for indicator in indicators
            )
            log_bulk_created(scores, via="command")
            _exempt_unscored(year, held, set(towns))
            if year == 2025:
                record_veto(
                    None,
                    year=year,
                    town=_first_provincial(held),
                    reason="镇区发生较大安全生产事故",
                    doc_no="吉安委〔2025〕7号",
                )
            # Run as demo_admin's tracked job: 我的任务 shows the demo's computations, done.
            compute_round(assessment_round.pk, user=admin)
            publish(None, year=year, doc_prefix="吉示范镇办")
            published.append(year)
        _correct(DEMO_YEARS[-1], admin)
        _backfill_county_level(DEMO_YEARS[-1])
    return published


def _exempt_unscored(year, held, scored):
    """The demo year's unscored town is exempted (免评) with a reason and a number, as a provincial town
    must be before its year is published, so that the demo shows an exemption whatever the town's tier."""
    from towns.models import Town

    for code in sorted(held):
        if code not in scored:
            record_exemption(
                None,
                year=year,
                town=Town.objects.get(code=code),
                reason="行政区划调整，当年数据无法统计",
                doc_no=f"吉示范镇办〔{year}〕函1号",
            )


def _demo_admin():
    """demo_admin (towns.demo), else the first province_admin; None before any exists."""
    from accounts.models import Role, User

    admins = User.objects.filter(role=Role.PROVINCE_ADMIN)
    return admins.filter(username="demo_admin").first() or admins.order_by("pk").first()


def _correct(year, admin):
    """A correction the demo shows: the year is reopened, one eliminated town's points corrected (an entry
    error), recomputed and published again; its elimination is reversed and its substitute's promotion
    revoked under the correction's number, the superseded notice kept beside the new one (issue 8)."""
    elimination = (
        Elimination.objects.filter(round__year=year, status="published")
        .select_related("town")
        .order_by("town_id")
        .first()
    )
    if elimination is None or admin is None:
        return
    reopen(admin, year=year, reason=f"{elimination.town.name}得分录入错误，经核实更正")
    assessment_round = AssessmentRound.objects.get(year=year)
    corrected = {
        indicator.code: str(indicator.max_points) for indicator in assessment_round.system.indicators.all()
    }
    save_scores(admin, year=year, town=elimination.town, points_by_code=corrected)
    compute_round(assessment_round.pk, user=admin)
    publish(admin, year=year, doc_prefix="吉示范镇办")


def _backfill_county_level(year):
    """A county whose only county-level town was promoted as a substitute designates its next 镇 (R1)."""
    from django.db.models import Exists, OuterRef

    from towns.models import Designation, Region, Town
    from towns.services import designate

    counties = Region.objects.filter(level="county", code__startswith="22").filter(
        Exists(Town.objects.filter(county=OuterRef("pk"), kind="town"))
    )
    for county in counties.exclude(
        Exists(Designation.objects.active().filter(town__county=OuterRef("pk"), tier="county"))
    ):
        town = (
            Town.objects.filter(county=county, kind="town")
            .exclude(Exists(Designation.objects.active().filter(town=OuterRef("pk"))))
            .order_by("code")
            .first()
        )
        if town is not None:
            designate(town, "county", year + 1, doc_no=f"{county.name}政发〔{year + 1}〕2号")


def _first_provincial(held):
    from towns.models import Town

    code = next(code for code, (tier, _city) in sorted(held.items()) if tier == "provincial")
    return Town.objects.get(code=code)
