"""Shared fixtures: the real Jilin geography is loaded once per test database; users per role."""

import os

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Role, User
from towns.loaders import load_divisions
from towns.models import Town

REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"

# Real codes used across the tests.
CHANGCHUN = "2201"
JILIN_CITY = "2202"
SHUANGYANG = "220112"  # 双阳区, 长春市
NONGAN = "220122"  # 农安县, 长春市
JIAOHE = "220281"  # 蛟河市, 吉林市


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_divisions()


@pytest.fixture
def jilin(db):
    """The Jilin geography and the task areas, reloaded if a transactional test flushed them."""
    ensure_jilin()


def ensure_jilin():
    """What the migrations and load_divisions leave in a fresh database, put back where a transactional test
    flushed it."""
    if not Town.objects.exists():
        load_divisions()
    from projects.choices import TASK_AREAS, TASK_GROUPS
    from projects.models import TaskArea

    if not TaskArea.objects.exists():
        TaskArea.objects.bulk_create(
            TaskArea(code=code, name=name, group=group, group_name=TASK_GROUPS[group])
            for code, group, name in TASK_AREAS
        )


@pytest.fixture
def make_user(jilin):
    def make(role, region=None, username=None, password="Portal-test-2024"):
        username = username or f"{role}_{region or 'all'}_{User.objects.count()}"
        user = User(username=username, role=role, region_id=region)
        user.set_password(password)
        user.save()
        return user

    return make


@pytest.fixture
def province_admin(make_user):
    return make_user(Role.PROVINCE_ADMIN, username="admin")


@pytest.fixture
def province_viewer(make_user):
    return make_user(Role.PROVINCE_VIEWER, username="viewer")


@pytest.fixture
def city_official(make_user):
    return make_user(Role.CITY_OFFICIAL, CHANGCHUN, username="changchun")


@pytest.fixture
def county_official(make_user):
    return make_user(Role.COUNTY_OFFICIAL, SHUANGYANG, username="shuangyang")


@pytest.fixture
def other_county_official(make_user):
    return make_user(Role.COUNTY_OFFICIAL, JIAOHE, username="jiaohe")


@pytest.fixture
def auditor(make_user):
    return make_user(Role.AUDITOR, username="auditor")


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(request, monkeypatch):
    """client.force_login stands for a finished login: the session has passed the second factor, as a 2FA
    role's would after its code (accounts.second_factor). Tests of the login's steps themselves opt out with
    @pytest.mark.real_second_factor and go through the pages."""
    if request.node.get_closest_marker("real_second_factor"):
        return
    from django.test.client import ClientMixin

    from accounts.second_factor import SESSION_STATE, VERIFIED

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session[SESSION_STATE] = VERIFIED
        session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture
def captcha_test_mode(monkeypatch):
    """django-simple-captcha's test mode: the answer "PASSED" is right (any other answer is still wrong)."""
    from captcha.conf import settings as captcha_settings

    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)


@pytest.fixture
def system_admin(make_user):
    return make_user(Role.SYSTEM_ADMIN, username="sysadmin")


@pytest.fixture
def security_admin(make_user):
    return make_user(Role.SECURITY_ADMIN, username="secadmin")


@pytest.fixture
def audit_admin(make_user):
    return make_user(Role.AUDIT_ADMIN, username="auditadmin")


@pytest.fixture
def break_glass(make_user):
    """The operator's break-glass account (createsuperuser): the only superuser (三员, ADR 12)."""
    user = make_user(Role.PROVINCE_ADMIN, username="breakglass")
    user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def api_client():
    return APIClient()


def issue_api_token(user):
    """A usable API token of user (a partner's, usually): the one place the tests make one, so that the token
    model can change without touching them."""
    from accounts.services import issue_token

    return issue_token(None, user, name="测试令牌").key


def token_client(key):
    """An API client that authenticates with the token key, as a partner's program does."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api_as(api_client):
    def as_user(user):
        api_client.force_authenticate(user=user)
        return api_client

    return as_user


def town_in(county_code, index=0):
    """The index-th 镇 (by code) of a county-level unit."""
    return Town.objects.filter(county_id=county_code, kind="town").order_by("code")[index]


@pytest.fixture
def require_services(db):
    """PostgreSQL in use and Redis reachable; skip on a bare machine, fail under CI."""
    problems = []
    if connection.vendor != "postgresql":
        problems.append(f"database is {connection.vendor}, not PostgreSQL (set DATABASE_URL)")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        problems.append("REDIS_URL is not set")
    else:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            problems.append(f"Redis at {redis_url} does not answer: {exc}")
    if problems:
        message = "; ".join(problems)
        if REQUIRE_SERVICES:
            pytest.fail(f"service test cannot run under CI: {message}")
        pytest.skip(message)


# --- selection (R3) ---------------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def office_bytes(kind="docx"):
    """A minimal but well-formed .docx or .xlsx (a zip with the parts that identify it)."""
    import io
    import zipfile

    part = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # A fixed timestamp: the same call gives the same bytes, whatever second it runs in.
        for name, content in (("[Content_Types].xml", "<Types/>"), (part, "<document/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


COMPLETE_INFORMATION = {
    "registered_population": 32000,
    "resident_population": 28500,
    "area_km2": "186.40",
    "gdp": "356000.00",
    "fiscal_revenue": "12800.50",
    "characteristic_industry": "梅花鹿养殖与深加工",
    "industrial_park": "鹿乡镇梅花鹿产业园",
    "distance_to_county_km": "18.50",
    "distance_to_city_km": "45.00",
    "in_changchun_metro": True,
    "key_assistance_county": False,
}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path_factory):
    """Uploaded documents and job result files go to fresh directories per test, never into var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("uploads")
    settings.JOB_RESULTS_DIR = tmp_path_factory.mktemp("jobs")
    settings.IMPORT_DIR = tmp_path_factory.mktemp("imports")


@pytest.fixture
def open_round(province_admin):
    import datetime

    from django.utils import timezone

    from selection.services import save_round

    deadline = timezone.localdate() + datetime.timedelta(days=30)
    return save_round(
        province_admin, name="2026年示范镇评选", tiers=["provincial", "city", "county"], deadline=deadline
    )


@pytest.fixture
def closed_round(province_admin):
    import datetime

    from selection.services import save_round

    return save_round(
        province_admin,
        name="第一批示范镇评选",
        tiers=["provincial", "city"],
        deadline=datetime.date(2022, 4, 30),
    )


@pytest.fixture
def make_draft(county_official, open_round):
    """A complete draft of a 双阳区 town with both documents, ready to submit."""
    from selection.services import attach_document, create_submission

    def make(town=None, tier="county", documents=True, information=None, user=None, selection_round=None):
        submission = create_submission(
            user or county_official,
            selection_round=selection_round or open_round,
            town=town or town_in(SHUANGYANG),
            tier=tier,
            information=dict(COMPLETE_INFORMATION if information is None else information),
        )
        if documents:
            attach_document(
                user or county_official,
                submission=submission,
                kind="work_plan",
                upload=upload("十四五建设工作方案.pdf", PDF_BYTES),
            )
            attach_document(
                user or county_official,
                submission=submission,
                kind="implementation_plan",
                upload=upload("实施方案.docx", office_bytes()),
            )
        return submission

    return make


def bulk_submissions(selection_round, created_by, count, status="draft"):
    """count complete candidates over the 镇 of 长春市, each with its two documents, for query-count tests.

    Rows only (bulk_create): no file is stored, nothing is audited; the documents' paths are never read.
    """
    from selection.models import Submission, SubmissionDocument
    from towns.models import Town

    towns = Town.objects.filter(city_id=CHANGCHUN, kind="town").order_by("code")[:count]
    submissions = Submission.objects.bulk_create(
        Submission(
            round=selection_round,
            town=town,
            tier="county",
            status=status,
            created_by=created_by,
            **COMPLETE_INFORMATION,
        )
        for town in towns
    )
    SubmissionDocument.objects.bulk_create(
        SubmissionDocument(
            submission=submission,
            kind=kind,
            file=f"submissions/{selection_round.pk}/{submission.pk}-{kind}.pdf",
            original_name=f"{kind}.pdf",
            file_type="pdf",
            size=100,
            sha256="0" * 64,
        )
        for submission in submissions
        for kind in ("work_plan", "implementation_plan")
    )
    return submissions


# --- projects and funding (R4–R6) -------------------------------------------------------------------------

PROJECT_DATA = {
    "name": "镇区污水管网改造工程",
    "task_area": "T05",
    "public_welfare": True,
    "special_bond_field": False,
    "investment": "1200.00",
    "annual_revenue": "0.00",
    "annual_debt_service": "0.00",
    "start_year": 2025,
    "end_year": 2027,
}


@pytest.fixture
def demo_town(jilin):
    """A provincial demonstration town in 双阳区 (长春市)."""
    from towns.services import designate

    town = town_in(SHUANGYANG)
    designate(town, "provincial", 2022, doc_no="吉示范镇办〔2022〕1号")
    return town


@pytest.fixture
def make_project(county_official, demo_town):
    """make_project(**overrides) → a project of the 双阳区 provincial town through the service."""
    from projects.services import create_project

    def make(town=None, user=None, **overrides):
        return create_project(
            user or county_official, town=town or demo_town, data={**PROJECT_DATA, **overrides}
        )

    return make


@pytest.fixture
def county_quota(province_admin, jilin):
    """双阳区's 2026 new-debt quota: 1,000 万元 general, 800 万元 special."""
    from funding.services import set_quota
    from towns.models import Region

    return set_quota(
        province_admin,
        region=Region.objects.get(code=SHUANGYANG),
        year=2026,
        general_amount="1000.00",
        special_amount="800.00",
    )


@pytest.fixture(scope="session")
def openapi_schema(tmp_path_factory, django_db_setup, django_db_blocker):
    """The OpenAPI schema of API v1, generated once per test session (and validated, warnings failing)."""
    import yaml
    from django.core.management import call_command

    target = tmp_path_factory.mktemp("schema") / "schema.yml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    return yaml.safe_load(target.read_text(encoding="utf-8"))
