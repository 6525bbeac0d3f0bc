"""API v1 plan documents (R3): upload by the owning county's draft, download within the scope."""

import hashlib

import pytest

from selection.models import SubmissionDocument

from ...conftest import JIAOHE, PDF_BYTES, office_bytes, upload

URL = "/api/v1/submissions/"

pytestmark = pytest.mark.django_db


def post(client, submission, kind, name, data):
    return client.post(
        f"{URL}{submission.pk}/documents/", {"kind": kind, "file": upload(name, data)}, format="multipart"
    )


@pytest.mark.parametrize(
    ("kind", "name", "data", "file_type"),
    [
        ("work_plan", "十四五建设工作方案.pdf", PDF_BYTES, "pdf"),
        ("implementation_plan", "实施方案.docx", office_bytes("docx"), "docx"),
        ("implementation_plan", "项目清单.xlsx", office_bytes("xlsx"), "xlsx"),
    ],
)
def test_the_county_uploads_a_document(api_as, make_draft, county_official, kind, name, data, file_type):
    draft = make_draft(documents=False)
    response = post(api_as(county_official), draft, kind, name, data)
    assert response.status_code == 201, response.content
    item = response.json()
    assert {key: item[key] for key in ("kind", "original_name", "file_type", "size", "sha256")} == {
        "kind": kind,
        "original_name": name,
        "file_type": file_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    assert item["url"] == f"http://testserver{URL}{draft.pk}/documents/{kind}/"
    stored = SubmissionDocument.objects.get(submission=draft, kind=kind)
    assert stored.uploaded_by == county_official
    assert stored.file.read() == data


def test_a_second_upload_replaces_the_first(api_as, make_draft, county_official):
    draft = make_draft()
    response = post(api_as(county_official), draft, "work_plan", "新方案.pdf", PDF_BYTES + b"%new")
    assert response.status_code == 201, response.content
    assert (
        SubmissionDocument.objects.filter(submission=draft, kind="work_plan").get().original_name
        == "新方案.pdf"
    )
    body = api_as(county_official).get(f"{URL}{draft.pk}/documents/work_plan/")
    assert b"".join(body.streaming_content) == PDF_BYTES + b"%new"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("方案.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "可执行程序"),
        ("方案.exe", b"MZ\x90\x00" + b"\x00" * 64, "只接受 PDF"),
        ("方案.docx", PDF_BYTES, "扩展名为 .docx，但内容是 PDF"),
        ("方案.pdf", office_bytes("xlsx"), "扩展名为 .pdf，但内容是 Excel"),
        ("方案.pdf", b"just text, not a pdf", "不是有效的 PDF"),
    ],
)
def test_bad_files_are_refused(api_as, make_draft, county_official, name, data, message):
    draft = make_draft(documents=False)
    response = post(api_as(county_official), draft, "work_plan", name, data)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not SubmissionDocument.objects.filter(submission=draft).exists()


def test_an_oversize_file_is_refused(api_as, make_draft, county_official, monkeypatch):
    monkeypatch.setattr("core.files.MAX_DOCUMENT_BYTES", 64)
    draft = make_draft(documents=False)
    response = post(api_as(county_official), draft, "work_plan", "方案.pdf", PDF_BYTES)
    assert response.status_code == 400
    assert "超过" in response.json()["detail"]
    assert not SubmissionDocument.objects.exists()


def test_missing_kind_or_file_is_refused(api_as, make_draft, county_official):
    draft = make_draft(documents=False)
    client = api_as(county_official)
    response = client.post(f"{URL}{draft.pk}/documents/", {"kind": "work_plan"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    response = post(client, draft, "budget", "方案.pdf", PDF_BYTES)
    assert response.status_code == 400 and "kind" in response.json()
    response = client.post(f"{URL}{draft.pk}/documents/", {"kind": "work_plan"}, format="json")
    assert response.status_code == 415
    assert not SubmissionDocument.objects.exists()


def test_upload_outside_the_scope_is_404(api_as, make_draft, other_county_official):
    draft = make_draft(documents=False)
    response = post(api_as(other_county_official), draft, "work_plan", "方案.pdf", PDF_BYTES)
    assert response.status_code == 404
    assert not SubmissionDocument.objects.exists()


def test_only_the_owning_county_uploads_and_only_to_a_draft(
    api_as, make_draft, county_official, city_official, province_viewer
):
    from selection.services import transition

    draft = make_draft()
    response = post(api_as(city_official), draft, "work_plan", "方案.pdf", PDF_BYTES)
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "只有县（市、区）工作人员可以填报候选镇。"},
    )
    assert post(api_as(province_viewer), draft, "work_plan", "方案.pdf", PDF_BYTES).status_code == 403
    transition(county_official, submission_id=draft.pk, action="submit")
    response = post(api_as(county_official), draft, "work_plan", "方案.pdf", PDF_BYTES)
    assert (response.status_code, response.json()) == (400, {"detail": "当前状态为“已上报”，不能修改。"})
    assert (
        SubmissionDocument.objects.get(submission=draft, kind="work_plan").original_name
        == "十四五建设工作方案.pdf"
    )


@pytest.mark.parametrize(
    "reader", ["county_official", "city_official", "province_admin", "province_viewer", "auditor"]
)
def test_download_within_the_scope(api_as, request, make_draft, reader):
    draft = make_draft()
    response = api_as(request.getfixturevalue(reader)).get(f"{URL}{draft.pk}/documents/implementation_plan/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == office_bytes()
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88.docx" in disposition  # 实施方案.docx


def test_download_answers_a_specific_accept_header(api_as, make_draft, county_official):
    draft = make_draft()
    response = api_as(county_official).get(
        f"{URL}{draft.pk}/documents/work_plan/", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"


def test_download_outside_the_scope_or_missing_is_404(
    api_as, make_draft, make_user, other_county_official, county_official
):
    draft = make_draft(documents=False)
    from selection.services import attach_document

    attach_document(county_official, submission=draft, kind="work_plan", upload=upload("方案.pdf", PDF_BYTES))
    for user in (other_county_official, make_user("city_official", JIAOHE[:4], username="jilin_city")):
        response = api_as(user).get(f"{URL}{draft.pk}/documents/work_plan/")
        assert (response.status_code, response.json()) == (404, {"detail": "未找到。"})
    response = api_as(county_official).get(f"{URL}{draft.pk}/documents/implementation_plan/")
    assert response.status_code == 404
    assert api_as(county_official).get(f"{URL}{draft.pk}/documents/budget/").status_code == 404
    assert api_as(county_official).get(f"{URL}987654/documents/work_plan/").status_code == 404


def test_download_of_a_lost_file_is_404(api_as, make_draft, county_official):
    draft = make_draft()
    document = SubmissionDocument.objects.get(submission=draft, kind="work_plan")
    document.file.storage.delete(document.file.name)
    assert api_as(county_official).get(f"{URL}{draft.pk}/documents/work_plan/").status_code == 404


def test_anonymous_cannot_download(api_client, make_draft):
    draft = make_draft()
    assert api_client.get(f"{URL}{draft.pk}/documents/work_plan/").status_code == 401
