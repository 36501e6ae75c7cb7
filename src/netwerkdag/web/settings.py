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
- ``NETWERKDAG_TRUSTED_PROXIES``: comma separated addresses or networks of the reverse proxies in front;
  ``X-Forwarded-For`` is read only from a peer among them (``web/client.py``).
- mail: ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``,
  ``EMAIL_USE_SSL`` select SMTP. Without ``EMAIL_HOST`` mail goes to the console only when
  ``NETWERKDAG_MAIL=console`` (``demo``, or ``serve``/``worker --mail console``); otherwise sending fails
  with a reason the organisers see, and ``serve`` and ``worker`` refuse to start.

docs/web.md lists every setting; docs/deploy.md how to run it in production.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from netwerkdag.web.client import parse_networks
from netwerkdag.web.datadir import private_directory, private_file

PACKAGE_DIR = Path(__file__).resolve().parent
#: The data directory is private to the account that runs netwerkdag (0700): it holds the secret key
#: and, with SQLite, every personal datum.
DATA_DIR = private_directory(Path(os.environ.get("NETWERKDAG_DATA_DIR", "netwerkdag-data")).resolve())


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
    "django_tasks",
    "django_tasks_db",
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
    # Before any view (or CSRF's check, which reads the form) touches the body: too large is 413.
    "netwerkdag.web.middleware.BodyLimitMiddleware",
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
    # Made 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode.
    SQLITE_PATH = private_file(DATA_DIR / "netwerkdag.sqlite3")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
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
#: A link to set a password (a new organiser, a forgotten password) works once, for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
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

# Mail, sent only by workers (netwerkdag/web/services/mail.py): SMTP when a host is set, the console when
# asked for (the demo), otherwise a backend that fails every mail with the reason.
#: "smtp" or "console": what the command that started this process chose (--mail).
MAIL = os.environ.get("NETWERKDAG_MAIL", "smtp")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_SSL = _flag("EMAIL_USE_SSL", False)
    EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", not EMAIL_USE_SSL)
    EMAIL_TIMEOUT = 30
elif MAIL == "console":
    EMAIL_BACKEND = "netwerkdag.web.mailbackend.ReadableConsole"
else:
    EMAIL_BACKEND = "netwerkdag.web.mailbackend.NoMailServer"
DEFAULT_FROM_EMAIL = os.environ.get("NETWERKDAG_FROM_EMAIL", "netwerkdag <noreply@example.invalid>")
#: The domain of our Message-IDs (a resent or duplicated mail keeps its id, so mail programs show it once).
MESSAGE_ID_DOMAIN = urlsplit(BASE_URL).hostname or "netwerkdag.invalid"

# Background work: django-tasks with its database backend; `netwerkdag worker` runs the tasks
# (docs/decisions/0008-background-work.md). Tasks name the ids of rows, never personal data.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "mail", "scheduling"],
    }
}

# Security. Behind HTTPS set NETWERKDAG_SECURE=1.
SECURE = _flag("NETWERKDAG_SECURE")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
try:
    #: The reverse proxies whose X-Forwarded-For is believed (web/client.py); empty: none.
    TRUSTED_PROXIES = parse_networks(os.environ.get("NETWERKDAG_TRUSTED_PROXIES", ""))
except ValueError as exc:
    raise ImproperlyConfigured(f"NETWERKDAG_TRUSTED_PROXIES: {exc}") from None
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

# Request bodies: the limits are checked from Content-Length before anything reads the body
# (web/middleware.py); an upload is held in memory, never written to a temporary file.
#: Anonymous visitors (log-in, invitee forms): forms are small.
NETWERKDAG_MAX_BODY_ANONYMOUS = int(os.environ.get("NETWERKDAG_MAX_BODY_ANONYMOUS", str(64 * 1024)))
#: Logged-in organisers' forms (the session editor of a big day posts every session).
NETWERKDAG_MAX_BODY = int(os.environ.get("NETWERKDAG_MAX_BODY", str(1024 * 1024)))
#: An uploaded file (event file, invitee list) of a logged-in organiser.
NETWERKDAG_MAX_UPLOAD = int(os.environ.get("NETWERKDAG_MAX_UPLOAD", str(5 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = NETWERKDAG_MAX_UPLOAD + 64 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = NETWERKDAG_MAX_BODY

# Logs never hold a personal link or a password link (web/logs.py): every handler redacts them, and a
# client's mistake that Django reports as a security event (a forged Host header) is one line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "netwerkdag.web.logs.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        "mail_admins": {
            "class": "netwerkdag.web.logs.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["redact"],
        },
    },
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": "WARNING", "propagate": False},
        "django_tasks": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django_tasks_db": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "netwerkdag": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# netwerkdag's own settings.
#: Days after the event after which personal data is anonymised (`netwerkdag forget`).
NETWERKDAG_RETENTION_DAYS = int(os.environ.get("NETWERKDAG_RETENTION_DAYS", "90"))
#: Days an invitation link stays valid after it is sent, unless the event ends first.
NETWERKDAG_INVITATION_DAYS = int(os.environ.get("NETWERKDAG_INVITATION_DAYS", "60"))
#: Failed token look-ups one client may make in a window before it gets 429 Too Many Requests.
NETWERKDAG_TOKEN_ATTEMPTS = int(os.environ.get("NETWERKDAG_TOKEN_ATTEMPTS", "20"))
NETWERKDAG_TOKEN_WINDOW_S = int(os.environ.get("NETWERKDAG_TOKEN_WINDOW_S", "600"))
#: Log-in attempts (the organisers' and the admin's) one client may make in that window; one that
#: succeeds is not counted.
NETWERKDAG_LOGIN_ATTEMPTS = int(os.environ.get("NETWERKDAG_LOGIN_ATTEMPTS", "10"))
#: Scheduler runs queued or running on the whole site at once; more are refused until one ends.
NETWERKDAG_SCHEDULER_RUNS = int(os.environ.get("NETWERKDAG_SCHEDULER_RUNS", "4"))
#: Days before an event that its registered people get a reminder with their programme (0: none).
NETWERKDAG_REMINDER_DAYS = int(os.environ.get("NETWERKDAG_REMINDER_DAYS", "3"))
#: Attempts to hand a mail to the mail server before it is marked failed (with back-off between).
NETWERKDAG_MAIL_ATTEMPTS = int(os.environ.get("NETWERKDAG_MAIL_ATTEMPTS", "6"))
#: A worker writes a heartbeat this often; one silent for NETWERKDAG_WORKER_LOST_S has stopped, and
#: the task it was running is recovered by another worker.
NETWERKDAG_WORKER_BEAT_S = float(os.environ.get("NETWERKDAG_WORKER_BEAT_S", "5"))
NETWERKDAG_WORKER_LOST_S = float(os.environ.get("NETWERKDAG_WORKER_LOST_S", "60"))
#: Test-only: False switches off the atomic seat check, to show that the overbooking test can fail.
NETWERKDAG_SEAT_LOCK = _flag("NETWERKDAG_SEAT_LOCK", True)
