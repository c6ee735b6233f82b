"""Settings of the django-oauth-toolkit test server. Nothing here is the portal's: its own apps, its own
database (a SQLite file named by DOT_DATABASE), its own secret."""

import os
from pathlib import Path

SECRET_KEY = "django-oauth-toolkit-test-server-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.support.oauth_server.urls"
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "tests.support.oauth_server.apps.OAuthServerConfig",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DOT_DATABASE"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Fast hashing: the users' passwords and the client secret are test values.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/accounts/login/"

# Short-lived access tokens: shorter than the portal's refresh margin, so every use refreshes first.
ACCESS_TOKEN_LIFETIME = int(os.environ.get("DOT_ACCESS_TOKEN_LIFETIME", "30"))

OAUTH2_PROVIDER = {
    "PKCE_REQUIRED": True,
    # RFC 9700 as strictly as the toolkit offers: S256 only, no implicit or password grant, and the
    # issuer in every authorization response (RFC 9207).
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": ACCESS_TOKEN_LIFETIME,
    "SCOPES": {
        "profile_gallery": "Manage your picture gallery, including creating private albums",
        "account_information": "Read your account information",
    },
    "DEFAULT_SCOPES": ["profile_gallery", "account_information"],
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
}

# The resource server (the stand-in) that accepts this server's access tokens.
RESOURCE_SERVER_URL = os.environ["DOT_RESOURCE_SERVER"]

LOGGING = {
    "version": 1,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "INFO"},
}
