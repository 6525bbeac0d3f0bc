"""Settings for 示范镇 Portal, read from the environment.

DATABASE_URL  default: SQLite file var/portal.sqlite3
REDIS_URL     default: none; Celery then runs tasks eagerly in-process and the cache is local memory
SECRET_KEY    required when DEBUG is off (tests run with a throwaway key)
DEBUG         "1"/"true" to enable
ALLOWED_HOSTS comma-separated, default 127.0.0.1,localhost
The production environment (HTTPS, HSTS, the proxy header, trusted origins): deploy/production.env.example.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
DEBUG = env_flag("DEBUG")
# Operator commands (migrate, load_divisions, makemigrations --check …) sign nothing; whatever serves
# requests or runs jobs (WSGI/ASGI, runserver, celery) must have a real key when DEBUG is off.
OFFLINE_COMMAND = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] not in (["runserver"], ["shell"])

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING or OFFLINE_COMMAND:
        SECRET_KEY = "insecure-development-key-never-use-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
if TESTING:
    ALLOWED_HOSTS.append("testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    # Second factor (等保 身份鉴别): TOTP devices and one-time backup codes (static tokens, addstatictoken).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "captcha",  # django-simple-captcha: the login form's captcha after repeated failures
    "config.apps.LoginSafetyConfig",  # django-axes, named in Chinese
    "config.apps.AuditTrailConfig",  # django-auditlog, named in Chinese
    "core",
    "accounts",
    "towns",
    "selection",
    "projects",
    "assessment",
    "funding",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.otp_device, from the device the second step stored in the session.
    "django_otp.middleware.OTPMiddleware",
    # Every 401/403 answer, the pages' and the API's, is a security event (ACCESS_DENIED).
    "core.security_signals.DeniedRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: idle / absolute session lifetime and the one-session rule (they say why the
    # session ended), then the second factor and the expired password, which lock a session to their pages.
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.LoginStepsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.audit.AuditMiddleware",
    "core.api.read_log.PartnerReadLogMiddleware",
    # Last, so that it sees the failed login flagged by the authentication backend.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        # Tests run threads (live server, Celery worker) whose idle connections would block teardown.
        conn_max_age=0 if TESTING else int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Counts failures and refuses locked accounts before any other backend is tried.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The admin's model permissions come from the roles (core.permission_map, 三员), not from groups.
    "core.admin_site.RoleMapPermissionBackend",
]
# Passwords (等保 身份鉴别, ADR 11): at least 10 characters of 3 of 4 classes, not like the username, not a
# common or all-digit password, none of the last 5; older than PASSWORD_MAX_AGE_DAYS (0 = never) must be
# changed at the next login, except by API-only partners.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"keep": 5}},
]
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "180"))
if TESTING:
    # Hashing cost is not under test; the real hasher would make every user fixture cost ~0.3 s.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# The name an authenticator app shows beside the account (the otpauth:// URL of the enrolment QR code).
OTP_TOTP_ISSUER = "示范镇 Portal"
# Backup codes (static tokens) issued at once; each works once.
OTP_BACKUP_CODES = 10

# Login safety: 5 failed attempts lock the account (by username) for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
# Before the lock can be reached, the login form asks for a captcha: from LOGIN_CAPTCHA_AFTER failures of the
# username (or from the address) on, a failure without a solved captcha never reaches authenticate(), so
# nobody can lock another person's account by guessing (accounts.forms.LoginForm).
LOGIN_CAPTCHA_AFTER = 3
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 10  # minutes
# The lock is per account, as the program requires (a county's officials share one office address: locking the
# address would lock them all out; guessing from many addresses still locks the account). axes.W006 asks for
# the address as well; it is the only check silenced, and `make check-deploy` runs every other one.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Chinese for the third-party apps that ship none (django-axes, django-auditlog); the .mo is committed.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The notice's shipped font (static/fonts, 7 MB) is read from disk by WeasyPrint and never sent to a browser:
# whitenoise's brotli of it alone took most of a minute of every collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "otf", "ttf")
# Uploaded files live outside the web root and are served only through scoped views.
MEDIA_ROOT = VAR_DIR / "uploads"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Tests keep a private in-memory cache and eager tasks; the service tests talk to Redis themselves.
if REDIS_URL and not TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env_flag("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL or TESTING)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
# Progress reporting (调度) is monthly; reminders go out at 08:00 on the first day of each period.
PROGRESS_PERIOD = os.environ.get("PROGRESS_PERIOD", "month")
CELERY_BEAT_SCHEDULE = {
    "progress-reminders": {
        "task": "projects.remind_progress_reporting",
        "schedule": crontab(minute=0, hour=8, day_of_month=1)
        if PROGRESS_PERIOD == "month"
        else crontab(minute=0, hour=8, day_of_month=1, month_of_year="1,4,7,10"),
    },
}
# A pause between the assessment run's steps, for crash drills (kill the worker mid-run); 0 in production.
# The run's lease is every tracked job's (JOB_LEASE_SECONDS … below).
ASSESSMENT_JOB_STEP_PAUSE_SECONDS = float(os.environ.get("ASSESSMENT_JOB_STEP_PAUSE_SECONDS", "0"))

# The notice's (通报) fonts, one CSS family list per role of GB/T 9704-2012 (ADR 9): the licensed face an office
# may install first, then the free face that covers GB 2312 and that the portal installs
# (scripts/system-packages.sh: Noto CJK SC) or ships (static/fonts/FandolFang-Regular.otf, as "FandolFang").
# The PDF embeds a subset of whichever is found first; the .docx names the first of each list.
# NOTICE_FONT_<ROLE>="方正小标宋简体,Noto Serif CJK SC" (comma-separated) overrides a role.
NOTICE_FONT_DEFAULTS = {
    "xiaobiaosong": "方正小标宋简体,FZXiaoBiaoSong-B05S,Noto Serif CJK SC",  # 发文机关标志, titles (bold)
    "fangsong": "仿宋_GB2312,FangSong_GB2312,仿宋,FandolFang",  # 文号, body, 版记 (3号 / 4号仿宋)
    "heiti": "黑体,SimHei,Noto Sans CJK SC",  # 附件 label, table headings
    "songti": "宋体,SimSun,Noto Serif CJK SC",  # page numbers (4号宋体)
}
NOTICE_FONTS = {
    role: [
        name.strip()
        for name in os.environ.get(f"NOTICE_FONT_{role.upper()}", default).split(",")
        if name.strip()
    ]
    for role, default in NOTICE_FONT_DEFAULTS.items()
}
if env_flag("ASSESSMENT_BEAT"):
    # Optional: compute last year's assessment on 15 January at 02:00; publication stays a person's act.
    CELERY_BEAT_SCHEDULE["assessment-previous-year"] = {
        "task": "assessment.run_previous_year",
        "schedule": crontab(minute=0, hour=2, day_of_month=15, month_of_year=1),
    }
CELERY_BEAT_SCHEDULE["notification-outbox"] = {
    "task": "core.deliver_outbox",
    "schedule": crontab(minute="*/2"),
}
# Overdue items (issue 10, point 4), checked every morning; each item is told once (dedupe keys), so a run
# repeated the same day tells nobody twice. A period's unreported progress goes to the county the day after
# the period ends, and to its city once it is PROGRESS_ESCALATION_DAYS overdue. A 约谈 is due
# TALK_DUE_DAYS after the publication that calls for it; a pending one past its date is told to the town's
# city and county.
PROGRESS_ESCALATION_DAYS = int(os.environ.get("PROGRESS_ESCALATION_DAYS", "5"))
TALK_DUE_DAYS = int(os.environ.get("TALK_DUE_DAYS", "30"))
CELERY_BEAT_SCHEDULE["progress-overdue"] = {
    "task": "projects.remind_overdue_progress",
    "schedule": crontab(minute=30, hour=8),
}
CELERY_BEAT_SCHEDULE["talks-due"] = {
    "task": "assessment.remind_due_talks",
    "schedule": crontab(minute=40, hour=8),
}
# Tracked jobs (core.jobs): a running job renews its heartbeat every JOB_HEARTBEAT_SECONDS; one silent for
# JOB_LEASE_SECONDS is taken as dead and recorded failed by the sweep, as is one queued for
# JOB_QUEUE_TIMEOUT_SECONDS that no worker took. Result files are kept JOB_RESULT_RETENTION_DAYS.
# The assessment run's former ASSESSMENT_JOB_LEASE_SECONDS, ASSESSMENT_JOB_HEARTBEAT_SECONDS and
# ASSESSMENT_QUEUE_TIMEOUT_SECONDS are read where the JOB_* names are not set (the run is a tracked job now).
JOB_LEASE_SECONDS = int(
    os.environ.get("JOB_LEASE_SECONDS") or os.environ.get("ASSESSMENT_JOB_LEASE_SECONDS") or "120"
)
JOB_HEARTBEAT_SECONDS = float(
    os.environ.get("JOB_HEARTBEAT_SECONDS") or os.environ.get("ASSESSMENT_JOB_HEARTBEAT_SECONDS") or "20"
)
JOB_QUEUE_TIMEOUT_SECONDS = int(
    os.environ.get("JOB_QUEUE_TIMEOUT_SECONDS")
    or os.environ.get("ASSESSMENT_QUEUE_TIMEOUT_SECONDS")
    or "1800"
)
JOB_RESULTS_DIR = Path(os.environ.get("JOB_RESULTS_DIR", VAR_DIR / "jobs"))
JOB_RESULT_RETENTION_DAYS = int(os.environ.get("JOB_RESULT_RETENTION_DAYS", "7"))
# Above this many rows a list's export (core.exports.export_response) runs as a tracked job (core.export_job)
# and the page redirects to the job's progress; at or below it the sheet is streamed inline.
EXPORT_INLINE_MAX_ROWS = int(os.environ.get("EXPORT_INLINE_MAX_ROWS", "5000"))
# A paginated list counts its rows exactly up to LIST_COUNT_ESTIMATE_ABOVE; above it the count is the database
# planner's estimate (the API says "count_estimated": true, pages 约 N 条), kept LIST_COUNT_CACHE_SECONDS per
# scope and filter (core.counting).
LIST_COUNT_ESTIMATE_ABOVE = int(os.environ.get("LIST_COUNT_ESTIMATE_ABOVE", "10000"))
LIST_COUNT_CACHE_SECONDS = int(os.environ.get("LIST_COUNT_CACHE_SECONDS", "30"))
CELERY_BEAT_SCHEDULE["jobs-stale"] = {"task": "core.fail_stale_jobs", "schedule": crontab(minute="*/5")}
CELERY_BEAT_SCHEDULE["jobs-purge-results"] = {
    "task": "core.purge_job_results",
    "schedule": crontab(minute=15, hour=3),
}
# Two-step imports (core.imports): an upload is staged under IMPORT_DIR until confirmed; files of at most
# IMPORT_MAX_BYTES and IMPORT_MAX_ROWS data rows are read; a confirm of more than IMPORT_INLINE_MAX_ROWS rows
# runs as a tracked job; staged files and preview rows are purged after IMPORT_RETENTION_DAYS (beat, daily).
IMPORT_DIR = Path(os.environ.get("IMPORT_DIR", VAR_DIR / "imports"))
# The defaults take a national year of scores (21,379 镇 × 15 indicators = 320,685 rows in the long layout:
# 6.4 MB as UTF-8 CSV, 12.8 MB as UTF-16, 5.1 MB as .xlsx) with room to spare; an upload is streamed to a
# temporary file above FILE_UPLOAD_MAX_MEMORY_SIZE, so the size does not have to fit a request in memory.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(16 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "400000"))
IMPORT_INLINE_MAX_ROWS = int(os.environ.get("IMPORT_INLINE_MAX_ROWS", "500"))
IMPORT_RETENTION_DAYS = int(os.environ.get("IMPORT_RETENTION_DAYS", "7"))
# Every uploaded zip (.docx/.xlsx documents, .xlsx imports) is refused as a zip bomb when its central directory
# declares more than UPLOAD_ZIP_MAX_ENTRIES members, more than UPLOAD_ZIP_MAX_TOTAL_BYTES unpacked, or more than
# UPLOAD_ZIP_MAX_RATIO times its own size (core.file_rules.zip_bomb_refusal), before anything is unpacked.
UPLOAD_ZIP_MAX_TOTAL_BYTES = int(os.environ.get("UPLOAD_ZIP_MAX_TOTAL_BYTES", str(200 * 1024 * 1024)))
UPLOAD_ZIP_MAX_RATIO = int(os.environ.get("UPLOAD_ZIP_MAX_RATIO", "100"))
UPLOAD_ZIP_MAX_ENTRIES = int(os.environ.get("UPLOAD_ZIP_MAX_ENTRIES", "2000"))
CELERY_BEAT_SCHEDULE["imports-purge"] = {"task": "core.purge_imports", "schedule": crontab(minute=25, hour=3)}
CELERY_ACCEPT_CONTENT = ["json"]

# Notifications: every copy outside the portal goes through one outbox (core.notifications), one adapter per
# channel. E-mail uses Django's mail backend: the console unless EMAIL_HOST is set.
NOTIFICATION_CHANNELS = {"email": "core.notifications.EmailChannel"}
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.ScopedReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.renderers.ORJSONRenderer",
        "core.api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "core.api.throttling.ApiTokenRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "6000/minute", "token": "10/minute"},
}
# API tokens (accounts.ApiToken, issue 12 point 3): a new token lasts API_TOKEN_DEFAULT_DAYS unless its issuer
# says otherwise; each token may make API_TOKEN_RATE requests (throttled per token in the shared cache, so
# the limit holds across every web worker: CACHES is Redis whenever REDIS_URL is set).
API_TOKEN_DEFAULT_DAYS = int(os.environ.get("API_TOKEN_DEFAULT_DAYS", "90"))
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "366"))
API_TOKEN_RATE = os.environ.get("API_TOKEN_RATE", "600/minute")
if TESTING:
    REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []

SPECTACULAR_SETTINGS = {
    "TITLE": "示范镇 Portal API",
    "DESCRIPTION": (
        "吉林省示范镇建设助推乡村振兴信息平台 REST API (v1)。"
        "Token 认证：请求头 `Authorization: Token <token>`；令牌由 `POST /api/v1/auth/token/` 获取。"
        "所有列表均分页（count、next、previous、results），`page_size` 最大 1000；"
        "行数超过 LIST_COUNT_ESTIMATE_ABOVE（默认 10000）时 count 为估计数，并返回 count_estimated: true。"
        "遍历整个列表请用游标分页：`cursor=`（空值）开始，按 next 链接逐页读取，count 为 null。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The error answers (400 in both shapes, 401, 403, 404, 429) on every operation: core/api/schema.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.document_error_responses",
    ],
    # Several choice sets share a field name ("kind", "tier", "status"); name each enum once.
    "ENUM_NAME_OVERRIDES": {
        "TownKindEnum": "towns.choices.TownKind",
        "DocumentKindEnum": "selection.choices.DocumentKind",
        "SubmissionStatusEnum": "selection.choices.SubmissionStatus",
        "SubmissionActionEnum": "selection.choices.SubmissionAction",
        "ProjectStatusEnum": "projects.choices.ProjectStatus",
        "NoticeKindEnum": "assessment.models.NoticeKind",
        "ResultStatusEnum": "assessment.models.ResultStatus",
        "RoundStateEnum": "assessment.models.RoundState",
        "TierEnum": "towns.choices.Tier",
        "ImportStateEnum": "core.choices.ImportState",
        "JobStateEnum": "core.choices.JobState",
    },
}

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Audit records (data changes and security events) are kept at least this many days (等保: six months);
# `purge_audit` refuses anything younger, and a smaller value counts as the minimum (ADR 13).
AUDIT_RETENTION_MIN_DAYS = 183
AUDIT_RETENTION_DAYS = max(int(os.environ.get("AUDIT_RETENTION_DAYS", "183")), AUDIT_RETENTION_MIN_DAYS)

# The province whose demonstration-town program this portal runs (R1 targets apply to it).
PROGRAM_PROVINCE_CODE = "22"

# Content-Security-Policy (django-csp 4, issue 12 point 5): nothing but the portal's own files runs or styles a
# page. No inline script anywhere (static/js); inline <style> only with the request's nonce (the notice's
# computed layout, the API docs' shells); style attributes are set through the CSSOM by static/js, never in
# the markup. The API docs add what their bundles need (core/api/docs.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
# Features no page uses (core.middleware.PermissionsPolicyMiddleware sends them on every response).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

# Sessions (等保 身份鉴别, accounts.middleware): ended after SESSION_IDLE_MINUTES without a request (sliding)
# and SESSION_MAX_HOURS after login however active; one session per account (a new login ends the old one);
# logout and a password change end every session of the user. The store (database sessions) keeps a
# session no longer than the absolute lifetime; the cookie dies with the browser.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Production (issue 12, point 7): `manage.py check --deploy --fail-level WARNING` passes with no warning under
# deploy/production.env.example (README, 生产环境变量; `make check-deploy`, run by CI). HTTPS is the default
# outside DEBUG: secure cookies, the redirect to https and HSTS (sent only on https answers). Behind a
# TLS-terminating proxy, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https" tells Django which requests
# arrived over https (the proxy must set that header itself, overwriting any the client sent), or the
# redirect would loop; a proxy that redirects and sends HSTS itself may set SECURE_SSL_REDIRECT=0.
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin.strip()
]
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    _name, _, _value = (part.strip() for part in _proxy_header.partition(","))
    if not _name.startswith("HTTP_") or not _value:
        raise ImproperlyConfigured('SECURE_PROXY_SSL_HEADER must read "HTTP_X_FORWARDED_PROTO,https".')
    SECURE_PROXY_SSL_HEADER = (_name, _value)
if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_flag("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is a promise to browsers' built-in lists that is slow to undo: the operator opts in.
    SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF at INFO and fontTools each subset: warnings only.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
