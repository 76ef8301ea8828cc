"""Breachroom settings: one module, read from the environment (see README "Configuration").

No variables set gives the embedded mode: SQLite (WAL) under var/, a filesystem Celery
broker, the in-memory channel layer with the relay inside the web process, console email.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str, require_scheme
from config.oidc import oidc_providers

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BREACHROOM_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept under var/."""
    from_env = env_str("SECRET_KEY")
    if from_env:
        return from_env
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DATABASE_URL = require_scheme(
    "DATABASE_URL", env_str("DATABASE_URL"), ("postgres", "postgresql", "sqlite")
)
REDIS_URL = require_scheme("REDIS_URL", env_str("REDIS_URL"), ("redis", "rediss"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "template_partials",
    "csp",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "incidents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a request's body: evidence uploads are hashed as they stream.
    "incidents.evidence.upload.EvidenceUploadMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "incidents.middleware.RefuseNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Each event records the request it came from and how its actor signed in.
    "incidents.request_context.RequestContextMiddleware",
    "incidents.signin.sessions.SessionLifetimeMiddleware",
    "incidents.signin.mfa_policy.MfaEnrolmentMiddleware",
    "incidents.middleware.NoRoleMiddleware",
    "incidents.middleware.UserTimezoneMiddleware",
    "incidents.middleware.NoStoreMiddleware",
    # Last: it turns a sign-in refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Widgets are drawn from templates/ first: a few of Django's widget templates are kept
# there with their attributes written in place (templates/django/forms/widgets/input.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

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
                "incidents.context_processors.roles",
            ],
        },
    }
]


def _database() -> dict[str, Any]:
    if not DATABASE_URL:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "breachroom.sqlite3",
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of
            # failing half-way; WAL lets readers (the relay, the web) run beside a writer.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    config = dj_database_url.parse(DATABASE_URL, conn_health_checks=True)
    # The ASGI entry point turns the pool on (DATABASE_POOL); forked Celery workers must
    # not inherit a pool's threads, so they use plain per-task connections.
    if config["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_POOL", False):
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2,
            "max_size": env_int("DATABASE_POOL_MAX", 16, minimum=2),
            # A request waits this long for a connection, then gets a 503 with Retry-After
            # (incidents/views/errors.py), never a 500 after a long hang.
            "timeout": 3,
        }
    return dict(config)


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes first (it refuses a locked-out account or address before any password is
# checked), then allauth's (Django's model backend underneath). Sessions opened under the
# earlier cached backend must sign in again.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "incidents:list"
LOGOUT_REDIRECT_URL = "account_login"

# --- Sign-in (django-allauth: local accounts, MFA, OpenID Connect) -------------------------
ACCOUNT_ADAPTER = "incidents.signin.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "incidents.signin.oidc.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False  # sessions end by the idle and absolute limits below
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this session stays; the others end
# django-axes counts failed sign-ins (per account and per address, with an admin unlock).
ACCOUNT_RATE_LIMITS = {"login_failed": None}
ACCOUNT_REAUTHENTICATION_REQUIRED = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Breachroom"
# WebAuthn needs https, except on a loopback development or test server when allowed.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("WEBAUTHN_ALLOW_HTTP", DEBUG)
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = oidc_providers()

# Throttling: AXES_FAILURE_LIMIT failures lock the account, and separately the address, for
# AXES_COOLOFF_MINUTES (or until an admin unlocks it).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "incidents.signin.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "incidents.signin.lockout.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

# Sessions end after this long without a request, and this long after sign-in whatever.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60, minimum=1)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True

# The cache holds shared renderings (incidents/rendering: keyed by revisions, so any
# process's copy is as good as another's). Without Redis each process keeps its own in
# memory: the same code path, less sharing. Sessions live in the database only (one
# indexed read per request, about what a Redis round trip costs): signing in and out work
# with Redis away, and a session ended there can never come back from a cache.
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "incidents.redis_cache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CHANNEL_PREFIX", "breachroom"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The CSRF secret lives in the session: a cookie planted by a sibling subdomain or a
# man-in-the-middle on plain HTTP cannot satisfy the check (htmx sends the token as a header).
CSRF_USE_SESSIONS = True
# HTTPS: redirect and HSTS from the environment (behind a proxy, say which header it sets).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_FAILURE_VIEW = "incidents.views.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Live updates -------------------------------------------------------------------------
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL}],
                # The default of 100 pending group messages drops frames silently under
                # load; sequence numbers make delivery complete, this makes drops rare.
                "capacity": env_int("CHANNEL_CAPACITY", 1500, minimum=100),
                "expiry": 30,
                "prefix": env_str("CHANNEL_PREFIX", "breachroom"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Where the outbox relay runs: inside the web process (embedded, in-memory layer) or as
# its own `manage.py run_relay` process (production, channels-redis).
RELAY_IN_PROCESS = env_bool("RELAY_IN_PROCESS", not REDIS_URL)
RELAY_POLL_SECONDS = 0.1

# Hosts automated checks may reach (exact host, "*.example.com", or an IP network). Link-
# local and cloud metadata addresses are refused whatever this says.
CHECK_TARGET_ALLOWLIST = env_list("CHECK_TARGET_ALLOWLIST", [])

# --- Celery -----------------------------------------------------------------------------------
# Without Redis: kombu's filesystem transport made safe for several processes
# (incidents/embedded_broker.py; its scheme is registered in config/celery.py).
CELERY_BROKER_URL = REDIS_URL or "breachroom-files://localhost/"  # the host is not used
# Where workers read the old credentials rotation probes present: one file per registered
# reference, named like it (services/probe_secrets.py); a mounted secrets folder in
# production. A reference with no file falls back to the worker's environment variable.
PROBE_SECRETS_DIR = Path(env_str("PROBE_SECRETS_DIR") or VAR_DIR / "probe-secrets")
# Evidence files (services/evidence.py): kept through Django's storage API under their
# SHA-256, on the filesystem here (an S3-compatible store can be configured in its place).
EVIDENCE_DIR = Path(env_str("EVIDENCE_DIR") or VAR_DIR / "evidence")
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 2 * 1024**3, minimum=1)
# Signed audit checkpoints (incidents/checkpoints/): the Ed25519 key lives outside the
# database, a 0600 file made on first use here, a mounted secret in production; each
# checkpoint is also appended to a file outside the database.
AUDIT_SIGNING_KEY_FILE = Path(
    env_str("AUDIT_SIGNING_KEY_FILE") or VAR_DIR / "audit" / "signing-key.pem"
)
AUDIT_CHECKPOINT_FILE = Path(
    env_str("AUDIT_CHECKPOINT_FILE") or VAR_DIR / "audit" / "checkpoints.jsonl"
)
AUDIT_CHECKPOINT_MINUTES = env_int("AUDIT_CHECKPOINT_MINUTES", 5, minimum=1)
# Witnesses each checkpoint is handed to (services/witnesses.py): mail addresses (the digest
# and signature only, no breach data) and HTTPS endpoints (POSTed the same as JSON), comma
# separated; AUDIT_WITNESS_CA_FILE trusts a private CA for those endpoints.
AUDIT_WITNESS_EMAILS = env_list("AUDIT_WITNESS_EMAILS", [])
AUDIT_WITNESS_URLS = [
    require_scheme("AUDIT_WITNESS_URLS", url, ("https",))
    for url in env_list("AUDIT_WITNESS_URLS", [])
]
AUDIT_WITNESS_CA_FILE = env_str("AUDIT_WITNESS_CA_FILE") or ""
# An RFC 3161 timestamp authority as a witness (its token kept with the checkpoint), and
# the PEM file of its root certificate(s), without which a token is kept but not verified.
AUDIT_WITNESS_TSA_URL = require_scheme(
    "AUDIT_WITNESS_TSA_URL", env_str("AUDIT_WITNESS_TSA_URL") or "", ("https", "http")
)
AUDIT_WITNESS_TSA_ROOTS = env_str("AUDIT_WITNESS_TSA_ROOTS") or ""
# Optional malware scan of every file given (incidents/evidence/scanning.py): clamd's Unix
# socket path or host:port. Unset: files are kept unscanned, and the page says so.
CLAMD_ADDRESS = env_str("CLAMD_ADDRESS") or ""
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 60, minimum=1)
# In production, evidence can live in S3-compatible object storage instead (django-storages):
# set EVIDENCE_S3_BUCKET, and EVIDENCE_S3_ENDPOINT_URL for a store other than AWS (MinIO,
# Ceph, ...). Credentials come the usual boto3 way (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
# or the instance's role). Files are still served only through the access gate, never by
# a link to the bucket; a name is a SHA-256, so writing it again writes the same bytes.
EVIDENCE_S3_BUCKET = env_str("EVIDENCE_S3_BUCKET") or ""
EVIDENCE_STORAGE: dict[str, Any] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "endpoint_url": env_str("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": env_str("EVIDENCE_S3_REGION") or None,
            "location": env_str("EVIDENCE_S3_PREFIX") or "evidence",
            "file_overwrite": True,
            "default_acl": None,
            "querystring_auth": False,
        },
    }
    if EVIDENCE_S3_BUCKET
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(EVIDENCE_DIR), "file_permissions_mode": 0o600},
    }
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": EVIDENCE_STORAGE,
}
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 120, minimum=2)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT - 10)
# A task a killed worker held is redelivered after this; it must outlast the hard limit,
# or a slow healthy task would be run twice.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=3)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"CELERY_VISIBILITY_TIMEOUT ({CELERY_VISIBILITY_TIMEOUT}s) must be above "
        f"CELERY_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT}s)."
    )
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # How often workers look for tasks a dead worker held (every sweep scans Redis once).
    "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10, minimum=1),
    "unacked_restore_throttle": 1,
}
if not REDIS_URL:
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            "data_folder_in": str(_queue_dir),
            "data_folder_out": str(_queue_dir),
            "control_folder": str(VAR_DIR / "celery" / "control"),
            "store_processed": False,
            "polling_interval": 0.25,
        }
    )
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "breachroom")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "verify-audit-chains": {"task": "incidents.tasks.verify_audit_chains", "schedule": 3600.0},
    "audit-checkpoint": {
        "task": "incidents.tasks.make_audit_checkpoint",
        "schedule": 60.0 * AUDIT_CHECKPOINT_MINUTES,
    },
    "mail-notification-digests": {
        "task": "incidents.tasks.mail_notification_digests",
        "schedule": 3600.0,
    },
    "deadline-watch": {"task": "incidents.tasks.deadline_watch", "schedule": 60.0},
    "obligation-reminders": {"task": "incidents.tasks.obligation_reminders", "schedule": 60.0},
    "rerun-due-checks": {"task": "incidents.tasks.rerun_due_checks", "schedule": 30.0},
    # Often: a lost run comes back within seconds of its heartbeat stopping (check_runs).
    "sweep-stuck-work": {
        "task": "incidents.tasks.sweep_stuck_work",
        "schedule": 5.0,
    },
}

# EMAIL_URL: smtp://user:password@host:587 (STARTTLS), smtps://...:465 (TLS), console://,
# or none: messages are written to files under var/sent-mail to read.
EMAIL_URL = require_scheme("EMAIL_URL", env_str("EMAIL_URL"), ("smtp", "smtps", "console"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "incident-response@breachroom.invalid")
# Where people open Breachroom: the links in notification mail start with it.
PUBLIC_URL = env_str("PUBLIC_URL", "http://localhost:8000").rstrip("/")
EMAIL_TIMEOUT = 20


def _email_settings() -> dict[str, Any]:
    if not EMAIL_URL:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(VAR_DIR / "sent-mail"),
        }
    parts = urlsplit(EMAIL_URL)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    return {
        "EMAIL_BACKEND": "incidents.notices.smtp_backend.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": parts.scheme == "smtp" and "tls=0" not in parts.query,
    }


globals().update(_email_settings())

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        # axes logs every attempt at INFO; the security log is the record of them.
        "axes": {"level": "WARNING"},
    },
}
