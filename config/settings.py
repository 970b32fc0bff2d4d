"""Threadlab settings, read from environment variables.

Every value comes from the environment through the small typed helpers below,
which fail loudly on a value they cannot parse. With ``DEBUG`` off (the default)
there is no default secret key and no wildcard host: production must say what
it wants.
"""

from __future__ import annotations

import logging
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from config.logs import LOG_FORMATS, logging_config, structlog_configure

BASE_DIR = Path(__file__).resolve().parent.parent

# A developer's checkout has a `.env` written by `make run` (DEBUG on, a generated secret), so
# `manage.py` works in a fresh terminal without exporting anything. The environment wins over
# it, and production has no `.env` (it is git-ignored and left out of the container).
# ENV_FILE names another file (the settings tests point it elsewhere).
load_dotenv(os.environ.get("ENV_FILE") or BASE_DIR / ".env", override=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1/0, true/false, yes/no.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def env_rate(name: str, default: str) -> tuple[int, int]:
    """A rate such as ``60/hour``, as (requests, seconds); the units DRF's throttles take."""
    value = env_str(name, default) or default
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(second|minute|hour|day)\s*", value)
    if match is None:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate; write requests/period, e.g. 60/hour "
            "(period: second, minute, hour or day)."
        )
    return int(match[1]), _PERIODS[match[2]]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used on a developer's machine: DEBUG is on.
    SECRET_KEY = "django-insecure-threadlab-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if "*" in ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("ALLOWED_HOSTS may not contain '*' when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "threads",
    "annotate",
    "django_structlog",
    "config.apps.ConfigConfig",  # the request log's receivers; /healthz (config.health)
]

MIDDLEWARE = [
    # First, so that every answer is logged and timed, redirects and static files included.
    "django_structlog.middlewares.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and DRF's authentication: an address past its limit of failed API
    # authentications is refused without its token being looked up.
    "annotate.api.throttle.AddressThrottleMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # The thread page's hot fragments (its comment list, texts, reply-label controls),
        # rendered by Jinja2 inside the Django templates: see config/jinja2.py.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "config.jinja2.environment",
            # Lines holding only a block tag leave nothing in the output; an included
            # fragment ends with its own line break.
            "trim_blocks": True,
            "lstrip_blocks": True,
            "keep_trailing_newline": True,
            "extensions": ["jinja2.ext.do"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'threadlab.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        # A kept connection is checked (one "SELECT 1") before the first query of each
        # request: after a database restart or failover each worker reconnects instead
        # of answering one 500 per connection it kept.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; the busy timeout makes a
    # second writer wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Parameters bound on the server (Django binds them on the client by default), so that
    # psycopg can prepare statements: it prepares one by itself once it has run more than
    # ``prepare_threshold`` times on a connection, and keeps the 100 most recently used. A claim
    # save repeats the same few statements, which then skip parsing and, once PostgreSQL settles
    # on a generic plan, planning. Turn it off behind a pooler in transaction mode, which cannot
    # keep prepared statements (PgBouncer before 1.21): DATABASE_PREPARED_STATEMENTS=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: Django tells every validator when a password has changed (on the user's
    # save, whichever path set it: the password change page, a reset, the admin, the
    # `changepassword` command), and this one revokes the user's API token then.
    {"NAME": "annotate.security.passwords.RevokeApiTokenOnPasswordChange"},
]

# Sign-in lockout (django-axes): after LOGIN_FAILURE_LIMIT failed sign-ins for one username, or
# from one address, further attempts (the right password included) are refused for
# LOGIN_COOLOFF_MINUTES after the last one, with a page that says until when. Attempts are rows
# in the database, so the count holds across workers and restarts; admins see them, and unlock
# someone by deleting theirs, under "Axes" in the admin (or `manage.py axes_reset_username`).
# API tokens are not passwords and are not counted here: see the API's address throttle below.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "annotate.security.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "annotate.security.lockout.lockout_response"
# Behind a reverse proxy every request comes from the proxy's address: count the addresses the
# trusted proxies put in X-Forwarded-For instead (how many proxies stand in front of gunicorn).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Sessions are read from the cache and written through to the database (Django's cached_db):
# a request reads its session without a query, and signing out or a password change still ends
# it. The cache is each process's own memory for now, so a session ended in one gunicorn worker
# stays readable from the others' caches until it expires: a cache shared by the workers (a
# later change) closes that. Enough entries for every session a worker sees in a day.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# One cache every web process and worker shares, so a signed-out session, a throttle count or a
# kept figure means the same in each of them: Redis when REDIS_URL is set, else a table in the
# database (`manage.py createcachetable`, run by `make run` and `make serve`). A per-process
# memory cache would let a session signed out in one worker live on in the others.
REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "threadlab_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "annotate:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads through the admin import form are read in memory up to this size.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)

# HTTPS. With DEBUG off the site is taken to be served over HTTPS: Secure cookies and http
# redirected to https. SECURE_COOKIES=0 says it is plain http (a local `make serve`, the smoke
# test), turning both off; each setting also has its own variable. HSTS is opt-in (browsers
# remember it for SECURE_HSTS_SECONDS): the README's production settings turn it on, and with
# them `manage.py check --deploy` reports nothing.
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SECURE_COOKIES)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SECURE_COOKIES)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_COOKIES)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# A load balancer probes /healthz over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no
# inline script and no eval anywhere. The one exception is a <style> block carrying the
# response's nonce (the label colours of the thread and review pages, from the corpus's schema);
# style="" attributes are refused too, so widths and depths are classes. The API docs page adds
# what Swagger UI needs (views in annotate/api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Requests to /api/ that fail authentication (no token, a wrong one), counted per client
# address in the shared cache before any token is looked up: past API_THROTTLE_ADDRESS in a
# window, every API request from that address gets a 429 until the window ends.
API_THROTTLE_ADDRESS = env_rate("API_THROTTLE_ADDRESS", "60/hour")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_THROTTLE_USER", "10000/hour"),
        "anon": env_str("API_THROTTLE_ANON", "100/hour"),
        "export": env_str("API_THROTTLE_EXPORT", "120/hour"),
    },
    # ``?format=`` names an export format (jsonl, csv, convokit), not a renderer.
    "URL_FORMAT_OVERRIDE": None,
    "EXCEPTION_HANDLER": "annotate.api.errors.api_exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Threadlab API",
    "DESCRIPTION": "Read the labelled corpus: corpora, threads, claims, reply labels, exports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the reply-label directions, wherever they appear (a label's toward, the
    # directions a corpus labels).
    "ENUM_NAME_OVERRIDES": {"TowardEnum": "annotate.models.Toward"},
}

# Logs: one JSON object a line on stdout (LOG_FORMAT=json, the default with DEBUG off) or
# readable lines (console, the default with DEBUG on); a line per request with its id, method,
# path, status, duration and user (config/logs.py). The request id comes from the proxy's
# X-Request-ID when it sends one, and goes back in the response's.
LOG_FORMAT = env_str("LOG_FORMAT") or ("console" if DEBUG else "json")
if LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use json or console.")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env_str("LOG_LEVEL") or "WARNING")
structlog_configure()
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env_bool("TRUST_REQUEST_ID", True)
# The proxy in front logs client addresses; the app's lines do without them.
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# One line a request: the line at its start only at DEBUG level.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
