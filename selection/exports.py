"""Spreadsheets of the selection pages: the review table of a round's candidates (R3)."""

from collections.abc import Iterable, Iterator

from core.exports import Column
from core.vocabulary import label
from towns.choices import Tier

from .choices import DocumentKind, PriorityFactor, SubmissionStatus
from .models import Submission


def _field_column(name: str, width: int, kind: str = "text") -> Column:
    """A column headed by the Submission field's own name."""
    return Column(str(Submission._meta.get_field(name).verbose_name), width, kind=kind)


REVIEW_COLUMNS = (
    Column("镇区划代码", 12),
    Column("镇", 12),
    Column("县（市、区）", 12),
    Column("市（州）", 12),
    _field_column("tier", 8),
    _field_column("status", 10),
    *(Column(factor.label, 10 if len(factor.label) > 6 else 8) for factor in PriorityFactor),
    _field_column("registered_population", 12, kind="int"),
    _field_column("resident_population", 12, kind="int"),
    _field_column("area_km2", 12, kind="money"),
    _field_column("gdp", 16, kind="money"),
    _field_column("fiscal_revenue", 16, kind="money"),
    _field_column("characteristic_industry", 20),
    _field_column("industrial_park", 20),
    _field_column("distance_to_county_km", 10, kind="money"),
    _field_column("distance_to_city_km", 10, kind="money"),
    Column("申报材料", 36),
    _field_column("decision_doc_no", 24),
)


def review_rows(submissions: Iterable[Submission]) -> Iterator[tuple]:
    """One row per submission (fetched with_town() and its documents prefetched), as in the review table."""
    kind_order = {kind: index for index, kind in enumerate(DocumentKind.values)}
    for submission in submissions:
        documents = sorted(submission.documents.all(), key=lambda document: kind_order.get(document.kind, 9))
        yield (
            submission.town_id,
            submission.town.name,
            submission.town.county.name,
            submission.town.city.name,
            label(Tier, submission.tier),
            SubmissionStatus(submission.status).short_label,
            *("是" if getattr(submission, factor) else "否" for factor in PriorityFactor),
            submission.registered_population,
            submission.resident_population,
            submission.area_km2,
            submission.gdp,
            submission.fiscal_revenue,
            submission.characteristic_industry,
            submission.industrial_park,
            submission.distance_to_county_km,
            submission.distance_to_city_km,
            "；".join(f"{document.get_kind_display()}：{document.original_name}" for document in documents),
            submission.decision_doc_no,
        )
