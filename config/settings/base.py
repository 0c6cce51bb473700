"""Settings shared by every environment.

Read from the environment through ``config.env``; with no variable set this is the
embedded default: SQLite in ``var/``, Celery tasks run inline, e-mail to the console.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_json, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "import_export",
    "axes",
    "branches",
    "members",
    "handbook",
    "tasks",
    "assessments",
    "notifications",
    "dues",
    "meetings",
    "development",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.SessionIdleTimeoutMiddleware",
    "branches.audit.AuditRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "config.middleware.RefuseControlCharactersMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "branches.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
PG_SESSION_OPTIONS = "-c jit=off -c max_parallel_workers_per_gather=0"
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Settings for a web application's short queries, unless the URL's own ``options`` say
        # otherwise: no JIT compiling (a dashboard query of 20 ms that the planner costs high —
        # a correlated subquery it may not run — spent 26 ms compiling), and no parallel workers
        # (on a small server answering many requests at once they take the cores of other
        # requests: the 2,000-branch dashboard went from 143 to 96 ms without them).
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", PG_SESSION_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # WAL lets the dev server read while a management command writes.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- users and sign-in ----------------------------------------------------------------------
AUTH_USER_MODEL = "branches.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed sign-ins (login page and API tokens) are weighed three ways, each with its own limit
# per cool-off (config/lockout.py, README "Security"): 5 per (username, address) pair, so a
# stranger's guesses lock only their own pair and not the owner elsewhere; 20 per username from
# every address, which bounds distributed guessing (and, as failures while locked are not
# counted, takes four addresses or more to lock someone out); 20 per address over every
# username, which bounds password spraying. A success forgets its own pair only, never the
# failures against other usernames from the same address.
AXES_HANDLER = "config.lockout.WeighedLockoutHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_USERNAME_FAILURE_LIMIT = env_int("LOGIN_USERNAME_FAILURE_LIMIT", 20)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
# Wrong current passwords allowed on the password-change form per cool-off (per user).
PASSWORD_CHANGE_FAILURE_LIMIT = env_int("PASSWORD_CHANGE_FAILURE_LIMIT", 5)
# How many reverse proxies of ours sit in front of the app (see config.client_ip).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"

SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 2 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
# Uploads live outside the web root and are served only through views that check access.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Several app servers: uploads and generated PDFs in an S3-compatible object store (MinIO,
# Ceph, a cloud's OSS), shared by every server and worker. The bucket stays private: files
# are read back with storage.open() by the views that check access, never through its URLs.
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("S3_REGION") or None,
            # "path" (bucket in the path) suits MinIO; some clouds' OSS want "virtual".
            "addressing_style": env_str("S3_ADDRESSING_STYLE", "path"),
            "location": env_str("S3_PREFIX"),
            # As on disk: a second file of the same name gets a new name, never replaces one.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Days an uploaded member roster (full ID numbers) is kept after its import stops moving.
MEMBER_IMPORT_FILE_DAYS = env_int("MEMBER_IMPORT_FILE_DAYS", 7)
# A roster upload's limits: the file, its rows, and what it may unpack to (a zip bomb).
MEMBERS_IMPORT_MAX_BYTES = env_int("MEMBERS_IMPORT_MAX_BYTES", UPLOAD_MAX_BYTES)
MEMBERS_IMPORT_MAX_ROWS = env_int("MEMBERS_IMPORT_MAX_ROWS", 60_000)
MEMBERS_IMPORT_MAX_UNZIPPED_BYTES = env_int("MEMBERS_IMPORT_MAX_UNZIPPED_BYTES", 400 * 1024 * 1024)
# Daily handbook work (article 2-02's patrol) as one weekly checklist task ("weekly") or
# one task a day ("daily"); see tasks/services/generation.py.
TASKS_DAILY_WORK = env_str("TASKS_DAILY_WORK", "weekly")
# Stored files are data: readable by the application's user (and its group, for backups),
# never executable, whatever the process umask.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# --- cache and Celery -----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# The cache holds the API's throttle counters and short-lived marks (a PDF being built). With
# REDIS_URL it is Redis, so that every app server counts and sees the same; without it, Django's
# per-process memory cache (the embedded default: one server). Sign-in lockouts (django-axes)
# live in the database either way.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several installations may share one Redis; the Celery queue's keys never clash.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "partybranch"),
        }
    }
# The dashboard's figures are kept in the cache between two writes of what they read
# (assessments/dashboard_cache.py), only where every process shares the cache: with the
# per-process cache a worker's or a cron job's writes would not reach the server's. 0: off.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 600 if REDIS_URL else 0)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
else:
    # The embedded default: no broker, every task runs inline and its errors propagate.
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True

# --- e-mail ---------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "党建标准化平台 <noreply@localhost>")

# --- REST framework (the API below /api/; see config/api/) -----------------------------------
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)
REST_FRAMEWORK = {
    # A token first: its authenticate_header makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable pages need inline scripts, which the CSP forbids; /api/docs/ is the browsable API.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser, refusing nesting deeper than 32 levels (json recurses once per level).
    "DEFAULT_PARSER_CLASSES": ["config.api.parsers.DepthLimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.StandardPagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 50),
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
        "user": env_str("API_THROTTLE_USER", "600/minute"),
    },
    # The anonymous rate is counted per address: believe X-Forwarded-For only as far as our own proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "config.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "config.api.schema.ApiAutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Party Branch Standardization API",
    "DESCRIPTION": (
        "Every capability of the platform for other systems and scripts. Authenticate with a token "
        "(POST /api/v1/auth/token/, then `Authorization: Bearer <token>`) or a signed-in session. "
        'Every error answers `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": f"/{STATIC_URL}vendor/swagger-ui-dist-5.35.0",
    "SWAGGER_UI_FAVICON_HREF": f"/{STATIC_URL}vendor/swagger-ui-dist-5.35.0/favicon-32x32.png",
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "branches.models.OrgKind",
        "OrganisationStatusEnum": "branches.models.OrgStatus",
        "RoleEnum": "branches.models.Role",
        "ErrorCodeEnum": "config.api.errors.ERROR_CODE_CHOICES",
        "MemberStatusEnum": "members.models.MemberStatus",
        "MemberImportStatusEnum": "members.models.ImportStatus",
        "EditionStatusEnum": "handbook.models.EditionStatus",
        # 大政工: an article's line, a scorecard line's and a subtotal's alike.
        "LineEnum": "handbook.models.Line",
        # A check record's kind and an assessment plan's: quarterly or year-end.
        "CheckKindEnum": "assessments.models.PlanKind",
        "MeetingKindEnum": "meetings.kinds.MeetingKind",
    },
}

# --- security headers (see config.middleware) -----------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools report every step at INFO, even at import.
    "loggers": {name: {"level": "WARNING"} for name in ["axes", "weasyprint", "fontTools"]},
}

SITE_TITLE = _("Party Branch Standardization")

# --- assessments ----------------------------------------------------------------------------
# Days after the quarter's end until a scorecard's first submission counts as late.
ASSESSMENT_DEADLINE_DAYS = env_int("ASSESSMENT_DEADLINE_DAYS", 10)
# The lowest total of each grade above 较差, e.g. {"good": 90, "fairly_good": 80, "average": 60}.
ASSESSMENT_GRADE_THRESHOLDS = env_json("ASSESSMENT_GRADE_THRESHOLDS", {"good": 90, "fairly_good": 80, "average": 60})
# Checked here, as the settings load: a typo would otherwise grade every branch 较差 in silence.
# The keys are assessments.models.Grade's codes, which cannot be imported before the apps.
if (
    not isinstance(ASSESSMENT_GRADE_THRESHOLDS, dict)
    or not set(ASSESSMENT_GRADE_THRESHOLDS) <= {"good", "fairly_good", "average"}
    or not all(
        isinstance(low, int | float) and not isinstance(low, bool) and 0 <= low <= 100
        for low in ASSESSMENT_GRADE_THRESHOLDS.values()
    )
):
    raise ValueError(
        f"ASSESSMENT_GRADE_THRESHOLDS={ASSESSMENT_GRADE_THRESHOLDS!r}: give the lowest total (0-100) of "
        '"good", "fairly_good" and "average", e.g. {"good": 90, "fairly_good": 80, "average": 60}'
    )

# The issuer printed on feedback and reminder sheets is the nearest 党委 above the branch; a
# name here is printed instead (feedback sheet numbers still count per committee).
ISSUING_COMMITTEE = env_str("ISSUING_COMMITTEE", "")
# The sheet's number (文号): {prefix}, {year} and {serial}, e.g. "党建反馈〔2026〕12号".
ASSESSMENT_FEEDBACK_NUMBER_PREFIX = env_str("ASSESSMENT_FEEDBACK_NUMBER_PREFIX", "")
ASSESSMENT_FEEDBACK_NUMBER_FORMAT = env_str("ASSESSMENT_FEEDBACK_NUMBER_FORMAT", "{prefix}〔{year}〕{serial}号")
try:
    ASSESSMENT_FEEDBACK_NUMBER_FORMAT.format(prefix="", year=2026, serial=1)
except (KeyError, IndexError, ValueError) as exc:
    raise ValueError(
        f"ASSESSMENT_FEEDBACK_NUMBER_FORMAT={ASSESSMENT_FEEDBACK_NUMBER_FORMAT!r}: use only {{prefix}}, {{year}} "
        "and {serial}, e.g. {prefix}〔{year}〕{serial}号"
    ) from exc

from config.beat import BEAT_SCHEDULE  # noqa: E402 - after the Celery settings it belongs to

CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

# --- notifications --------------------------------------------------------------------------
# The address the links in e-mails and group-chat messages start with.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The only hosts a group robot's webhook may point at (a robot address cannot reach the
# server's own network). ``make run`` adds 127.0.0.1 for the demo's local robot.
NOTIFY_WEBHOOK_HOSTS = env_list("NOTIFY_WEBHOOK_HOSTS", ["qyapi.weixin.qq.com", "oapi.dingtalk.com"])
# A failed delivery is tried again after each of these waits, then marked failed.
NOTIFY_BACKOFF_SECONDS = [60, 300, 900, 3600]
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)
# A class with ``send(phone, text)`` (dotted path); none by default: no text messages.
NOTIFY_SMS_PROVIDER = env_str("NOTIFY_SMS_PROVIDER")
# Days before a scorecard's deadline when the branch is reminded.
NOTIFY_SCORECARD_DAYS_BEFORE = env_int("NOTIFY_SCORECARD_DAYS_BEFORE", 3)
# Days before a rectification item's deadline when its owner is reminded.
NOTIFY_RECTIFICATION_DAYS_BEFORE = env_int("NOTIFY_RECTIFICATION_DAYS_BEFORE", 3)
# Days before a development file's deadline (the applicant's talk, the end of probation).
NOTIFY_DEVELOPMENT_DAYS_BEFORE = env_int("NOTIFY_DEVELOPMENT_DAYS_BEFORE", 7)
