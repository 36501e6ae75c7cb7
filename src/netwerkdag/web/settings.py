"""Django settings, read from the environment; nothing secret lives in the repository.

- ``NETWERKDAG_DATA_DIR``: where the SQLite database, the generated secret key and rebuildable files live
  (default ``./netwerkdag-data``).
- ``DATABASE_URL``: a PostgreSQL URL for production (``postgres://user@host:5432/name``); without it an
  SQLite file in the data directory, in WAL mode, with writes taken up front (``BEGIN IMMEDIATE``) so that
  two writers queue instead of failing with "database is locked".
- ``NETWERKDAG_SECRET_KEY``: the signing key; without it one is generated once into the data directory
  (mode 0600), so that several processes on one machine share it. Several machines must set it.
- ``NETWERKDAG_BASE_URL``: the public address invitation links are built from (never the Host header).
- ``NETWERKDAG_ALLOWED_HOSTS``: comma separated; default the host of the base URL, localhost, 127.0.0.1.
- ``NETWERKDAG_SECURE``: ``1`` behind HTTPS: secure cookies, HSTS, redirect to https.
- mail: ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``,
  ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS`` select SMTP; without ``EMAIL_HOST`` mail goes to the console.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("NETWERKDAG_DATA_DIR", "netwerkdag-data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _secret_key() -> str:
    key = os.environ.get("NETWERKDAG_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text("ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        key = secrets.token_urlsafe(50)
        handle.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = False
BASE_URL = os.environ.get("NETWERKDAG_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
_base_host = urlsplit(BASE_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("NETWERKDAG_ALLOWED_HOSTS", f"{_base_host},localhost,127.0.0.1").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "netwerkdag.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "netwerkdag.web.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "netwerkdag.web.csrf.CsrfMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "netwerkdag.web.urls"
WSGI_APPLICATION = "netwerkdag.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "netwerkdag.web.jinja.environment"},
    },
    {  # the Django admin's own templates
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "netwerkdag.sqlite3"),
            # Each worker thread keeps its connection: opening one (and its PRAGMAs) per request cost
            # a third of the programme page's time.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            # Tests use a file too (not Django's shared in-memory database, whose table locks fail at
            # once where a file's writers wait): the same locking as in production.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
            "OPTIONS": {
                # Writers queue on the lock from the first statement on (no upgrade deadlock), wait up to
                # 20 s for it, and the journal is a write-ahead log so that readers never wait.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:organiser-home"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [("programme", PACKAGE_DIR.parent / "publish" / "templates" / "css")]
WHITENOISE_USE_FINDERS = True  # served from the package; no collectstatic step to forget

# Mail: the console unless an SMTP host is configured.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("NETWERKDAG_FROM_EMAIL", "netwerkdag <noreply@example.invalid>")

# Security. Behind HTTPS set NETWERKDAG_SECURE=1.
SECURE = _flag("NETWERKDAG_SECURE")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# security.W003 looks for Django's own class by name; ours subclasses it (netwerkdag/web/csrf.py) and
# keeps every check but one: the literal Origin "null" that no-referrer pages send, on those pages only.
SILENCED_SYSTEM_CHECKS = ["security.W003"]
CSRF_FAILURE_VIEW = "netwerkdag.web.views.errors.csrf_failure"
CSRF_TRUSTED_ORIGINS = [BASE_URL] if BASE_URL.startswith("https://") else []

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING"}},
}

# netwerkdag's own settings.
#: Days after the event after which personal data is anonymised (`netwerkdag forget`).
NETWERKDAG_RETENTION_DAYS = int(os.environ.get("NETWERKDAG_RETENTION_DAYS", "90"))
#: Days an invitation link stays valid after it is sent, unless the event ends first.
NETWERKDAG_INVITATION_DAYS = int(os.environ.get("NETWERKDAG_INVITATION_DAYS", "60"))
#: Failed token look-ups one address may make in a window before it gets 429 Too Many Requests.
NETWERKDAG_TOKEN_ATTEMPTS = int(os.environ.get("NETWERKDAG_TOKEN_ATTEMPTS", "20"))
NETWERKDAG_TOKEN_WINDOW_S = int(os.environ.get("NETWERKDAG_TOKEN_WINDOW_S", "600"))
#: Failed organiser log-ins one address may make in that window.
NETWERKDAG_LOGIN_ATTEMPTS = int(os.environ.get("NETWERKDAG_LOGIN_ATTEMPTS", "10"))
#: Test-only: False switches off the atomic seat check, to show that the overbooking test can fail.
NETWERKDAG_SEAT_LOCK = _flag("NETWERKDAG_SEAT_LOCK", True)
