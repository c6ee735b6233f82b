"""AW Portal settings: everything comes from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from accounts.addresses import proxy_networks

from .logs import FORMATTERS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True) and (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

# --- Core -------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "django_tasks",
    "django_tasks_db",
    "albums",
]

MIDDLEWARE = [
    "awportal.health.HealthCheckMiddleware",
    # X-Forwarded-* from anyone but our proxies are dropped before anything reads them.
    "accounts.addresses.UntrustedForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed a second factor; then the pages a
    # session that still owes one may open (accounts/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view or CSRF check reads the body: an unreadable one gets the 400 page.
    "awportal.bodies.UnreadableBodyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.throttle.SignInPausedMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "awportal.urls"
WSGI_APPLICATION = "awportal.wsgi.application"

# The portal's pages are Jinja2 templates (awportal/jinja2.py says why); Django's engine renders the
# admin's and other apps' own.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "awportal.jinja2.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "albums.context_processors.connection",
                "awportal.context_processors.csrf_input_once",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Form widgets through Jinja2 where Django ships its templates (awportal/form_renderer.py says why).
FORM_RENDERER = "awportal.form_renderer.PortalFormRenderer"

# --- Database ---------------------------------------------------------------
# SQLite for a first run; PostgreSQL in CI and production (postgres://...).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'awportal.sqlite3'}"),
}
# Persistent connections save a connect per request; health checks replace one that went stale.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -----------------------------------------------------
# Shared by every process in production (redis://...): sign-in failures are counted here.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "awportal.cache.RedisCache"  # one client per pool (awportal/cache.py)
# Sessions live in the database; with a shared cache they are also read through it (a query less per
# request). Never through a per-process cache: a session ended in one process would live on in the
# others' memory.
SHARED_CACHE_BACKENDS = {
    "awportal.cache.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}
if CACHES["default"]["BACKEND"] in SHARED_CACHE_BACKENDS:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out sign-in before any password is checked
    "accounts.throttle.AddressThrottleBackend",  # refuses every sign-in from an address past its limit
    # ModelBackend, whose sessions bring the user's connection along (accounts/backends.py).
    "accounts.backends.PortalModelBackend",
]
# Sign-in throttling (django-axes), on the cache above: after AXES_FAILURE_LIMIT failed sign-ins for one
# username from one address, that pair is refused for AXES_COOLOFF_TIME; the admin's sign-in too.
# Per pair rather than per username, so nobody can lock a user out from elsewhere: the address is the
# client's, read through the proxy (accounts/addresses.py, TRUSTED_PROXIES below).
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.addresses.client_address"
# Each attempt during a lockout starts the cool-off again, so the page can say it ends a cool-off from now.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_CALLABLE = "accounts.throttle.axes_lockout_response"
# Password spraying stays under the per-user limit on many usernames: one address gets this many failed
# sign-ins, whatever the usernames, per window (django-ratelimit on the same cache; accounts/throttle.py).
SIGN_IN_ADDRESS_LIMIT = env.int("SIGN_IN_ADDRESS_LIMIT", default=20)
SIGN_IN_ADDRESS_WINDOW = timedelta(minutes=15)
# Two-step sign-in (django-otp: an authenticator app, TOTP, and single-use recovery codes). Offered to
# everyone; required for administrators and for whoever may act for a group (accounts/selectors.py),
# and for everyone with this switch.
TWO_FACTOR_REQUIRED_FOR_ALL = env.bool("TWO_FACTOR_REQUIRED_FOR_ALL", default=False)
OTP_TOTP_ISSUER = "AW Portal"
# The admin lists devices (and can delete one, for a user who lost both phone and recovery codes), but
# never shows an app's key, its QR code or recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# axes warns when its cache is per-process. A local DEBUG run is one process, which throttles
# correctly on its own memory; with DEBUG off the warning (and check --deploy) stay.
SILENCED_SYSTEM_CHECKS = ["axes.W001"] if DEBUG else []

# --- I18N -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files (whitenoise) ----------------------------------------------
STATIC_URL = "static/"
# `manage.py collectstatic` writes hashed, compressed copies here; whitenoise serves them.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- AdultWork --------------------------------------------------------------
# The default points at the local stand-in (`python -m aw_standin`), so a first run needs no credentials.
AW_API_BASE_URL = env("AW_API_BASE_URL", default="http://127.0.0.1:8001")
AW_OAUTH_BASE_URL = env("AW_OAUTH_BASE_URL", default="http://127.0.0.1:8001")
AW_CLIENT_ID = env("AW_CLIENT_ID", default="")
AW_CLIENT_SECRET = env("AW_CLIENT_SECRET", default="")
AW_API_KEY = env("AW_API_KEY", default="")
# The callback registered with AdultWork; by default built from the request (/connect/callback/).
AW_OAUTH_REDIRECT_URI = env("AW_OAUTH_REDIRECT_URI", default="")
# Fernet keys for tokens at rest: the first encrypts, all decrypt (rotation).
AW_TOKEN_KEYS = env.list("AW_TOKEN_KEYS", default=[])
AW_CONNECT_TIMEOUT = env.float("AW_CONNECT_TIMEOUT", default=3.05)
AW_READ_TIMEOUT = env.float("AW_READ_TIMEOUT", default=15.0)
# How long after giving up on an answer a missing album counts as never created (see albums/services/reconcile.py).
AW_OUTCOME_SETTLE_SECONDS = env.int("AW_OUTCOME_SETTLE_SECONDS", default=300)
# Requests the bulk workers keep in flight at once per AdultWork account, all workers together;
# AdultWork answers 429 when it is too many.
AW_BULK_CONCURRENCY = env.int("AW_BULK_CONCURRENCY", default=4)
# Seconds a bulk worker's hold on a member lasts without its heartbeat; after it, another worker takes over.
AW_BULK_LEASE_SECONDS = env.int("AW_BULK_LEASE_SECONDS", default=60)
# Runner tasks queued per bulk job: so many workers send one job together, and carry on if one dies.
AW_BULK_WORKERS_PER_JOB = env.int("AW_BULK_WORKERS_PER_JOB", default=2)
# A bulk job planned in a CSV file: files larger, or with more rows, are refused before being read through.
BULK_CSV_MAX_BYTES = env.int("BULK_CSV_MAX_BYTES", default=1024 * 1024)
BULK_CSV_MAX_ROWS = env.int("BULK_CSV_MAX_ROWS", default=1000)
# A group's member list older than this (seconds) is loaded again in the background on its next use.
AW_ROSTER_MAX_AGE = env.int("AW_ROSTER_MAX_AGE", default=6 * 3600)

# --- Security ---------------------------------------------------------------
# Secure by default; a local first run (DEBUG=true) or the test suite turn HTTPS off.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies whose X-Forwarded-For names the client: the same FORWARDED_ALLOW_IPS that tells gunicorn
# whose X-Forwarded-Proto to believe (addresses or networks, or * for any peer). Without a proxy, none:
# the peer is the client.
TRUSTED_PROXIES = proxy_networks(env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1"])) if BEHIND_TLS_PROXY else []
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# No inline script or style anywhere: pages must work under this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # Every form posts to the portal itself. Connecting starts from a link (see connect_start), because
        # Chromium holds a form's whole redirect chain to form-action, and a login passes through hosts
        # no list here could know in advance.
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# --- Pictures (Add pictures) ------------------------------------------------
# Limits enforced while an upload streams in (albums/uploads.py): bytes of one file, bytes of the whole
# request, files in one request. A TLS proxy in front should refuse bodies a little over
# AW_PICTURE_MAX_UPLOAD_BYTES itself (nginx: client_max_body_size).
AW_PICTURE_MAX_FILE_BYTES = env.int("AW_PICTURE_MAX_FILE_BYTES", default=20 * 1024 * 1024)
AW_PICTURE_MAX_UPLOAD_BYTES = env.int("AW_PICTURE_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
AW_PICTURE_MAX_FILES = env.int("AW_PICTURE_MAX_FILES", default=30)
# Pixels of one picture, checked before it is decoded (3 bytes a pixel in memory while it is re-encoded).
AW_PICTURE_MAX_PIXELS = env.int("AW_PICTURE_MAX_PIXELS", default=50_000_000)
# Pictures sent in one AddPictures request.
AW_PICTURE_BATCH_SIZE = env.int("AW_PICTURE_BATCH_SIZE", default=5)
# Where pictures wait, re-encoded, until they are sent; never under a static or media root, never served.
AW_PICTURE_DIR = env.path("AW_PICTURE_DIR", default=BASE_DIR / "var" / "pictures")
# Pictures still waiting this long after they were uploaded are deleted (manage.py prune_pictures).
AW_PICTURE_ABANDON_SECONDS = env.int("AW_PICTURE_ABANDON_SECONDS", default=24 * 3600)
# Django refuses a request with more files than this outright (400); one more than the portal's own
# limit, so the portal's clearer refusal comes first.
DATA_UPLOAD_MAX_NUMBER_FILES = AW_PICTURE_MAX_FILES + 1

# --- Background tasks (bulk album creation) ---------------------------------
# Queued in the portal's own database and run by `manage.py db_worker`: no extra server.
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}

# --- Logging ----------------------------------------------------------------
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in FORMATTERS:
    raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(FORMATTERS)}, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": FORMATTERS,
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # urllib3 logs full request URLs at DEBUG, and getGroupDetails carries the API key in its query.
        "urllib3": {"level": "WARNING"},
    },
}
