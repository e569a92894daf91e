"""Pult settings: one module, driven by the environment (see .env.example).

Deployment configuration lives here; business configuration (roles, pipelines,
rules) is data edited in the product.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# Runtime files (SQLite database, generated secret key, uploads) live under var/,
# next to where Pult is started unless PULT_VAR_DIR says otherwise.
VAR_DIR = Path(os.environ.get("PULT_VAR_DIR") or Path.cwd() / "var").resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address for links in e-mails and feeds. Empty: the address `pult run`
# serves on, HOST and PORT (pult.core.site.site_url gives the one base of links).
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
HOST = os.environ.get("HOST", "").strip() or "127.0.0.1"
PORT = env_int("PORT", 8000)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "ninja",
    "heroicons",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "pult.core",
    "pult.accounts",
    "pult.access",
    "pult.activity",
    "pult.notifications",
    "pult.calendars",
    "pult.parties",
    "pult.work",
    "pult.desk",
    "pult.pipelines",
    "pult.documents",
    "pult.chat",
    "pult.orders",
    "pult.reports",
    "pult.newsletters",
    "pult.presets",
    "pult.bench",
    "pult.api",
    "pult.ui",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pult.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pult.accounts.middleware.UserPreferencesMiddleware",
    "pult.accounts.middleware.WorkspaceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "pult.api.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "pult.config.urls"
ASGI_APPLICATION = "pult.config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pult.ui.context_processors.shell",
                "pult.ui.context_processors.vocabulary",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'pult.sqlite3'}"
# Under ASGI, Django serves sync code from short-lived threads, where persistent
# connections (CONN_MAX_AGE) are never reused and never closed. On PostgreSQL each
# process therefore keeps a psycopg connection pool (DB_POOL_MAX connections, checked
# before use, so a PostgreSQL restart costs a retry, never a failed worker); without it
# every request would pay a new connection and login. SQLite opens a file per request.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 0), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the task worker read while the other writes;
        # IMMEDIATE transactions take the write lock up front instead of failing late.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("TEST", {})
    # pg_trgm: the lowest similarity any fuzzy search accepts; with it, `%>` (word
    # similarity above the threshold) can use the trigram indexes, and selectors apply
    # their own stricter cut on the score.
    # join_collapse_limit: a list page joins the item to its type, status, requester,
    # outlet, brand, client, contract and manager (each by primary key); searching every
    # order of nine tables cost PostgreSQL ~28 ms of planning for 1 ms of execution.
    # Reordering within groups of four plans it in ~4 ms with the same plan.
    # random_page_cost: PostgreSQL's default (4) prices a random read for spinning
    # disks; on SSD, or with the working set in memory, 1.1 is right, and with 4 the
    # head's list of 1,000,000 items walked the primary key past 200,000 rows of another
    # workspace (230 ms) instead of its (workspace, type, id) index (3.5 ms).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "DB_OPTIONS",
        "-c pg_trgm.word_similarity_threshold=0.3 -c join_collapse_limit=4 -c random_page_cost=1.1",
    )
    if env_bool("DB_PREPARE", True):
        # Planning a list page's nine-table join costs PostgreSQL more than running it
        # (~4 ms against ~1 ms). With the parameters bound on the server, a statement a
        # connection has run twice is prepared, and PostgreSQL keeps its plan (generic
        # once it proves as good as the custom ones). Off behind a pooler that cannot
        # carry prepared statements (PgBouncer before 1.21 in transaction mode).
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env_int("DB_PREPARE_THRESHOLD", 2)
    if env_bool("DB_POOL", True):
        # CONN_HEALTH_CHECKS makes Django check each pooled connection before use.
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN", 1),
            "max_size": env_int("DB_POOL_MAX", 10),
            "timeout": env_int("DB_POOL_TIMEOUT", 10),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: optional; speeds things up, never required -----------------------
REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            # A miss, not an error, when Redis is away; and never a long wait for it.
            "BACKEND": "pult.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    }
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    INSTALLED_APPS += ["django_rq"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ui:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# Lockout after 5 failed logins for 15 minutes, per account and address. Attempts
# live in the database so lockout holds with Redis down and across workers.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The address a lockout counts against comes from the one helper that also knows
# whether X-Forwarded-For may be believed (see "Proxies" below); it takes precedence
# over axes' own (django-ipware) lookup, which would read the header from anyone.
AXES_CLIENT_IP_CALLABLE = "pult.core.network.client_address"

# --- Sessions, cookies and transport security ---------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind TLS (production): secure cookies, HSTS, redirect to https.
HTTPS = env_bool("HTTPS", not DEBUG and SITE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS

# --- Proxies ---------------------------------------------------------------------
# Forwarded headers are believed only behind a proxy (BEHIND_PROXY) and only from the
# proxy's own addresses (FORWARDED_ALLOW_IPS; `pult run` gives uvicorn the same list).
# The client is the X-Forwarded-For entry PROXY_COUNT places from the right: each proxy
# appends its peer, so everything left of that entry is the client's to write.
# pult.core.network.client_address applies this for the lockout and /healthz.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", "127.0.0.1,::1") if BEHIND_PROXY else []
PROXY_COUNT = max(1, env_int("PROXY_COUNT", 1)) if BEHIND_PROXY else 0
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # 'self' also matches ws:/wss: on the page's own host and port (CSP Level 3,
        # "match a URL to a source expression"; Chromium 70+, Firefox, Safari 16+), which
        # is where the live sockets go (the scripts build their URL from location.host).
        # Bare "ws:"/"wss:" would let an injected script talk to any host.
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Browser features Pult never uses, switched off for its pages and anything they embed
# (a header on every response; Django has no setting for it). Only features browsers
# recognise: an unknown one (e.g. the withdrawn interest-cohort) is a console error.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "pult_language"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
DEFAULT_CURRENCY = os.environ.get("DEFAULT_CURRENCY", "RUB")

# --- Static and media files ----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from it after collectstatic
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media-not-served/"  # private files only go out through permission-checked views
FILE_UPLOAD_PERMISSIONS = 0o640
# Largest attachment or material accepted, in megabytes.
PULT_MAX_UPLOAD_MB = env_int("PULT_MAX_UPLOAD_MB", 25)
AVATAR_MAX_BYTES = env_int("AVATAR_MAX_BYTES", 2 * 1024 * 1024)
WHITENOISE_USE_FINDERS = True  # `make run` serves static files without collectstatic

if S3_BUCKET := os.environ.get("S3_BUCKET"):
    _private_storage: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES = {
    "default": _private_storage,
    "staticfiles": {
        # Production: `pult collectstatic` then STATIC_MANIFEST=1 for hashed, cacheable names.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail ----------------------------------------------------------------------
# EMAIL_URL=smtp://user:password@host:587?tls=1  (or smtps://… for implicit TLS),
# or the individual EMAIL_* settings below. Without any, mail goes to the console.


def _email_from_url(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", "") in {"1", "true", "yes"},
    }


if EMAIL_URL := os.environ.get("EMAIL_URL", ""):
    globals().update(_email_from_url(EMAIL_URL))
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Pult <pult@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Outbox retries: attempt n waits OUTBOX_BACKOFF_SECONDS * 2**(n-1), capped at an hour.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 12)
OUTBOX_BACKOFF_SECONDS = env_int("OUTBOX_BACKOFF_SECONDS", 30)

# --- API -------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50

# --- Logging ---------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"forbidden_on_one_line": {"()": "pult.core.log.ForbiddenOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # A denied page (403) logs its path on one line; a 500 keeps its traceback.
        "django.request": {"filters": ["forbidden_on_one_line"]},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
