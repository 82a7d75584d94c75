"""Django settings for Tongban, read from the environment only (see docs/operations.md)."""

import os
from pathlib import Path

from tongban.config import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("TONGBAN_VAR_DIR", "").strip() or BASE_DIR / "var")

TONGBAN_ENV = env.choice(os.environ, "TONGBAN_ENV", env.ENVIRONMENTS, "development")
PRODUCTION = TONGBAN_ENV == "production"
DEBUG = env.flag(os.environ, "TONGBAN_DEBUG", False)
if PRODUCTION and DEBUG:
    raise env.SettingError("TONGBAN_DEBUG must be off when TONGBAN_ENV=production")
SECRET_KEY = env.secret_key(os.environ, VAR_DIR, PRODUCTION)
ALLOWED_HOSTS = env.word_list(
    os.environ, "TONGBAN_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise env.SettingError("TONGBAN_ALLOWED_HOSTS is required when TONGBAN_ENV=production")
CSRF_TRUSTED_ORIGINS = env.word_list(os.environ, "TONGBAN_CSRF_TRUSTED_ORIGINS")
TONGBAN_CRYPTO_SUITE = env.choice(os.environ, "TONGBAN_CRYPTO_SUITE", env.CRYPTO_SUITES, "intl")
TONGBAN_DATA_KEYS, TONGBAN_INDEX_KEY = env.crypto_keys(os.environ, VAR_DIR, PRODUCTION)

DATABASES = {"default": env.database(os.environ, VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "oauth2_provider",
    "tongban.core",
    "tongban.identity",
    "tongban.portal",
    "tongban.exchange",
    "tongban.demo",
]

MIDDLEWARE = [
    "tongban.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tongban.config.urls"
WSGI_APPLICATION = "tongban.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tongban.portal.context_processors.shell",
            ],
        },
    },
]

AUTH_USER_MODEL = "identity.Account"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
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
]

# Chinese first: zh-Hans is the default; zh-Hant and English are complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS: list = []  # each app carries its own locale/ folder
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"  # filled by `tongban collectstatic` in production
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the apps' static folders, so the embedded default needs no collectstatic.
WHITENOISE_USE_FINDERS = True

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A worker that has not written a heartbeat for this long is considered gone (see /readyz).
TONGBAN_WORKER_HEARTBEAT_SECONDS = 15
TONGBAN_WORKER_STALE_SECONDS = 60

# Exchange (issue 6): system clients use OAuth 2 client credentials at /o/token/ (ADR 0051).
# Only what that grant needs; the identity app's OIDC settings merge into this dict.
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "SCOPES": {"exchange": "Read registry data under grants"},
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # https redirect URIs only in production (the demo's relying parties live on http://127.0.0.1)
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["http", "https"],
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": PRODUCTION,
    # OAuth 2.0 Security BCP (RFC 9700); `check --deploy` warns otherwise.
    **{
        f"COMPLIANT_BCP_RFC9700_{rule}": True
        for rule in (
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "PKCE_REQUIRED",
            "REDIRECT_URI_MATCHING",
            "REFRESH_TOKEN",
            "TOKEN_STORAGE",
        )
    },
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
# Addresses or CIDR blocks of information mediators (X-Road security servers) trusted to name
# the calling system in the Information-Mediator-Client header; empty: none trusted.
TONGBAN_TRUSTED_MEDIATORS = env.networks(os.environ, "TONGBAN_TRUSTED_MEDIATORS")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.flag(os.environ, "TONGBAN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tongban.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "tongban.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("TONGBAN_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger puts the full URL in the message; ours logs a redacted line.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}
