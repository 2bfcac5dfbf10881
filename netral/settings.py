"""Netral settings: one module, configured by environment variables (README, "Configuration")."""

import ipaddress
import os
import secrets
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from netral.env import database_from_url, env_bool, env_int, env_list, env_str, storages_from_env

# Every file and folder Netral writes (the SQLite database and its -wal and -shm, keys,
# certificates, rosters, evidence, exports) is its own user's alone: set before anything writes.
# Static files are public and chmod their own (netral.env.storages_from_env).
os.umask(0o077)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("NETRAL_DATA_DIR", str(BASE_DIR.parent / "data"))).resolve()

# Production turns on every protection `check --deploy` asks for and requires two-factor login.
PRODUCTION = env_bool("NETRAL_PRODUCTION", False)
DEBUG = env_bool("NETRAL_DEBUG", not PRODUCTION)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY (or SECRET_KEY_FILE) in production.")
    # Development and the demo keep a generated key in the data folder so sessions survive restarts.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Before django_tasks_db: base's `db_worker` (the library's, kept running through a
    # database restart) takes the command's name.
    "netral.base",
    "django_tasks",
    "django_tasks_db",
    "netral.accounts",
    "netral.agencies",
    "netral.pacts",
    "netral.monitoring",
    "netral.cases",
    "netral.screening",
    "netral.privacy",
    "netral.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "netral.accounts.middleware.LanguageMiddleware",
    "netral.base.throttle.DeviceCookieMiddleware",
    "netral.base.middleware.NoStoreMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the body of a POST.
    "netral.base.middleware.BodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "netral.accounts.middleware.TwoFactorMiddleware",
    "netral.accounts.middleware.MembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "netral.urls"
WSGI_APPLICATION = "netral.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "monitoring:home"

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
                "django.template.context_processors.i18n",
                "netral.accounts.context_processors.membership",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
    # A new connection per request costs five times the throughput (perf-baseline.md section 5).
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Prepared statements: psycopg prepares a statement on its fifth run, so the signing
    # request's lookup and insert skip parsing and planning (Django turns this off by default
    # for connection poolers; behind one, it must be PgBouncer 1.21+ or the switch set false).
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        database_options = DATABASES["default"]["OPTIONS"]
        assert isinstance(database_options, dict)  # database_from_url's, from the URL's query
        database_options.setdefault("server_side_binding", True)
        database_options.setdefault("prepare_threshold", 5)
    # Behind a pooler in transaction mode, a server-side cursor (QuerySet.iterator()) may be
    # fetched from another server connection than the one that declared it (docs/deploy.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS", False
    )
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "netral.sqlite3",
            "OPTIONS": {
                "timeout": env_int("NETRAL_SQLITE_TIMEOUT_SECONDS", 30),
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (roster imports, exports) runs in `netral db_worker`; no broker needed.
# Messages have a queue of their own, so a code never waits behind a long export.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "messages"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
# EYD V: 8.100 with a dot in Indonesian (8,100 in English); machine-read numbers use |unlocalize.
USE_THOUSAND_SEPARATOR = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
# Uploaded rosters hold personal data: kept outside any served folder.
PRIVATE_ROOT = DATA_DIR / "private"
# Sealed pacts, paper scans and case evidence: in PRIVATE_ROOT or an S3-compatible bucket, by
# NETRAL_STORAGE (filesystem or s3); served only by views that check who asks.
STORAGES = storages_from_env(PRIVATE_ROOT)
# Wrong NIPs or codes one address may send in a lockout window: a hall of thousands of phones
# reaches the server from a handful of addresses (NAT), so this is far above one person's limit.
NETRAL_VENUE_FAILURES = env_int("NETRAL_VENUE_FAILURES", 500)
# A signer's session on a venue kiosk ends after this many seconds without a request.
NETRAL_KIOSK_IDLE_SECONDS = env_int("NETRAL_KIOSK_IDLE_SECONDS", 60)
# Requests one address may make per minute to the public pages that compute something (proofs,
# tree heads) and PDF checks on the verification page; generous for the same reason.
NETRAL_PUBLIC_REQUESTS_PER_MINUTE = env_int("NETRAL_PUBLIC_REQUESTS_PER_MINUTE", 600)
NETRAL_PUBLIC_PDF_CHECKS_PER_MINUTE = env_int("NETRAL_PUBLIC_PDF_CHECKS_PER_MINUTE", 60)
# Days a background job's record and result file are kept (`netral purge` removes them).
NETRAL_JOB_KEEP_DAYS = env_int("NETRAL_JOB_KEEP_DAYS", 7)

# Two-factor login for officers; always required in production.
NETRAL_REQUIRE_2FA = env_bool("NETRAL_REQUIRE_2FA", PRODUCTION)
NETRAL_LOGIN_MAX_FAILURES = env_int("NETRAL_LOGIN_MAX_FAILURES", 5)
NETRAL_LOGIN_LOCKOUT_MINUTES = env_int("NETRAL_LOGIN_LOCKOUT_MINUTES", 15)
# Roster import limits.
# A workbook's first sheet is refused past this many cells (rows x columns it reaches), counted
# from its XML before it is loaded: 100,000 rows of SIASN's 33 columns fit.
NETRAL_SHEET_MAX_CELLS = env_int("NETRAL_SHEET_MAX_CELLS", 5_000_000)
NETRAL_ROSTER_MAX_BYTES = env_int("NETRAL_ROSTER_MAX_BYTES", 25 * 1024 * 1024)
NETRAL_ROSTER_MAX_ROWS = env_int("NETRAL_ROSTER_MAX_ROWS", 200_000)
NETRAL_MAX_UNIT_DEPTH = env_int("NETRAL_MAX_UNIT_DEPTH", 8)
# A scanned paper pact (PDF, JPEG or PNG).
NETRAL_PAPER_MAX_BYTES = env_int("NETRAL_PAPER_MAX_BYTES", 10 * 1024 * 1024)
# A meeting's participant export (Zoom, Google Meet): one meeting, reconnections included.
NETRAL_MEETING_IMPORT_MAX_BYTES = env_int("NETRAL_MEETING_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
NETRAL_MEETING_IMPORT_MAX_ROWS = env_int("NETRAL_MEETING_IMPORT_MAX_ROWS", 20_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The Ed25519 key that signs the transparency logs' tree heads (PEM, PKCS#8). Outside production
# one is generated into the data folder.
NETRAL_LOG_KEY_FILE = env_str("NETRAL_LOG_KEY_FILE", "")
# How often `netral sequence_logs` appends new signatures to the logs: the longest a signature
# waits before its inclusion proof exists.
NETRAL_LOG_INTERVAL_SECONDS = env_int("NETRAL_LOG_INTERVAL_SECONDS", 5)
# The address people use, for links made outside a request (the QR codes of archived PDFs).
NETRAL_PUBLIC_URL = env_str("NETRAL_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Each agency's sealing certificate: <folder>/<agency code>.p12 (e.g. 33.26.p12), all with the
# same password. The demo creates a self-signed one for its agency.
NETRAL_SEAL_DIR = env_str("NETRAL_SEAL_DIR", str(DATA_DIR / "certificates"))
NETRAL_SEAL_PASSWORD = env_str("NETRAL_SEAL_PASSWORD", "" if PRODUCTION else "netral-demo")
# The RFC 3161 time-stamping authority whose token each seal carries (PAdES B-T); empty: seals
# carry the server's time only. A failed authority never stops a seal: the pact is sealed without
# and `netral timestamp_pacts` timestamps it later. Its certificates to trust (PEM) for checking.
NETRAL_TSA_URL = env_str("NETRAL_TSA_URL", "")
NETRAL_TSA_TIMEOUT = env_int("NETRAL_TSA_TIMEOUT", 5)
NETRAL_TSA_USERNAME = env_str("NETRAL_TSA_USERNAME", "")
NETRAL_TSA_PASSWORD = env_str("NETRAL_TSA_PASSWORD", "")
NETRAL_TSA_TRUST_FILE = env_str("NETRAL_TSA_TRUST_FILE", "")
# Long-term validation (PAdES B-LT): a timestamped seal also carries its chains' certificates
# and the CRLs their distribution points publish, fetched by `netral timestamp_pacts` (at most
# every NETRAL_REVOCATION_REFRESH minutes, each waiting NETRAL_REVOCATION_TIMEOUT seconds) and
# kept; sealing never waits for them.
NETRAL_SEAL_LTV = env_bool("NETRAL_SEAL_LTV", True)
NETRAL_REVOCATION_TIMEOUT = env_int("NETRAL_REVOCATION_TIMEOUT", 10)
NETRAL_REVOCATION_REFRESH = env_int("NETRAL_REVOCATION_REFRESH", 60)
# The BSrE (BSSN) electronic signature service, for officials' certified signatures. Empty URL:
# officials sign as staff do. Paths and field names follow the service's API; an installation
# whose gateway differs sets its own. The passphrase is the official's, typed each time.
NETRAL_BSRE_URL = env_str("NETRAL_BSRE_URL", "")
NETRAL_BSRE_USERNAME = env_str("NETRAL_BSRE_USERNAME", "")
NETRAL_BSRE_PASSWORD = env_str("NETRAL_BSRE_PASSWORD", "")
NETRAL_BSRE_TIMEOUT = env_int("NETRAL_BSRE_TIMEOUT", 30)
NETRAL_BSRE_STATUS_PATH = env_str("NETRAL_BSRE_STATUS_PATH", "/api/user/status/{nik}")
NETRAL_BSRE_SIGN_PATH = env_str("NETRAL_BSRE_SIGN_PATH", "/api/sign/pdf")
NETRAL_BSRE_FIELD_NIK = env_str("NETRAL_BSRE_FIELD_NIK", "nik")
NETRAL_BSRE_FIELD_PASSPHRASE = env_str("NETRAL_BSRE_FIELD_PASSPHRASE", "passphrase")
NETRAL_BSRE_FIELD_FILE = env_str("NETRAL_BSRE_FIELD_FILE", "file")
# Extra form fields sent with each signing request ("name=value;name=value").
NETRAL_BSRE_SIGN_EXTRA = env_str("NETRAL_BSRE_SIGN_EXTRA", "tampilan=invisible")
# The status answer's field and the value that means an active certificate.
NETRAL_BSRE_STATUS_FIELD = env_str("NETRAL_BSRE_STATUS_FIELD", "status_code")
NETRAL_BSRE_ACTIVE_STATUS = env_str("NETRAL_BSRE_ACTIVE_STATUS", "1111")
# The admin dashboard's flags of unusual signing patterns.
NETRAL_FLAG_WINDOW_MINUTES = env_int("NETRAL_FLAG_WINDOW_MINUTES", 10)
# Signatures from one browser (address and user agent) within the window; a kiosk is exempt.
NETRAL_FLAG_DEVICE_SIGNATURES = env_int("NETRAL_FLAG_DEVICE_SIGNATURES", 8)
# Signatures from one address within the window, away from the venue; at the venue a hall shares
# one address behind NAT, so the limit there is NETRAL_FLAG_VENUE_ADDRESS_SIGNATURES.
NETRAL_FLAG_ADDRESS_SIGNATURES = env_int("NETRAL_FLAG_ADDRESS_SIGNATURES", 15)
NETRAL_FLAG_VENUE_ADDRESS_SIGNATURES = env_int("NETRAL_FLAG_VENUE_ADDRESS_SIGNATURES", 2000)
# A printed code used more than this many hours before or after the ceremony's day.
NETRAL_FLAG_PRINTED_CODE_HOURS = env_int("NETRAL_FLAG_PRINTED_CODE_HOURS", 3)
# The screening model `netral train_screening` writes (JSON). Without one, screening runs on its
# rules alone.
NETRAL_SCREENING_MODEL = env_str("NETRAL_SCREENING_MODEL", str(DATA_DIR / "screening-model.json"))
# The key that wraps each case file's and field's own key (32 random bytes, base64). Outside
# production one is generated into the data folder. Losing it loses every case's evidence.
NETRAL_CASE_KEY_FILE = env_str("NETRAL_CASE_KEY_FILE", "")
# Evidence a reporter may attach to one report.
NETRAL_EVIDENCE_MAX_FILES = env_int("NETRAL_EVIDENCE_MAX_FILES", 10)
NETRAL_EVIDENCE_MAX_BYTES = env_int("NETRAL_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# Public reports sent from one address in an hour (counted under a keyed hash that changes
# daily; no address is stored with a report). An office behind one address sends a few.
NETRAL_REPORTS_PER_ADDRESS_PER_HOUR = env_int("NETRAL_REPORTS_PER_ADDRESS_PER_HOUR", 20)
# Every uploaded image (evidence, paper scans, logos) is refused past this many pixels, judged
# from its header before decoding: a 165 KB PNG may declare 13,000 x 13,000.
NETRAL_IMAGE_MAX_PIXELS = env_int("NETRAL_IMAGE_MAX_PIXELS", 40_000_000)
# ffmpeg re-muxes videos without their metadata (a name on PATH or a path); without it, or past
# the timeout, a video is kept sealed and handlers are warned before opening the original.
NETRAL_FFMPEG = env_str("NETRAL_FFMPEG", "ffmpeg")
NETRAL_VIDEO_TIMEOUT_SECONDS = env_int("NETRAL_VIDEO_TIMEOUT_SECONDS", 30)
# A file of collected posts for batch screening: rows beyond these are refused, not cut, so a
# supervisor never reads a ranking of half a file.
NETRAL_SCREENING_MAX_ROWS = env_int("NETRAL_SCREENING_MAX_ROWS", 50_000)
NETRAL_SCREENING_MAX_BYTES = env_int("NETRAL_SCREENING_MAX_BYTES", 20 * 1024 * 1024)
# A photo for the pose check, held in memory only while it is checked.
NETRAL_PHOTO_MAX_BYTES = env_int("NETRAL_PHOTO_MAX_BYTES", 15 * 1024 * 1024)

SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "netral.base.sessions"  # the database, in fewer statements
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "netral.base.error_views.csrf_failure_view"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts and styles only from our own
# /static/ files, no inline code, no inline style attribute; images also as data: URIs (the drawn
# signature). A view may set a stricter header of its own (case evidence). docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env_bool("NETRAL_BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The proxies whose X-Forwarded-For names the client (addresses or networks): signatures, audit
# entries and throttles then see the phone's address, not the proxy's.
NETRAL_TRUSTED_PROXIES = env_list("NETRAL_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
for _proxy in NETRAL_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"NETRAL_TRUSTED_PROXIES: {error}") from error

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "netral@localhost")

# Messages (netral.base.messaging): each channel's backend, sent by `netral db_worker
# --queue-name messages`. mail: django (EMAIL_BACKEND) | console | outbox | off;
# WhatsApp: cloud (the WhatsApp Business Cloud API) | console | outbox | off;
# SMS: http (a gateway, below) | console | outbox | off.
NETRAL_MAIL_BACKEND = env_str("NETRAL_MAIL_BACKEND", "django")
NETRAL_WHATSAPP_BACKEND = env_str("NETRAL_WHATSAPP_BACKEND", "off")
NETRAL_SMS_BACKEND = env_str("NETRAL_SMS_BACKEND", "off")
# The outbox backend writes one JSON file per message here (tests, benchmarks).
NETRAL_MESSAGE_OUTBOX = env_str("NETRAL_MESSAGE_OUTBOX", str(DATA_DIR / "outbox"))
NETRAL_MESSAGE_TIMEOUT = env_int("NETRAL_MESSAGE_TIMEOUT", 10)  # seconds per provider request
NETRAL_MESSAGE_ATTEMPTS = env_int("NETRAL_MESSAGE_ATTEMPTS", 4)  # before a message fails
NETRAL_MESSAGE_KEEP_DAYS = env_int("NETRAL_MESSAGE_KEEP_DAYS", 30)  # then `netral purge`
# The retention schedule (UU 27/2022), in days, enforced by `netral purge --apply` (see
# docs/privacy.md); jobs and messages above are on it too.
NETRAL_KEEP_LOGIN_FAILURES_DAYS = env_int("NETRAL_KEEP_LOGIN_FAILURES_DAYS", 0)  # past the window
NETRAL_KEEP_ADDRESSES_DAYS = env_int("NETRAL_KEEP_ADDRESSES_DAYS", 90)
NETRAL_KEEP_CASE_EVIDENCE_DAYS = env_int("NETRAL_KEEP_CASE_EVIDENCE_DAYS", 5 * 365)
NETRAL_KEEP_CLOSED_CASES_DAYS = env_int("NETRAL_KEEP_CLOSED_CASES_DAYS", 5 * 365)
NETRAL_KEEP_SCREENING_BATCHES_DAYS = env_int("NETRAL_KEEP_SCREENING_BATCHES_DAYS", 365)
# Hours to answer a data subject's request, per right: UU 27/2022 names 3 x 24 hours for access,
# correction, withdrawal of consent and restriction; the others follow unless set.
NETRAL_PRIVACY_REQUEST_HOURS = {
    right: env_int(f"NETRAL_PRIVACY_{right.upper()}_HOURS", 72)
    for right in (
        "access",
        "rectification",
        "erasure",
        "withdrawal",
        "restriction",
        "objection",
        "portability",
    )
}
NETRAL_WHATSAPP_BASE_URL = env_str("NETRAL_WHATSAPP_BASE_URL", "https://graph.facebook.com")
NETRAL_WHATSAPP_API_VERSION = env_str("NETRAL_WHATSAPP_API_VERSION", "v23.0")
NETRAL_WHATSAPP_PHONE_NUMBER_ID = env_str("NETRAL_WHATSAPP_PHONE_NUMBER_ID")
NETRAL_WHATSAPP_TOKEN = env_str("NETRAL_WHATSAPP_TOKEN")
NETRAL_WHATSAPP_LANGUAGE = env_str("NETRAL_WHATSAPP_LANGUAGE", "id")
# Approved templates: an authentication template for one-time codes, and a utility template
# whose body is one parameter, for every other message.
NETRAL_WHATSAPP_TEMPLATE_CODE = env_str("NETRAL_WHATSAPP_TEMPLATE_CODE", "netral_kode")
NETRAL_WHATSAPP_TEMPLATE_TEXT = env_str("NETRAL_WHATSAPP_TEMPLATE_TEXT", "netral_pesan")
# The status webhook (/pesan/whatsapp/): the app secret that signs Meta's calls, and the token
# Meta echoes when the webhook is subscribed; without the secret the webhook is off.
NETRAL_WHATSAPP_APP_SECRET = env_str("NETRAL_WHATSAPP_APP_SECRET")
NETRAL_WHATSAPP_VERIFY_TOKEN = env_str("NETRAL_WHATSAPP_VERIFY_TOKEN")
NETRAL_SMS_URL = env_str("NETRAL_SMS_URL")
NETRAL_SMS_METHOD = env_str("NETRAL_SMS_METHOD", "POST").upper()
# The request's body (POST) or query (GET), with {to} and {message} put in, escaped for it.
NETRAL_SMS_TEMPLATE = env_str("NETRAL_SMS_TEMPLATE", "to={to}&message={message}")
NETRAL_SMS_CONTENT_TYPE = env_str("NETRAL_SMS_CONTENT_TYPE", "form")  # form | json
NETRAL_SMS_HEADERS = env_str("NETRAL_SMS_HEADERS", "{}")  # a JSON object, e.g. an API key
NETRAL_SMS_NUMBER_FORMAT = env_str("NETRAL_SMS_NUMBER_FORMAT", "62")  # 62 | +62 | 0
NETRAL_SMS_SUCCESS_STATUS = [int(s) for s in env_list("NETRAL_SMS_SUCCESS_STATUS", ["200"])]
NETRAL_SMS_SUCCESS_MATCH = env_str("NETRAL_SMS_SUCCESS_MATCH")  # a regular expression
NETRAL_SMS_ID_MATCH = env_str("NETRAL_SMS_ID_MATCH")  # a regular expression; group 1 is the id

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # pyHanko logs a traceback for every tampered PDF someone checks; the page reports it.
    # pikepdf announces its logging bridge at import, in every command's output.
    "loggers": {"pyhanko": {"level": "CRITICAL"}, "pikepdf": {"level": "WARNING"}},
}
