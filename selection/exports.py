"""Spreadsheets of the selection pages: the review table of a round's candidates (R3)."""

from core.exports import Column
from towns.choices import Tier

from .choices import DocumentKind, SubmissionStatus

TIER_LABELS = dict(Tier.choices)

REVIEW_COLUMNS = (
    Column("镇区划代码", 12),
    Column("镇", 12),
    Column("县（市、区）", 12),
    Column("市（州）", 12),
    Column("申报层级", 8),
    Column("状态", 10),
    Column("长春都市圈", 8),
    Column("其他城市周边", 8),
    Column("省级乡村振兴重点帮扶县", 10),
    Column("边境地区", 8),
    Column("国土空间规划重要节点镇", 10),
    Column("户籍人口（人）", 12, kind="int"),
    Column("常住人口（人）", 12, kind="int"),
    Column("面积（平方公里）", 12, kind="money"),
    Column("地区生产总值（万元）", 16, kind="money"),
    Column("一般公共预算收入（万元）", 16, kind="money"),
    Column("特色产业（一镇一业）", 20),
    Column("产业园区", 20),
    Column("距县城（公里）", 10, kind="money"),
    Column("距最近城市（公里）", 10, kind="money"),
    Column("申报材料", 36),
    Column("审定文号", 24),
)


def review_rows(submissions):
    """One row per submission (fetched with_town() and its documents prefetched), as in the review table."""
    kind_order = {kind: index for index, kind in enumerate(DocumentKind.values)}
    for submission in submissions:
        documents = sorted(submission.documents.all(), key=lambda document: kind_order.get(document.kind, 9))
        yield (
            submission.town_id,
            submission.town.name,
            submission.town.county.name,
            submission.town.city.name,
            TIER_LABELS.get(submission.tier, submission.tier),
            SubmissionStatus(submission.status).short_label,
            *("是" if getattr(submission, name) else "否" for name in submission.PRIORITY_FACTORS),
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
