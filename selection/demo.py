"""The selection part of the demo (R3): the program's first round and an open one with candidates of
农安县 at each step. Called by the load_demo command after towns.demo.load_demo."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from core.audit import audit_context
from towns.choices import Tier
from towns.models import Designation, Town, TownKind

from .choices import DocumentKind, SubmissionAction
from .models import SelectionRound
from .services import attach_document, create_submission, save_round, transition

# A one-page PDF ("Demo plan"), enough for the content check and for a browser to open.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 44>>stream\nBT /F1 24 Tf 72 760 Td (Demo plan) Tj ET\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
DEMO_ROUND_NAME = "示范镇评选（演示批次）"
FIRST_ROUND_NAME = "2022年第一批示范镇评选"


def load_demo_selection():
    """The first (closed) round, and an open one in which 农安县 has a draft, a submission awaiting 长春市
    and one awaiting the province. Runs after towns.demo.load_demo (its logins and designations); returns
    the demo round, or None when it exists already."""
    with audit_context(via="command"), transaction.atomic():
        return _demo_selection()


def _demo_selection():
    if SelectionRound.objects.filter(name=DEMO_ROUND_NAME).exists():
        return None
    admin, county, city = (
        User.objects.get(username=name) for name in ("demo_admin", "demo_county", "demo_city")
    )
    if not SelectionRound.objects.filter(name=FIRST_ROUND_NAME).exists():
        # The program's first call, closed on 2022-04-30 (plan 五、(一)); its results are the designations.
        save_round(admin, name=FIRST_ROUND_NAME, tiers=list(Tier.values), deadline=date(2022, 4, 30))
    today = timezone.localdate()
    selection_round = save_round(
        admin, name=DEMO_ROUND_NAME, tiers=[Tier.CITY, Tier.PROVINCIAL], deadline=date(today.year + 1, 4, 30)
    )
    candidates = list(
        Town.objects.filter(county_id=county.region_id, kind=TownKind.TOWN)
        .exclude(Exists(Designation.objects.active().filter(town=OuterRef("pk"))))
        .order_by("code")[:3]
    )
    for index, town in enumerate(candidates):
        submission = create_submission(
            county,
            selection_round=selection_round,
            town=town,
            tier=Tier.CITY,
            information={
                "registered_population": 30000 + 4100 * index,
                "resident_population": 26000 + 3900 * index,
                "area_km2": Decimal("150.00") + 12 * index,
                "gdp": Decimal("280000.00") + 35000 * index,
                "fiscal_revenue": Decimal("9800.50") + 1200 * index,
                "characteristic_industry": ["玉米深加工", "肉牛养殖", "设施蔬菜"][index],
                "industrial_park": ["", "农安县肉牛产业园", ""][index],
                "distance_to_county_km": Decimal("22.00") + 5 * index,
                "distance_to_city_km": Decimal("68.00") + 7 * index,
                "in_changchun_metro": index != 2,
                "spatial_plan_node": index == 1,
            },
        )
        for kind, name in (
            (DocumentKind.WORK_PLAN, "十四五建设工作方案.pdf"),
            (DocumentKind.IMPLEMENTATION_PLAN, "实施方案.pdf"),
        ):
            upload = SimpleUploadedFile(f"{town.name}{name}", DEMO_PDF)
            attach_document(county, submission=submission, kind=kind, upload=upload)
        if index >= 1:
            transition(
                county,
                submission_id=submission.pk,
                action=SubmissionAction.SUBMIT,
                comment="请市住建局审核。",
            )
        if index == 2:
            transition(
                city,
                submission_id=submission.pk,
                action=SubmissionAction.RECOMMEND,
                comment="产业基础扎实，同意推荐。",
            )
    return selection_round
