"""R3 services: rounds, drafts, documents checked by content, and R2 tier changes outside a round."""

import datetime
import os

import pytest
from auditlog.models import LogEntry
from django.conf import settings

from core.errors import DomainError, NotVisible
from selection.models import Submission, SubmissionDocument
from selection.selectors import document_for
from selection.services import attach_document, create_submission, save_round, update_submission
from towns.models import Designation
from towns.services import change_tier, designate

from ..conftest import COMPLETE_INFORMATION, JIAOHE, PDF_BYTES, SHUANGYANG, office_bytes, town_in, upload


def stored_files():
    return [os.path.join(d, f) for d, _, files in os.walk(settings.MEDIA_ROOT) for f in files]


def test_round_needs_an_admin_valid_tiers_and_a_date(province_admin, county_official):
    created = save_round(
        province_admin,
        name="第一批",
        tiers=["city", "provincial", "city"],
        deadline=datetime.date(2022, 4, 30),
    )
    assert (created.tiers, created.year, created.is_open(datetime.date(2022, 4, 30))) == (
        ["provincial", "city"],
        2022,
        True,
    )
    assert not created.is_open(datetime.date(2022, 5, 1))
    with pytest.raises(DomainError, match="只有省级管理员"):
        save_round(county_official, name="x", tiers=["city"], deadline=datetime.date(2030, 1, 1))
    with pytest.raises(DomainError, match="请选择评选层级"):
        save_round(province_admin, name="x", tiers=["national"], deadline=datetime.date(2030, 1, 1))
    with pytest.raises(DomainError, match="名称"):
        save_round(province_admin, name="第一批", tiers=["city"], deadline=datetime.date(2030, 1, 1))


def test_county_creates_a_draft_for_its_town_only(county_official, open_round):
    draft = create_submission(
        county_official,
        selection_round=open_round,
        town=town_in(SHUANGYANG),
        tier="county",
        information=COMPLETE_INFORMATION,
    )
    assert (draft.status, draft.created_by, str(draft.gdp)) == ("draft", county_official, "356000.00")
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        create_submission(
            county_official, selection_round=open_round, town=town_in(JIAOHE), tier="county", information={}
        )
    with pytest.raises(DomainError, match="已有申报"):
        create_submission(
            county_official, selection_round=open_round, town=town_in(SHUANGYANG), tier="city", information={}
        )
    assert Submission.objects.count() == 1


def test_absurd_figures_are_refused_with_their_labels(county_official, open_round):
    with pytest.raises(DomainError) as caught:
        create_submission(
            county_official,
            selection_round=open_round,
            town=town_in(SHUANGYANG),
            tier="county",
            information={"gdp": "-5", "fiscal_revenue": "20000000", "area_km2": "abc"},
        )
    text = caught.value.message
    assert (
        "地区生产总值（万元）" in text and "一般公共预算收入（万元）" in text and "面积（平方公里）" in text
    )
    assert not Submission.objects.exists()


def test_subdistrict_and_designated_towns_are_not_candidates(county_official, open_round):
    from towns.models import Town

    with pytest.raises(DomainError, match="只有建制镇可以申报"):
        create_submission(
            county_official,
            selection_round=open_round,
            town=Town.objects.get(code="220112001"),
            tier="county",
            information={},
        )
    designate(town_in(SHUANGYANG), "city", 2022)
    with pytest.raises(DomainError, match="同级或更高层级"):
        create_submission(
            county_official,
            selection_round=open_round,
            town=town_in(SHUANGYANG),
            tier="county",
            information={},
        )


def test_closed_round_takes_no_new_drafts_and_no_edits(county_official, closed_round, make_draft):
    with pytest.raises(DomainError, match="截止"):
        create_submission(
            county_official,
            selection_round=closed_round,
            town=town_in(SHUANGYANG, 1),
            tier="city",
            information={},
        )
    draft = make_draft()
    draft.round.deadline = datetime.date(2022, 4, 30)
    draft.round.save()
    with pytest.raises(DomainError, match="截止"):
        update_submission(county_official, submission=draft, information={"gdp": "1.00"})


def test_update_only_while_draft_and_by_the_owner(make_draft, county_official, other_county_official):
    draft = make_draft(documents=False)
    update_submission(county_official, submission=draft, information={"characteristic_industry": "人参"})
    draft.refresh_from_db()
    assert draft.characteristic_industry == "人参"
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        update_submission(other_county_official, submission=draft, information={"gdp": "1.00"})
    with pytest.raises(DomainError, match="不能填写的字段"):
        update_submission(county_official, submission=draft, information={"status": "selected"})
    assert draft.status == "draft"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plan.pdf", PDF_BYTES),
        ("plan.docx", office_bytes("docx")),
        ("plan.xlsx", office_bytes("xlsx")),
        ("plan.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 100),
    ],
)
def test_accepted_document_types(make_draft, county_official, name, data):
    draft = make_draft(documents=False)
    document = attach_document(county_official, submission=draft, kind="work_plan", upload=upload(name, data))
    assert document.file_type == name.rsplit(".", 1)[1]
    assert document.size == len(data)
    with document.file.open("rb") as handle:
        assert handle.read() == data
    assert not document.file.path.startswith(str(settings.BASE_DIR / "static"))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "可执行程序"),
        ("plan.exe", b"MZ\x90\x00", "只接受 PDF"),
        ("plan.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "不是有效的 PDF"),
        ("plan.docx", PDF_BYTES, "扩展名为 .docx，但内容是 PDF"),
        ("plan.xlsx", office_bytes("docx"), "内容是 Word"),
        ("plan.pdf", b"", "文件为空"),
    ],
)
def test_refused_documents_store_nothing(make_draft, county_official, name, data, message):
    draft = make_draft(documents=False)
    with pytest.raises(DomainError, match=message):
        attach_document(county_official, submission=draft, kind="work_plan", upload=upload(name, data))
    assert not SubmissionDocument.objects.exists()
    assert stored_files() == []


def test_oversize_document_is_refused_before_reading(make_draft, county_official):
    draft = make_draft(documents=False)
    big = upload("plan.pdf", PDF_BYTES + b"0" * (20 * 1024 * 1024))
    with pytest.raises(DomainError, match="超过 20 MB"):
        attach_document(county_official, submission=draft, kind="work_plan", upload=big)
    assert stored_files() == []


def test_replacing_a_document_removes_the_old_file_once_committed(
    make_draft, county_official, django_capture_on_commit_callbacks
):
    draft = make_draft(documents=False)
    attach_document(county_official, submission=draft, kind="work_plan", upload=upload("v1.pdf", PDF_BYTES))
    with django_capture_on_commit_callbacks(execute=True):
        attach_document(
            county_official, submission=draft, kind="work_plan", upload=upload("v2.pdf", PDF_BYTES + b"%v2")
        )
    assert list(SubmissionDocument.objects.values_list("original_name", flat=True)) == ["v2.pdf"]
    assert len(stored_files()) == 1


def test_documents_are_served_only_within_scope(
    make_draft, county_official, city_official, other_county_official, auditor
):
    draft = make_draft()
    for user in (county_official, city_official, auditor):
        assert (
            document_for(user, submission_id=draft.pk, kind="work_plan").original_name
            == "十四五建设工作方案.pdf"
        )
    with pytest.raises(NotVisible):
        document_for(other_county_official, submission_id=draft.pk, kind="work_plan")
    with pytest.raises(NotVisible):
        document_for(county_official, submission_id=draft.pk + 1000, kind="work_plan")


def test_submission_writes_are_audited(make_draft, county_official):
    draft = make_draft()
    assert LogEntry.objects.get_for_object(draft).filter(action=LogEntry.Action.CREATE).exists()
    assert LogEntry.objects.filter(content_type__model="submissiondocument").count() == 2


def test_province_admin_promotes_changes_and_withdraws(province_admin):
    town = town_in(SHUANGYANG)
    designate(town, "county", 2022, doc_no="双政发〔2022〕1号")
    change_tier(
        province_admin,
        town=town,
        change="promote",
        year=2024,
        doc_no="吉示范镇办〔2024〕3号",
        new_tier="provincial",
    )
    change_tier(
        province_admin, town=town, change="change", year=2025, doc_no="吉示范镇办〔2025〕1号", new_tier="city"
    )
    change_tier(province_admin, town=town, change="withdraw", year=2026, doc_no="吉示范镇办〔2026〕9号")
    history = list(
        town.designations.order_by("from_year", "id").values_list(
            "tier", "from_year", "to_year", "began", "ended", "end_doc_no"
        )
    )
    assert history == [
        ("county", 2022, 2024, "selected", "promoted", "吉示范镇办〔2024〕3号"),
        ("provincial", 2024, 2025, "promoted", "changed", "吉示范镇办〔2025〕1号"),
        ("city", 2025, 2026, "changed", "withdrawn", "吉示范镇办〔2026〕9号"),
    ]
    assert not Designation.objects.active().filter(town=town).exists()


def test_city_official_changes_city_level_towns_of_its_city_only(city_official, make_user):
    town = town_in(SHUANGYANG)
    designate(town, "county", 2022)
    change_tier(
        city_official, town=town, change="promote", year=2024, doc_no="长府办〔2024〕1号", new_tier="city"
    )
    assert town.active_designation().tier == "city"
    with pytest.raises(DomainError, match="由省级管理员办理"):
        change_tier(
            city_official,
            town=town,
            change="promote",
            year=2025,
            doc_no="长府办〔2025〕1号",
            new_tier="provincial",
        )
    other_city = make_user("city_official", region=JIAOHE[:4])
    with pytest.raises(DomainError, match="不在您的管辖范围内"):
        change_tier(other_city, town=town, change="withdraw", year=2025, doc_no="吉市府〔2025〕1号")
    with pytest.raises(DomainError, match="早于"):
        change_tier(city_official, town=town, change="withdraw", year=2020, doc_no="长府办〔2020〕1号")
    assert town.active_designation().tier == "city"
