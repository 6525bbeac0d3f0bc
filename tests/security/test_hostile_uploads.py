"""Every path that stores an uploaded document (issue 12, point 5): the plan documents of a submission (page
and API) and a veto's proof (page). Hostile content is refused with its Chinese reason and nothing is stored;
a name is never a path: the file lands under a generated name, the name the user gave is kept cleaned, and
the download sends it back as an attachment."""

from pathlib import Path

import pytest
from django.conf import settings

from assessment.models import Veto
from assessment.services import ensure_round
from selection.models import SubmissionDocument

from ..assessment.page_helpers import designate_all
from ..conftest import JIAOHE, PDF_BYTES, SHUANGYANG, town_in, upload
from ..hostile_files import HOSTILE_DOCUMENTS

pytestmark = pytest.mark.django_db
# Django's multipart parser already drops the NUL and the directories; the services clean what reaches them
# otherwise (test_the_service_cleans_a_name_that_reaches_it_raw, and tests/core/test_file_rules.py).
HOSTILE_NAMES = [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("a\x00.pdf", "a.pdf"),
    ("..\\..\\boot.pdf", "boot.pdf"),
]
SAMPLE = [HOSTILE_DOCUMENTS[i] for i in (0, 4, 6, 9, 13, 16, 17, 19, 24)]


def stored_files():
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def assert_generated_name(path):
    root = Path(settings.MEDIA_ROOT).resolve()
    assert root in path.resolve().parents
    assert len(path.stem) == 32 and path.suffix == ".pdf", path  # uuid4().hex


@pytest.mark.parametrize(("name", "data", "reason"), SAMPLE)
def test_the_submission_page_and_api_refuse_hostile_documents(
    client, api_client, county_official, make_draft, name, data, reason
):
    draft = make_draft(documents=False)
    client.force_login(county_official)
    response = client.post(f"/towns/submissions/{draft.pk}/documents/", {"work_plan": upload(name, data)})
    assert reason in response.content.decode().split('id="upload-form"')[1]
    api_client.force_authenticate(county_official)
    response = api_client.post(
        f"/api/v1/submissions/{draft.pk}/documents/",
        {"kind": "work_plan", "file": upload(name, data)},
        format="multipart",
    )
    assert response.status_code == 400 and reason in str(response.json())
    assert not SubmissionDocument.objects.exists() and stored_files() == []


@pytest.mark.parametrize(("given", "shown"), HOSTILE_NAMES)
def test_a_submission_documents_name_is_never_a_path(
    client, api_client, county_official, make_draft, given, shown
):
    draft = make_draft(documents=False)
    api_client.force_authenticate(county_official)
    response = api_client.post(
        f"/api/v1/submissions/{draft.pk}/documents/",
        {"kind": "work_plan", "file": upload(given, PDF_BYTES)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    document = SubmissionDocument.objects.get()
    assert document.original_name == shown
    [path] = stored_files()
    assert_generated_name(path)
    assert Path(document.file.path) == path
    client.force_login(county_official)
    download = client.get(f"/towns/submissions/{draft.pk}/documents/work_plan/")
    assert download["Content-Disposition"].startswith("attachment;")
    assert shown in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF_BYTES


@pytest.fixture
def veto_town(jilin):
    mine, foreign = town_in(SHUANGYANG, 0), town_in(JIAOHE, 0)
    designate_all([mine, foreign], "provincial")
    ensure_round(2024)
    return mine


@pytest.mark.parametrize(("given", "shown"), HOSTILE_NAMES)
def test_a_vetos_document_name_is_never_a_path(client, province_admin, veto_town, given, shown):
    client.force_login(province_admin)
    client.post(
        "/assessment/2024/vetoes/",
        {"town": veto_town.code, "reason": "拆除历史建筑", "document": upload(given, PDF_BYTES)},
    )
    veto = Veto.objects.get()
    assert veto.document_name == shown
    [path] = stored_files()
    assert_generated_name(path)
    download = client.get(f"/assessment/2024/vetoes/{veto.pk}/document/")
    assert (
        download["Content-Disposition"].startswith("attachment;") and shown in download["Content-Disposition"]
    )
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "data", "reason"), SAMPLE)
def test_the_veto_page_refuses_hostile_documents(client, province_admin, veto_town, name, data, reason):
    client.force_login(province_admin)
    response = client.post(
        "/assessment/2024/vetoes/",
        {"town": veto_town.code, "reason": "拆除历史建筑", "document": upload(name, data)},
    )
    assert reason in response.content.decode()
    assert not Veto.objects.exists() and stored_files() == []


def test_the_service_cleans_a_name_that_reaches_it_raw(county_official, make_draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from selection.services import attach_document

    draft = make_draft(documents=False)
    raw = SimpleUploadedFile("x.pdf", PDF_BYTES)
    raw._name = "../../etc/\x00passwd\r\n.pdf"  # as a caller other than the multipart parser might pass it
    document = attach_document(county_official, submission=draft, kind="work_plan", upload=raw)
    assert document.original_name == "passwd_.pdf"
    [path] = stored_files()
    assert_generated_name(path)


def refusal_events():
    from core.choices import SecurityEventKind
    from core.models import SecurityEvent

    events = SecurityEvent.objects.filter(kind=SecurityEventKind.UPLOAD_REFUSED).order_by("pk")
    return [
        (event.user_id, event.details["purpose"], event.details["file"], event.details["reason"])
        for event in events
    ]


def test_a_refused_plan_document_is_a_security_event(api_client, county_official, make_draft):
    name, data, reason = HOSTILE_DOCUMENTS[0]  # a .docx with a VBA project
    draft = make_draft(documents=False)
    api_client.force_authenticate(county_official)
    api_client.post(
        f"/api/v1/submissions/{draft.pk}/documents/",
        {"kind": "work_plan", "file": upload(name, data)},
        format="multipart",
    )
    [(user, purpose, file, message)] = refusal_events()
    assert (user, purpose, file) == (county_official.pk, "submission:work_plan", name) and reason in message


def test_a_refused_veto_proof_is_a_security_event(client, province_admin, veto_town):
    name, data, reason = HOSTILE_DOCUMENTS[0]
    client.force_login(province_admin)
    client.post(
        "/assessment/2024/vetoes/",
        {"town": veto_town.code, "reason": "拆除历史建筑", "document": upload(name, data)},
    )
    [(user, purpose, file, message)] = refusal_events()
    assert (user, purpose, file) == (province_admin.pk, "veto", name) and reason in message
