"""Django settings for Tongban, read from the environment only (see docs/operations.md)."""

import os
from pathlib import Path

from csp.constants import NONE, SELF

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
# The tamper-evident ledger (tongban.ledger): its origin and checkpoint signing keys.
TONGBAN_LEDGER_ORIGIN = env.ledger_origin(os.environ, PRODUCTION)
TONGBAN_LEDGER_KEYS = env.ledger_keys(os.environ, VAR_DIR, PRODUCTION, TONGBAN_CRYPTO_SUITE)

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
    "tongban.workflow",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "tongban.catalog",
    "tongban.portal",
    "tongban.licences",
    "tongban.exchange",
    "tongban.instant",
    "tongban.intake",
    "tongban.demo",
    "tongban.ledger",
]

MIDDLEWARE = [
    "tongban.core.middleware.RequestIdMiddleware",
    "tongban.core.middleware.RefuseNullCharactersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tongban.identity.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tongban.core.middleware.PrivateNoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
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
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out clients before any check
    "rules.permissions.ObjectPermissionBackend",
    "tongban.identity.backends.IdentifierBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# ASVS 2.1: 8 to 64 characters, common passwords refused, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "tongban.identity.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 64}},
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

# No inline scripts or styles anywhere: every script and stylesheet is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Workflow (tongban.workflow): the largest BPMN or DMN file an operator may upload.
TONGBAN_WORKFLOW_MAX_MODEL_BYTES = 512 * 1024
# Intake (tongban.intake): the largest material file an applicant may upload, warnings before a
# due date (working days), and the SMS backend (a class with `send(phone=, text=)`).
TONGBAN_INTAKE_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
TONGBAN_INTAKE_WARN_WORKING_DAYS = 2
# Stored material files no row refers to are removed once older than this (intake.sweep_files).
TONGBAN_INTAKE_ORPHAN_HOURS = 6
TONGBAN_SMS_BACKEND = os.environ.get("TONGBAN_SMS_BACKEND", "tongban.intake.sms.LoggingSmsBackend")
DEFAULT_FROM_EMAIL = os.environ.get("TONGBAN_FROM_EMAIL", "noreply@tongban.example")
if "EMAIL_BACKEND" in os.environ:
    EMAIL_BACKEND = os.environ["EMAIL_BACKEND"]
elif not PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# E-licences (tongban.licences): the address verifiers reach the platform at (it goes into the
# status-list URI and the audience of wallet presentations), and how long a wallet's QR
# presentation stays valid.
TONGBAN_PUBLIC_URL = os.environ.get("TONGBAN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
TONGBAN_LICENCE_PRESENTATION_SECONDS = 300
# Addresses or CIDR blocks of information mediators (X-Road security servers) trusted to name
# the calling system in the Information-Mediator-Client header; empty: none trusted.
TONGBAN_TRUSTED_MEDIATORS = env.networks(os.environ, "TONGBAN_TRUSTED_MEDIATORS")
# The registry a citizen's name and ID number are checked against for L2 real-name
# verification (tongban.exchange.real_name), read by the platform department's system client.
TONGBAN_POPULATION_REGISTRY = os.environ.get("TONGBAN_POPULATION_REGISTRY", "").strip() or (
    "population"
)
# Instant approval: every registry read of one case must answer within this many seconds, or
# the case is referred to an official (tongban.instant.inputs).
TONGBAN_INSTANT_FETCH_TIMEOUT = env.seconds(os.environ, "TONGBAN_INSTANT_FETCH_TIMEOUT", 2.0)
TONGBAN_INSTANT_FETCH_THREADS = 8

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

# -- identity (一个号): sign-in, sessions, lockout, MFA, OpenID Connect provider -----------------
from tongban.identity import settings as identity_settings  # noqa: E402

LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "identity:home"
LOGOUT_REDIRECT_URL = "portal:home"
# Sessions: a sliding idle timeout and an absolute lifetime (tongban.identity.middleware).
TONGBAN_SESSION_IDLE_SECONDS = 60 * identity_settings.whole_number(
    os.environ, "TONGBAN_SESSION_IDLE_MINUTES", 30
)
TONGBAN_SESSION_ABSOLUTE_SECONDS = 3600 * identity_settings.whole_number(
    os.environ, "TONGBAN_SESSION_ABSOLUTE_HOURS", 12
)
SESSION_COOKIE_AGE = TONGBAN_SESSION_ABSOLUTE_SECONDS
# The client address: REMOTE_ADDR, or X-Forwarded-For behind this many trusted proxies.
TONGBAN_TRUSTED_PROXY_COUNT = identity_settings.whole_number(
    os.environ, "TONGBAN_TRUSTED_PROXY_COUNT", 0, minimum=0
)
# django-axes: 5 failures per (client address, login) lock that pair for 15 minutes only.
# Per client address, whatever the login: sign-in POSTs per minute and registrations per hour
# (tongban.identity.throttle). Generous: many people share an office's or a carrier's address.
TONGBAN_RATE_LIMITS = {
    "login": (
        identity_settings.whole_number(os.environ, "TONGBAN_LOGIN_ATTEMPTS_PER_MINUTE", 30),
        60,
    ),
    "register": (
        identity_settings.whole_number(os.environ, "TONGBAN_REGISTRATIONS_PER_HOUR", 20),
        3600,
    ),
}
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = identity_settings.LOCKOUT_COOL_OFF
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "tongban.identity.addresses.client_address"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tongban.identity.addresses.login_key"
AXES_LOCKOUT_CALLABLE = "tongban.identity.views.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Tongban"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OAUTH2_PROVIDER = identity_settings.oauth2_provider(os.environ, VAR_DIR, PRODUCTION)
# Departmental systems read registries under grants with client-credentials tokens (exchange).
OAUTH2_PROVIDER["SCOPES"]["exchange"] = "Read registry data under grants"
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

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
        # SpiffWorkflow logs every task state change at INFO: noise, and time on every step.
        "spiff": {"level": "WARNING"},
        # django-axes logs every reset at INFO (with masked values): noise.
        "axes": {"level": "WARNING"},
    },
}
