"""The registry of the route matrix (tests/security/test_route_matrix.py): every named URL of the portal.

A new route fails the matrix until it has an entry here (Zulip's test_urls habit). An entry says what the
route takes and what it is:

- `obj`: the kind of object its URL (kwargs), query string or body names, a key of the dataset
  (tests/security/matrix_data.py: a regional object such as "project" or "town", a person's own "job",
  "notification" or "import", or a province-wide "selection_round", "year", "task_area"); None for a route
  that takes no object (home, a list, the login page). `ID` in kwargs/query/body stands for its identifier.
- `kind`: "page" (HTML, a list or a form), "detail", "write", "export" (.xlsx), "file" (a download), "api"
  (JSON), "public" (anonymous may use it), "admin" (Django admin: province_admin only).
- `methods`: what the matrix sends; a write method (POST, PUT, PATCH, DELETE) runs inside the test's
  transaction, rolled back after it.
- `sees_all`: roles that read every region through this route by design (the audit log's readers, 三员);
  `token_writes`: a partner's token may write here (it manages its own tokens).
- `rows`: for an API list, the kind of object its rows are; region B's id must not be among them.
- `writers`: the roles that may write through it (default: the writing roles of core.scoping); every other
  principal — a partner token above all — is refused.

Example: a page /towns/<code>/notes/ named "town-notes" that lists a town's notes and takes a POST:
    "town-notes": Route("page", obj="town", kwargs={"code": ID}, methods=("GET", "POST")),
"""

from dataclasses import dataclass, field

from core.permission_map import AUDIT_LOG_READERS, SECURITY_EVENT_READERS
from core.roles import Role
from core.scoping import WRITING_ROLES

ID = "{ID}"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PROVINCE_ADMIN_ONLY = frozenset({Role.PROVINCE_ADMIN})
COUNTY_ONLY = frozenset({Role.COUNTY_OFFICIAL})
CITY_AND_PROVINCE = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICIAL})
EVERYONE = frozenset(Role.values)  # a person's own things (their tokens, notifications)


@dataclass(frozen=True)
class Route:
    kind: str
    obj: str | None = None
    methods: tuple = ("GET",)
    kwargs: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    body: dict = field(default_factory=dict)
    writers: frozenset = WRITING_ROLES
    public: bool = False
    multipart: bool = False
    sees_all: frozenset = frozenset()  # roles this route shows every region to (the audit log's readers)
    token_writes: bool = False  # a partner's token may write here (its own tokens)
    rows: str | None = None  # an API list: the kind of its rows, whose "id" (towns: "code") B's must not be
    note: str = ""

    @property
    def api(self):
        return self.kind == "api"


def page(obj=None, methods=("GET",), **options):
    return Route("page", obj=obj, methods=methods, **options)


def api(obj=None, methods=("GET",), **options):
    return Route("api", obj=obj, methods=methods, **options)


def export(obj=None, **options):
    return Route("export", obj=obj, **options)


PK = {"pk": ID}
CODE = {"code": ID}
YEAR = {"year": ID}

PROJECT_BODY = {
    "task_area": "T05",
    "name": "镇区污水管网改造工程",
    "public_welfare": True,
    "investment": "1200.00",
    "start_year": 2025,
    "end_year": 2027,
}
REPORT_BODY = {
    "period_type": "month",
    "year": 2025,
    "number": 6,
    "cumulative_investment": "10",
    "percent_complete": "1",
}

ROUTES = {
    # --- no object: the home page, login, search, dashboards -------------------------------------------------
    "home": page(),
    "login": Route("public", methods=("GET",), public=True),
    "logout": Route("public", methods=("GET", "POST"), public=True, note="logs out whoever asks"),
    # The login's second step and the captcha are reached before or during login (accounts, django-simple-captcha).
    "second-factor-verify": page(methods=("GET", "POST"), writers=EVERYONE),
    "captcha-image": Route("public", kwargs={"key": "nokey"}, public=True),
    "captcha-image-2x": Route("public", kwargs={"key": "nokey"}, public=True),
    "captcha-audio": Route("public", kwargs={"key": "nokey"}, public=True),
    "captcha-refresh": Route("public", public=True),
    # --- one's own account: 2FA, backup codes, password ---------------------------------------------------------
    "account-security": page(),
    "second-factor-enrol": page(methods=("GET", "POST"), writers=EVERYONE),
    "backup-codes": page(methods=("POST",), writers=EVERYONE),
    "password-change": page(methods=("GET", "POST"), writers=EVERYONE),
    "search": page(query={"q": "镇"}),
    "dashboard-region": page(obj="region", kwargs=CODE),
    "dashboard-export": export(),
    "inbox": page(),
    "inbox-export": export(),
    # --- core: notifications, jobs, imports, audit (a person's own) ------------------------------------------
    "notice-list": page(),
    "notice-export": export(),
    "notice-read-all": page(methods=("POST",), writers=frozenset(Role.values)),
    "notice-open": page(obj="notification", kwargs=PK),
    "notice-read": page(obj="notification", kwargs=PK, methods=("POST",), writers=frozenset(Role.values)),
    "job-list": page(),
    "job-export": export(),
    "job-detail": page(obj="job", kwargs=PK),
    "job-cancel": page(obj="job", kwargs=PK, methods=("POST",), writers=frozenset(Role.values)),
    "job-download": Route("file", obj="job", kwargs=PK),
    "import-preview": page(obj="import", kwargs=PK),
    "import-confirm": page(obj="import", kwargs=PK, methods=("POST",)),
    "import-template": Route("file", kwargs={"kind": "towns.designations"}),
    "audit-log": page(sees_all=AUDIT_LOG_READERS),
    "audit-log-export": export(sees_all=AUDIT_LOG_READERS),
    "security-event-list": page(sees_all=SECURITY_EVENT_READERS),
    "security-event-export": export(sees_all=SECURITY_EVENT_READERS),
    # --- accounts: a person's own API tokens (the security administrator's: everyone's) ----------------------
    "token-list": page(methods=("GET", "POST"), writers=EVERYONE, body={"name": "矩阵令牌", "days": "30"}),
    "token-revoke": page(obj="token", kwargs=PK, methods=("POST",), writers=EVERYONE),
    "token-admin-list": page(),
    # --- selection (R3) --------------------------------------------------------------------------------------
    "round-list": page(),
    "round-list-export": export(),
    "round-create": page(methods=("GET", "POST"), writers=PROVINCE_ADMIN_ONLY),
    "round-detail": page(obj="selection_round", kwargs=PK),
    "round-detail-export": export(obj="selection_round", kwargs=PK),
    "round-edit": page(
        obj="selection_round", kwargs=PK, methods=("GET", "POST"), writers=PROVINCE_ADMIN_ONLY
    ),
    "round-review": page(obj="selection_round", kwargs=PK),
    "round-review-export": export(obj="selection_round", kwargs=PK),
    "submission-create": page(obj="selection_round", kwargs=PK, methods=("GET", "POST"), writers=COUNTY_ONLY),
    "submission-detail": page(obj="submission", kwargs=PK),
    "submission-edit": page(obj="submission", kwargs=PK, methods=("GET", "POST"), writers=COUNTY_ONLY),
    "submission-delete": page(obj="submission", kwargs=PK, methods=("POST",), writers=COUNTY_ONLY),
    "submission-upload": page(obj="submission", kwargs=PK, methods=("POST",), writers=COUNTY_ONLY),
    "submission-document": Route("file", obj="submission", kwargs={"pk": ID, "kind": "work_plan"}),
    "submission-transition": page(
        obj="submission", kwargs={"pk": ID, "action": "submit"}, methods=("POST",), writers=COUNTY_ONLY
    ),
    # --- towns (R1, R2) ---------------------------------------------------------------------------------------
    "town-list": page(),
    "town-export": export(),
    "town-suggest": page(query={"q": "镇"}),
    "quota-page": page(),
    "quota-export": export(),
    "designation-list": page(),
    "designation-export": export(),
    "designation-import": page(methods=("GET", "POST"), writers=PROVINCE_ADMIN_ONLY),
    "designation-import-template": Route("file"),
    "town-tier-change": page(
        obj="town", kwargs=CODE, methods=("POST",), writers=CITY_AND_PROVINCE, body={"tier": "city"}
    ),
    "town-detail": page(obj="town", kwargs=CODE),
    # --- projects (R4, R5) ------------------------------------------------------------------------------------
    "project-list": page(),
    "project-export": export(),
    "report-list": page(),
    "report-export": export(),
    "project-import": page(methods=("GET", "POST"), writers=COUNTY_ONLY),
    "report-import": page(methods=("GET", "POST"), writers=COUNTY_ONLY),
    "project-create": page(
        obj="town",
        methods=("GET", "POST"),
        writers=COUNTY_ONLY,
        body={**PROJECT_BODY, "town": ID, "investment": "100", "public_welfare": "on"},
    ),
    "project-unreported": page(),
    "project-unreported-export": export(),
    "task-area-summary": page(),
    "task-area-export": export(),
    "project-detail": page(obj="project", kwargs=PK),
    "project-edit": page(
        obj="project",
        kwargs=PK,
        methods=("GET", "POST"),
        writers=COUNTY_ONLY,
        body={
            "task_area": "T05",
            "name": "改名",
            "investment": "1",
            "start_year": "2025",
            "end_year": "2027",
        },
    ),
    "project-status": page(
        obj="project", kwargs=PK, methods=("POST",), writers=COUNTY_ONLY, body={"status": "cancelled"}
    ),
    "project-report": page(
        obj="project", kwargs=PK, methods=("POST",), writers=COUNTY_ONLY, body=REPORT_BODY
    ),
    # --- funding (R6) -----------------------------------------------------------------------------------------
    "funding-summary": page(),
    "funding-summary-export": export(),
    "funding-task-area-export": export(),
    "funding-quotas": page(),
    "funding-quota-export": export(),
    "funding-quota-import": page(methods=("GET", "POST"), writers=CITY_AND_PROVINCE),
    "funding-quota-set": page(
        obj="county",
        query={"region": ID, "year": "2026"},
        methods=("GET", "POST"),
        writers=CITY_AND_PROVINCE,
        body={"region": ID, "year": "2026", "general_amount": "1", "special_amount": "1"},
    ),
    "funding-allocations": page(),
    "funding-allocation-export": export(),
    "funding-allocation-import": page(methods=("GET", "POST"), writers=CITY_AND_PROVINCE),
    "funding-allocation-create": page(
        obj="project",
        query={"project": ID, "year": "2026"},
        methods=("GET", "POST"),
        writers=CITY_AND_PROVINCE,
        body={"project": ID, "source": "city_budget", "amount": "1.00", "year": "2026"},
    ),
    "funding-proposal": page(obj="county", query={"county": ID, "year": "2026"}),
    "funding-proposal-export": export(obj="county", query={"county": ID, "year": "2026"}),
    "funding-proposal-accept": page(
        obj="county",
        methods=("POST",),
        writers=CITY_AND_PROVINCE,
        body={"county": ID, "year": "2026", "digest": "x"},
    ),
    # --- assessment (R7–R9): a year is province-wide; what the year's pages list is regional --------------------
    "assessment-index": page(),
    "assessment-index-export": export(),
    "assessment-round": page(obj="year", kwargs=YEAR),
    "assessment-progress": page(obj="year", kwargs=YEAR),
    "assessment-settings": page(obj="year", kwargs=YEAR, methods=("POST",), writers=PROVINCE_ADMIN_ONLY),
    "assessment-indicators": page(
        obj="year", kwargs=YEAR, methods=("GET", "POST"), writers=PROVINCE_ADMIN_ONLY
    ),
    "assessment-copy-system": page(obj="year", kwargs=YEAR, methods=("POST",), writers=PROVINCE_ADMIN_ONLY),
    "assessment-indicators-export": export(obj="year", kwargs=YEAR),
    "assessment-unassessed-export": export(obj="year", kwargs=YEAR),
    "assessment-run": page(obj="year", kwargs=YEAR, methods=("POST",), writers=PROVINCE_ADMIN_ONLY),
    "assessment-publish": page(obj="year", kwargs=YEAR, methods=("POST",), writers=PROVINCE_ADMIN_ONLY),
    "assessment-reopen": page(obj="year", kwargs=YEAR, methods=("POST",), writers=PROVINCE_ADMIN_ONLY),
    "assessment-scores": page(obj="year", kwargs=YEAR),
    "assessment-scores-export": export(obj="year", kwargs=YEAR),
    "assessment-score-import": page(
        obj="year", kwargs=YEAR, methods=("GET", "POST"), writers=PROVINCE_ADMIN_ONLY
    ),
    "assessment-score-town": page(
        obj="town", kwargs={"year": "2024", "code": ID}, methods=("GET", "POST"), writers=CITY_AND_PROVINCE
    ),
    "assessment-vetoes": page(obj="year", kwargs=YEAR, methods=("GET", "POST"), writers=PROVINCE_ADMIN_ONLY),
    "assessment-vetoes-export": export(obj="year", kwargs=YEAR),
    "assessment-veto-document": Route("file", obj="veto", kwargs={"year": "2024", "pk": ID}),
    "assessment-exemptions": page(
        obj="year", kwargs=YEAR, methods=("GET", "POST"), writers=PROVINCE_ADMIN_ONLY
    ),
    "assessment-exemptions-export": export(obj="year", kwargs=YEAR),
    "assessment-simulate": page(
        obj="year", kwargs=YEAR, methods=("GET", "POST"), writers=PROVINCE_ADMIN_ONLY
    ),
    "assessment-rankings": page(obj="year", kwargs=YEAR),
    "assessment-rankings-export": export(obj="year", kwargs=YEAR),
    "assessment-notice": page(obj="year", kwargs={"year": ID, "kind": "praise"}),
    "assessment-notice-pdf": Route("file", obj="year", kwargs={"year": ID, "kind": "praise"}),
    "assessment-notice-docx": Route("file", obj="year", kwargs={"year": ID, "kind": "praise"}),
    "assessment-eliminations": page(obj="year", kwargs=YEAR),
    "assessment-eliminations-export": export(obj="year", kwargs=YEAR),
    "assessment-under-minimum-export": export(obj="year", kwargs=YEAR),
    "assessment-talks": page(obj="year", kwargs=YEAR),
    "assessment-talks-export": export(obj="year", kwargs=YEAR),
    "assessment-talk-held": page(
        obj="talk",
        kwargs={"year": "2024", "pk": ID},
        methods=("POST",),
        writers=CITY_AND_PROVINCE,
        body={"held_on": "2024-06-01", "note": "已约谈"},
    ),
    # --- API v1 -----------------------------------------------------------------------------------------------
    "api-root": api(),
    "api-token": Route("public", methods=("POST",), public=True, body={"username": "x", "password": "y"}),
    "api-schema": Route("public", public=True, note="login outside DEBUG: issue 12 point 7"),
    "api-docs": Route("public", public=True, note="login outside DEBUG: issue 12 point 7"),
    "api-redoc": Route("public", public=True, note="login outside DEBUG: issue 12 point 7"),
    "api-town-summary": api(obj="town", kwargs=CODE),
    "api-search": api(query={"q": "镇"}),
    "api-dashboard": api(),
    "api-todo-list": api(),
    "api-notification-list": api(),
    "api-notification-read-all": api(methods=("POST",), writers=frozenset(Role.values) - {Role.PARTNER}),
    "api-notification-detail": api(obj="notification", kwargs=PK),
    "api-notification-read": api(
        obj="notification", kwargs=PK, methods=("POST",), writers=frozenset(Role.values) - {Role.PARTNER}
    ),
    "api-audit-list": api(sees_all=AUDIT_LOG_READERS),
    "api-audit-detail": api(
        obj="int", kwargs=PK, note="an audit entry is not regional: only its readers see it"
    ),
    "api-security-event-list": api(sees_all=SECURITY_EVENT_READERS),
    "api-security-event-detail": api(obj="int", kwargs=PK, note="a security event is not regional"),
    "api-token-manage-list": api(
        methods=("GET", "POST"), writers=EVERYONE, token_writes=True, body={"name": "矩阵令牌", "days": 30}
    ),
    "api-token-manage-detail": api(obj="token", kwargs=PK),
    "api-token-manage-revoke": api(
        obj="token", kwargs=PK, methods=("POST",), writers=EVERYONE, token_writes=True
    ),
    "api-job-list": api(),
    "api-job-detail": api(obj="job", kwargs=PK),
    "api-job-cancel": api(
        obj="job", kwargs=PK, methods=("POST",), writers=frozenset(Role.values) - {Role.PARTNER}
    ),
    "api-job-result": api(obj="job", kwargs=PK),
    "api-import-list": api(methods=("GET", "POST"), multipart=True),
    "api-import-detail": api(obj="import", kwargs=PK),
    "api-import-confirm": api(obj="import", kwargs=PK, methods=("POST",)),
    "api-region-list": api(),
    "api-region-detail": api(obj="region", kwargs=CODE),
    "api-town-list": api(rows="town"),
    "api-town-detail": api(obj="town", kwargs=CODE),
    "api-town-tier-change": api(
        obj="town", kwargs=CODE, methods=("POST",), writers=CITY_AND_PROVINCE, body={"tier": "city"}
    ),
    "api-designation-list": api(rows="designation"),
    "api-designation-detail": api(obj="designation", kwargs=PK),
    "api-quota-list": api(),
    "api-selection-round-list": api(methods=("GET", "POST"), writers=PROVINCE_ADMIN_ONLY),
    "api-selection-round-detail": api(
        obj="selection_round", kwargs=PK, methods=("GET", "PUT", "PATCH"), writers=PROVINCE_ADMIN_ONLY
    ),
    "api-submission-list": api(
        rows="submission",
        obj="town",
        methods=("GET", "POST"),
        writers=COUNTY_ONLY,
        body={"town": ID, "tier": "county"},
    ),
    "api-submission-detail": api(
        obj="submission",
        kwargs=PK,
        methods=("GET", "PATCH", "DELETE"),
        writers=COUNTY_ONLY,
        body={"gdp": "1.00"},
    ),
    "api-submission-document": api(
        obj="submission", kwargs={"pk": ID, "kind": "work_plan"}, note="a download"
    ),
    "api-submission-documents": api(
        obj="submission", kwargs=PK, methods=("POST",), writers=COUNTY_ONLY, multipart=True
    ),
    "api-submission-submit": api(obj="submission", kwargs=PK, methods=("POST",), writers=COUNTY_ONLY),
    "api-submission-recommend": api(
        obj="submission", kwargs=PK, methods=("POST",), writers=CITY_AND_PROVINCE
    ),
    "api-submission-return": api(
        obj="submission", kwargs=PK, methods=("POST",), writers=CITY_AND_PROVINCE, body={"comment": "退回"}
    ),
    "api-submission-select": api(obj="submission", kwargs=PK, methods=("POST",), writers=PROVINCE_ADMIN_ONLY),
    "api-submission-reject": api(
        obj="submission",
        kwargs=PK,
        methods=("POST",),
        writers=PROVINCE_ADMIN_ONLY,
        body={"comment": "不予入选"},
    ),
    "api-task-area-list": api(),
    "api-task-area-detail": api(obj="task_area", kwargs=CODE),
    "api-project-list": api(
        rows="project",
        obj="town",
        methods=("GET", "POST"),
        writers=COUNTY_ONLY,
        body={"town": ID, **PROJECT_BODY},
    ),
    "api-project-detail": api(
        obj="project", kwargs=PK, methods=("GET", "PATCH"), writers=COUNTY_ONLY, body={"name": "改名"}
    ),
    "api-project-status": api(
        obj="project", kwargs=PK, methods=("POST",), writers=COUNTY_ONLY, body={"status": "cancelled"}
    ),
    "api-progress-report-list": api(
        rows="report",
        obj="project",
        methods=("GET", "POST"),
        writers=COUNTY_ONLY,
        body={"project": ID, **REPORT_BODY},
    ),
    "api-progress-report-detail": api(obj="report", kwargs=PK),
    "api-debt-quota-list": api(
        rows="quota",
        obj="county",
        methods=("GET", "POST"),
        writers=CITY_AND_PROVINCE,
        body={"region": ID, "year": 2026, "general_amount": "1", "special_amount": "1"},
    ),
    "api-debt-quota-detail": api(
        obj="quota",
        kwargs=PK,
        methods=("GET", "PATCH"),
        writers=CITY_AND_PROVINCE,
        body={"general_amount": "1"},
    ),
    "api-allocation-list": api(
        rows="allocation",
        obj="project",
        methods=("GET", "POST"),
        writers=CITY_AND_PROVINCE,
        body={"project": ID, "source": "city_budget", "amount": "1.00", "year": 2026},
    ),
    "api-allocation-detail": api(obj="allocation", kwargs=PK),
    "api-allocation-proposal-list": api(obj="county", query={"county": ID, "year": "2026"}),
    "api-allocation-proposal-accept": api(
        obj="county", methods=("POST",), writers=CITY_AND_PROVINCE, body={"county": ID, "year": 2026}
    ),
    "api-indicator-system-list": api(),
    "api-indicator-system-detail": api(obj="year", kwargs=YEAR),
    "api-assessment-round-list": api(),
    "api-assessment-round-detail": api(
        obj="year", kwargs=YEAR, methods=("GET", "PATCH"), writers=PROVINCE_ADMIN_ONLY, body={"top_count": 5}
    ),
    "api-assessment-round-publication-preview": api(obj="year", kwargs=YEAR),
    "api-assessment-round-publish": api(
        obj="year", kwargs=YEAR, methods=("POST",), writers=PROVINCE_ADMIN_ONLY
    ),
    "api-assessment-round-reopen": api(
        obj="year", kwargs=YEAR, methods=("POST",), writers=PROVINCE_ADMIN_ONLY
    ),
    "api-assessment-round-run": api(obj="year", kwargs=YEAR, methods=("POST",), writers=PROVINCE_ADMIN_ONLY),
    "api-assessment-round-simulate": api(
        obj="year", kwargs=YEAR, methods=("POST",), writers=PROVINCE_ADMIN_ONLY, note="reads only"
    ),
    "api-score-list": api(
        rows="score",
        obj="town",
        methods=("GET", "POST"),
        writers=CITY_AND_PROVINCE,
        body={"year": 2024, "town": ID, "points": {"T01": "5"}},
    ),
    "api-score-detail": api(obj="score", kwargs=PK),
    "api-ranking-list": api(),
    "api-notice-list": api(),
    "api-notice-detail": api(obj="int", kwargs=PK, note="a notice (通报) is province-wide"),
    "api-elimination-list": api(),
    "api-veto-list": api(
        rows="veto",
        obj="town",
        methods=("GET", "POST"),
        writers=PROVINCE_ADMIN_ONLY,
        body={"year": 2024, "town": ID, "reason": "拆除历史建筑"},
    ),
    "api-exemption-list": api(
        obj="town",
        methods=("GET", "POST"),
        writers=PROVINCE_ADMIN_ONLY,
        body={"year": 2024, "town": ID, "reason": "免评", "doc_no": "吉免〔2024〕2号"},
    ),
    "api-talk-list": api(rows="talk"),
    "api-talk-held": api(
        obj="talk", kwargs=PK, methods=("POST",), writers=CITY_AND_PROVINCE, body={"held_on": "2024-06-01"}
    ),
}

# Unnamed routes, by their route text (they cannot be reversed: only declared).
UNNAMED = {"admin/login/": Route("public", public=True, note="redirects to the portal's login (2FA)")}

# Django admin (every admin:* route): core.permission_map.ADMIN_SITE_ROLES; its tests: tests/core/test_audit_and_admin.py.
NAMESPACES = {"admin": Route("admin", note="Django admin: province_admin and the three administrators")}
