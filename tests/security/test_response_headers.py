"""The headers every answer carries (issue 12, point 5): a Content-Security-Policy with the directives of the
brief, Referrer-Policy same-origin and a Permissions-Policy on pages, API answers and errors; every kind of
download (a list's export, a plan document, a veto's proof, the notice's PDF and .docx, a job's result) is
an attachment with nosniff."""

import pytest

from core.middleware import permissions_policy

from ..assessment.page_helpers import Scenario, compute
from ..conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy_of(response):
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_security_headers(response):
    policy = policy_of(response)
    for directive, value in DIRECTIVES.items():
        assert policy[directive] == value, (directive, policy)
    # Styles: the portal's files, and inline <style> only with this response's nonce; never 'unsafe-inline'.
    assert policy["style-src"].startswith("'self'") and "unsafe-inline" not in policy["style-src"]
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert response["Referrer-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_api_answers_and_errors_carry_the_headers(client, api_client, province_admin):
    assert_security_headers(client.get("/login/"))
    client.force_login(province_admin)
    assert_security_headers(client.get("/"))
    assert_security_headers(client.get("/towns/"))
    assert_security_headers(client.get("/no-such-page/"))
    api_client.force_authenticate(province_admin)
    assert_security_headers(api_client.get("/api/v1/towns/"))
    assert_security_headers(api_client.get("/api/v1/towns/999999999/"))


def test_a_page_with_an_inline_style_element_gets_its_nonce(client, province_admin):
    client.force_login(province_admin)
    response = client.get("/api/redoc/")
    nonce = policy_of(response)["style-src"].split("'nonce-")[1].split("'")[0]
    assert f'<style nonce="{nonce}">' in response.content.decode()
    assert "<script>" not in response.content.decode()  # ReDoc's init is static/js/redoc-init.js


def test_permissions_policy_is_written_as_the_header_expects():
    assert permissions_policy({"camera": [], "geolocation": ["self"]}) == "camera=(), geolocation=(self)"


def assert_attachment(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;"), response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_exports_and_documents_are_attachments(client, province_admin, county_official, make_draft):
    client.force_login(province_admin)
    assert_attachment(client.get("/towns/export.xlsx"))
    assert_attachment(client.get("/projects/export.xlsx"))
    draft = make_draft()
    client.force_login(county_official)
    assert_attachment(client.get(f"/towns/submissions/{draft.pk}/documents/work_plan/"))
    assert_attachment(client.get(f"/api/v1/submissions/{draft.pk}/documents/work_plan/"))


def test_the_notice_pdf_and_docx_are_attachments(client, jilin, make_user, monkeypatch):
    # The rendering itself is tested in tests/assessment/test_notice_*.py; here only how it is answered.
    monkeypatch.setattr("assessment.notice.pdf.notice_pdf", lambda content: PDF_BYTES)
    monkeypatch.setattr("assessment.notice.word.notice_docx", lambda content: b"PK\x03\x04docx")
    admin = make_user("province_admin", username="notice-admin")
    Scenario(admin)
    compute(2024)
    client.force_login(admin)
    assert_attachment(client.get("/assessment/2024/notices/praise.pdf"))
    assert_attachment(client.get("/assessment/2024/notices/praise.docx"))


def test_a_jobs_result_is_an_attachment(
    client, jilin, province_admin, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.JOB_RESULTS_DIR = tmp_path
    settings.EXPORT_INLINE_MAX_ROWS = 0  # every export runs as a tracked job (eager, once committed)
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/towns/export.xlsx")
    assert response.status_code == 302, response.status_code
    job_url = response["Location"]
    download = client.get(f"{job_url.rstrip('/')}/download/")
    assert_attachment(download)


def test_only_the_browsable_api_allows_drfs_own_style_attributes(client, province_admin):
    from core.api.renderers import BROWSABLE_API_STYLE_ATTRIBUTES, style_hash

    client.force_login(province_admin)
    browsable = policy_of(client.get("/api/v1/towns/", HTTP_ACCEPT="text/html"))["style-src"]
    assert "'unsafe-hashes'" in browsable and style_hash(BROWSABLE_API_STYLE_ATTRIBUTES[0]) in browsable
    assert "unsafe-inline" not in browsable
    for response in (client.get("/api/v1/towns/", HTTP_ACCEPT="application/json"), client.get("/towns/")):
        assert "unsafe-hashes" not in policy_of(response)["style-src"]
