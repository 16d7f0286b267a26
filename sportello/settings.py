"""Settings of Sportello.

Configuration is by environment variables only; README.md documents each of them
with its default. Values are read by the typed helpers of `sportello.lib.env`.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from sportello.lib.env import env_bool, env_choice, env_int, env_list, env_str
from sportello.lib.storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (a long random string) when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-use-it-in-production-0123456789abcdef"
# Earlier keys, still accepted (sessions, signed links, the e-mail reply addresses) while a new one settles in.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

# The portal's public address, used in e-mail links and to derive the secure defaults.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(f"SITE_URL must be an http(s) address, not {SITE_URL!r}.")
USES_HTTPS = _site.scheme == "https"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
if _site.hostname not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_site.hostname)
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}", *env_list("CSRF_TRUSTED_ORIGINS")]

# How many reverse proxies in front of the portal append to X-Forwarded-For (0: none,
# use the connection's address). Rate limits and the audit log depend on it.
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)

INSTALLED_APPS = [
    "sportello.accounts",
    "sportello.tenants",
    "sportello.notifications",
    "sportello.workers",
    "sportello.tickets",
    "sportello.dashboard",
    "sportello.desk",
    "sportello.idempotency",
    "sportello.ratelimits",
    "sportello.mailin",
    "sportello.pwa",
    "sportello.api",
    "sportello.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "sportello.accounts.middleware.AuthenticationMiddleware",
    "sportello.accounts.middleware.LanguageMiddleware",
    "sportello.api.middleware.ApiMiddleware",
    "sportello.accounts.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "sportello.pwa.middleware.UnsupportedBrowserMiddleware",
    "sportello.tenants.middleware.TenantMiddleware",
]

ROOT_URLCONF = "sportello.urls"
WSGI_APPLICATION = "sportello.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sportello" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["sportello.lib.templatetags.icons", "sportello.idempotency.templatetags.idempotency"],
            "libraries": {
                "choices": "sportello.lib.templatetags.choices",
                "listing": "sportello.lib.templatetags.listing",
                "fields": "sportello.lib.templatetags.fields",
                "menu": "sportello.lib.templatetags.menu",
                "shell": "sportello.lib.templatetags.shell",
                "text": "sportello.lib.templatetags.text",
            },
        },
    },
    # The partials repeated once per row (ticket rows, chat lines, select options) are
    # Jinja2 templates under each app's jinja2/ folder, rendered by the Django tags that
    # call them (sportello/lib/partials.py): compiled to Python, a row costs a fifth of
    # what Django's engine takes. Autoescape is on, as in every Django template.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "sportello" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "sportello.lib.partials.environment", "autoescape": True},
    },
]

# Form widgets are drawn with Django's own Jinja2 templates (django/forms/jinja2/): the same
# markup as its Django-engine ones at a fraction of the cost, on every form of every page.
FORM_RENDERER = "django.forms.renderers.Jinja2"

# Database: SQLite for the demo, PostgreSQL in production and in the test suite.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sportello.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web server and task workers share the file: WAL and a busy timeout let them take turns.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Timeouts everywhere: a server that does not answer a new connection is given up in
    # DATABASE_CONNECT_TIMEOUT seconds, and TCP keepalives notice one that vanished under an
    # open connection (a failover) in about 2 × DATABASE_KEEPALIVE_SECONDS instead of the
    # kernel's two hours. The server is asked to do the same for our side (its keepalives
    # and TCP_USER_TIMEOUT, per connection): a web or worker host that loses power closes
    # nothing, and its sessions would keep their open transactions' row locks for those two
    # hours, holding up every request that needs the same rows (a person's quota counter,
    # the ticket replied to, a form sent again with its one-time key).
    # The name shows who holds each connection in pg_stat_activity (workers add their id).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1))
    _options.setdefault("application_name", "sportello")
    _keepalive = env_int("DATABASE_KEEPALIVE_SECONDS", 30, minimum=1)
    _probes = {"idle": _keepalive, "interval": max(1, _keepalive // 3), "count": 3}
    for _name, _value in {"keepalives": 1, **{f"keepalives_{name}": value for name, value in _probes.items()}}.items():
        _options.setdefault(_name, _value)
    _gone_after_ms = (_probes["idle"] + _probes["interval"] * _probes["count"]) * 1000
    _options["options"] = " ".join(
        [
            _options.get("options", ""),
            *(f"-c tcp_keepalives_{name}={value}" for name, value in _probes.items()),
            f"-c tcp_user_timeout={_gone_after_ms}",
        ]
    ).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every web process (the desk's counts, the operators of "Assegna a"): PostgreSQL's
# table by default (made by `createcachetable`), nothing more to run; Redis when CACHE_URL
# names one, and then sessions are read from it too (`cached_db`: written to both, read from
# the cache), so that a signed-in page costs no session query on a hit. Rate-limit counters
# are never here: they live in a table of their own (sportello.ratelimits).
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    if urlsplit(CACHE_URL).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// address of a Redis server.")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "sportello"),
            # A cache that does not answer fails the request quickly instead of holding a worker.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "sportello_cache",
        }
    }
    # Django's database sessions, read back by a statement written once (accounts.session_store).
    SESSION_ENGINE = "sportello.accounts.session_store"

AUTH_USER_MODEL = "accounts.User"
# ModelBackend, reading the person with their membership of the session's company in one query.
AUTHENTICATION_BACKENDS = ["sportello.accounts.backends.AccountBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "sportello.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600, minimum=300)

# Internationalisation: Italian first, English second.
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "sportello" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Rome")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "sportello" / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files (attachments, profile pictures): the local disk under MEDIA_ROOT, or an
# S3-compatible bucket, which every host sees, when S3_BUCKET is set (docs/deployment.md).
S3_BUCKET = env_str("S3_BUCKET")
STORAGES = {
    "default": (
        s3_storage(
            bucket=S3_BUCKET,
            endpoint_url=env_str("S3_ENDPOINT_URL"),
            region=env_str("S3_REGION"),
            access_key=env_str("S3_ACCESS_KEY_ID"),
            secret_key=env_str("S3_SECRET_ACCESS_KEY"),
            addressing_style=env_choice("S3_ADDRESSING_STYLE", ("auto", "path", "virtual"), "auto"),
            prefix=env_str("S3_PREFIX"),
            timeout=env_int("S3_TIMEOUT", 20, minimum=1),
        )
        if S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# E-mail. Every message leaves through sportello.notifications (a durable task);
# MAIL_BACKEND=file keeps them as files under var/mail/ for the demo.
MAIL_BACKEND = env_choice("MAIL_BACKEND", ("smtp", "file"), "smtp")
_smtp_security = env_choice("SMTP_SECURITY", ("none", "starttls", "ssl"), "none")
if MAIL_BACKEND == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("SMTP_HOST", "localhost"),
                "port": env_int("SMTP_PORT", 25, minimum=1),
                "username": env_str("SMTP_USERNAME"),
                "password": env_str("SMTP_PASSWORD"),
                "use_tls": _smtp_security == "starttls",
                "use_ssl": _smtp_security == "ssl",
                "timeout": env_int("SMTP_TIMEOUT", 20, minimum=1),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sportello <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How long an undeliverable e-mail is retried before it is recorded as failed.
EMAIL_RETRY_HOURS = env_int("EMAIL_RETRY_HOURS", 48, minimum=24)
# The events of a ticket within this many seconds of the first become one e-mail per
# person, sent when the window closes (0: each event its own e-mail, at once). E-mails a
# person waits for (codes, recovery, invitations) are never held.
NOTIFICATION_WINDOW_SECONDS = env_int("NOTIFICATION_WINDOW_SECONDS", 120, minimum=0)

# Background tasks: the database backend keeps them across crashes and restarts.
# E-mails a person is waiting for (codes, recovery, invitations) have a queue of their own,
# served by its own worker, so that no backlog of notifications can delay them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email", "priority"],
    }
}
# Workers (`manage.py run_worker`, README: "Workers"). Each writes a heartbeat every
# WORKER_HEARTBEAT_SECONDS; a task whose worker has not been seen for WORKER_LEASE_SECONDS
# runs again on another worker, and /healthz fails.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
WORKER_LEASE_SECONDS = env_int("WORKER_LEASE_SECONDS", 60, minimum=2)
if WORKER_LEASE_SECONDS < 2 * WORKER_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured("WORKER_LEASE_SECONDS must be at least twice WORKER_HEARTBEAT_SECONDS.")
# Longest statement a worker's database connection may run (0: no limit).
WORKER_STATEMENT_TIMEOUT = env_int("WORKER_STATEMENT_TIMEOUT", 120, minimum=0)

# Retention (README: "What is kept, and for how long"): periodic tasks of the workers
# delete what is older than this, in days.
TASK_RESULT_RETENTION_DAYS = env_int("TASK_RESULT_RETENTION_DAYS", 7, minimum=1)
EMAIL_RETENTION_DAYS = env_int("EMAIL_RETENTION_DAYS", 30, minimum=1)
FAILED_EMAIL_RETENTION_DAYS = env_int("FAILED_EMAIL_RETENTION_DAYS", 90, minimum=1)
LOGIN_CODE_RETENTION_DAYS = env_int("LOGIN_CODE_RETENTION_DAYS", 7, minimum=1)
SECURITY_LOG_RETENTION_DAYS = env_int("SECURITY_LOG_RETENTION_DAYS", 365, minimum=1)

# Security headers and cookies. Behind TLS the cookies take the __Host- prefix.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = USES_HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000 if USES_HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = USES_HTTPS
SESSION_COOKIE_NAME = "__Host-sessionid" if USES_HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if USES_HTTPS else "csrftoken"
LANGUAGE_COOKIE_NAME = "__Host-language" if USES_HTTPS else "language"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "sportello.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=300)

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Identity (README: "Sign-in and accounts").
TEMPORARY_CREDENTIALS_DAYS = env_int("TEMPORARY_CREDENTIALS_DAYS", 7, minimum=1)
LOGIN_CODE_MINUTES = env_int("LOGIN_CODE_MINUTES", 10, minimum=1)
LOGIN_CODE_MAX_ATTEMPTS = env_int("LOGIN_CODE_MAX_ATTEMPTS", 5, minimum=1)
LOGIN_CODE_RESEND_SECONDS = env_int("LOGIN_CODE_RESEND_SECONDS", 60, minimum=0)
LOGIN_CODE_ACCOUNT_FAILURES = env_int("LOGIN_CODE_ACCOUNT_FAILURES", 10, minimum=3)
# Another address for a ticket's notifications is confirmed by a link first (R6).
CONTACT_ADDRESS_CONFIRM_DAYS = env_int("CONTACT_ADDRESS_CONFIRM_DAYS", 7, minimum=1)
CONTACT_CONFIRMATIONS_PER_DAY = env_int("CONTACT_CONFIRMATIONS_PER_DAY", 5, minimum=1)
# A form or API request sent again with the same one-time key within this many days is a repeat.
IDEMPOTENCY_KEY_DAYS = env_int("IDEMPOTENCY_KEY_DAYS", 7, minimum=1)
TRUSTED_DEVICE_DAYS = env_int("TRUSTED_DEVICE_DAYS", 180, minimum=1)
TRUSTED_DEVICE_COOKIE_NAME = "__Host-trusted_device" if USES_HTTPS else "trusted_device"
PRIVACY_NOTICE_VERSION = env_str("PRIVACY_NOTICE_VERSION", "2023-02-08")
AVATAR_MAX_BYTES = env_int("AVATAR_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)
# Pixels (width × height) a profile picture may have; its header is read before decoding.
AVATAR_MAX_PIXELS = env_int("AVATAR_MAX_PIXELS", 25_000_000, minimum=256 * 256)

# Tickets (README: "Tickets").
TICKET_CLOSE_AFTER_MINUTES = env_int("TICKET_CLOSE_AFTER_MINUTES", 5, minimum=0)
TICKET_REOPEN_DAYS = env_int("TICKET_REOPEN_DAYS", 15, minimum=0)
TICKETS_PER_PAGE = env_int("TICKETS_PER_PAGE", 25, minimum=5)
# The manual: "è possibile allegare solo file di dimensioni inferiore a 4MB".
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 4 * 1024 * 1024, minimum=1024)
ATTACHMENT_MAX_FILES = env_int("ATTACHMENT_MAX_FILES", 10, minimum=1)
# Files sent with a form that came back with errors are kept this long for the next try.
PENDING_UPLOAD_HOURS = env_int("PENDING_UPLOAD_HOURS", 24, minimum=1)
# "Già risolto?" and the desk's similar tickets re-rank their full-text candidates by
# meaning with a sentence-embedding model run on the CPU (README, "Search"); False keeps
# the full-text order (and closing a ticket then enqueues no embedding).
SEARCH_MEANING = env_bool("SEARCH_MEANING", True)
# Longest a search of the lists may run on PostgreSQL before it is stopped and the person
# asked for more words or a company (0: no limit).
SEARCH_TIMEOUT_MS = env_int("SEARCH_TIMEOUT_MS", 3000, minimum=0)
# What a customer, and a company, may send in an hour (each ticket and reply is e-mailed).
TICKETS_PER_PERSON_PER_HOUR = env_int("TICKETS_PER_PERSON_PER_HOUR", 20, minimum=1)
TICKETS_PER_COMPANY_PER_HOUR = env_int("TICKETS_PER_COMPANY_PER_HOUR", 100, minimum=1)
REPLIES_PER_PERSON_PER_HOUR = env_int("REPLIES_PER_PERSON_PER_HOUR", 60, minimum=1)
INVITATIONS_PER_COMPANY_PER_DAY = env_int("INVITATIONS_PER_COMPANY_PER_DAY", 50, minimum=1)
# Django refuses a request with more files than this before any form sees it (a bare 400
# that loses what was typed); the forms refuse more than ATTACHMENT_MAX_FILES with a message.
DATA_UPLOAD_MAX_NUMBER_FILES = max(100, ATTACHMENT_MAX_FILES * 2)
# Uploads are measured while they stream: an oversized file is dropped at the limit.
FILE_UPLOAD_HANDLERS = [
    "sportello.lib.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Answering by e-mail (README: "Answering by e-mail"). INBOUND_EMAIL_ADDRESS is the support
# address; notifications carry a signed plus-address of it as Reply-To (empty: no Reply-To).
INBOUND_EMAIL_ADDRESS = env_str("INBOUND_EMAIL_ADDRESS").strip().lower()
if INBOUND_EMAIL_ADDRESS and (INBOUND_EMAIL_ADDRESS.count("@") != 1 or "+" in INBOUND_EMAIL_ADDRESS):
    raise ImproperlyConfigured("INBOUND_EMAIL_ADDRESS must be one address without a + part, e.g. support@example.com.")
# The mailbox polled by the workers (empty host: no polling).
INBOUND_IMAP_HOST = env_str("INBOUND_IMAP_HOST")
INBOUND_IMAP_SECURITY = env_choice("INBOUND_IMAP_SECURITY", ("ssl", "starttls", "none"), "ssl")
INBOUND_IMAP_PORT = env_int("INBOUND_IMAP_PORT", 993 if INBOUND_IMAP_SECURITY == "ssl" else 143, minimum=1)
INBOUND_IMAP_USER = env_str("INBOUND_IMAP_USER")
INBOUND_IMAP_PASSWORD = env_str("INBOUND_IMAP_PASSWORD")
INBOUND_IMAP_FOLDER = env_str("INBOUND_IMAP_FOLDER", "INBOX")
# What becomes of a message once it is stored: moved to INBOUND_IMAP_PROCESSED_FOLDER, deleted, or marked read.
INBOUND_IMAP_PROCESSED = env_choice("INBOUND_IMAP_PROCESSED", ("move", "delete", "seen"), "move")
INBOUND_IMAP_PROCESSED_FOLDER = env_str("INBOUND_IMAP_PROCESSED_FOLDER", "Sportello")
INBOUND_IMAP_POLL_SECONDS = env_int("INBOUND_IMAP_POLL_SECONDS", 60, minimum=10)
INBOUND_IMAP_TIMEOUT = env_int("INBOUND_IMAP_TIMEOUT", 30, minimum=1)
INBOUND_IMAP_BATCH = env_int("INBOUND_IMAP_BATCH", 50, minimum=1)
# The push alternative: `manage.py run_lmtp` listens here for the mail server's LMTP deliveries.
INBOUND_LMTP_HOST = env_str("INBOUND_LMTP_HOST", "127.0.0.1")
INBOUND_LMTP_PORT = env_int("INBOUND_LMTP_PORT", 2424, minimum=1)
# The largest message taken in whole; a larger one is kept as headers only and refused.
INBOUND_MAX_BYTES = env_int("INBOUND_MAX_BYTES", 25 * 1024 * 1024, minimum=64 * 1024)
# The authserv-id of the receiving mail server whose Authentication-Results header is believed.
INBOUND_AUTHSERV_ID = env_str("INBOUND_AUTHSERV_ID").strip().lower()
INBOUND_PER_SENDER_PER_HOUR = env_int("INBOUND_PER_SENDER_PER_HOUR", 30, minimum=1)
# The manual's areas: a ticket opened by e-mail goes to this one until an operator moves it.
INBOUND_DEFAULT_AREA = env_choice("INBOUND_DEFAULT_AREA", ("administrative", "management", "systems"), "management")
INBOUND_RETENTION_DAYS = env_int("INBOUND_RETENTION_DAYS", 30, minimum=1)

# The REST API and webhooks (README: "API and webhooks").
# Requests one access token may make in a minute; past it the API answers 429 with Retry-After.
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 600, minimum=1)
# The longest life a token may be given, in days.
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365, minimum=1)
# The security log records a token's use once per client address per this many minutes
# (every request would be hundreds of lines a second), and each refused token.
API_TOKEN_LOG_MINUTES = env_int("API_TOKEN_LOG_MINUTES", 60, minimum=1)
# Webhook targets on private, loopback or link-local addresses are refused (SSRF) unless
# this is on: for a receiver inside the vendor's own network, and for the tests.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
# Seconds a receiver has to answer one delivery; attempts per delivery before it fails
# for good, which disables the endpoint and tells whoever registered it.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_RETENTION_DAYS = env_int("WEBHOOK_RETENTION_DAYS", 30, minimum=1)
# Certificates that webhook receivers' TLS is checked against (None: the system's).
WEBHOOK_CA_CERTS = env_str("WEBHOOK_CA_CERTS") or None
