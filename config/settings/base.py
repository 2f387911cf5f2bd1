"""Settings shared by every environment, read from the environment.

The embedded default needs no server: SQLite, local files, local-memory cache and
in-process mail. Production selects PostgreSQL (``DATABASE_URL``), Redis (``REDIS_URL``)
and SMTP (``EMAIL_URL``) through environment variables; see docs/operations.md.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("ROMSIE_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# The address printed on activation letters and in e-mails.
ROMSIE_PUBLIC_URL = env.str("ROMSIE_PUBLIC_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "oauth2_provider",
    "ninja",
    "romsie.core",
    "romsie.notifications",
    "romsie.establishments",
    "romsie.identity",
    "romsie.schooling",
    "romsie.directory",
    "romsie.messaging",
    "romsie.news",
    "romsie.timetable",
    "romsie.documents",
    "romsie.homework",
    "romsie.meetings",
    "romsie.attendance",
    "romsie.assessment",
    "romsie.communities",
    "romsie.agenda",
    "romsie.videomeetings",
    "romsie.contacts",
    "romsie.bookmarks",
    "romsie.booking",
    "romsie.registrations",
    "romsie.polls",
    "romsie.forums",
    "romsie.blogs",
    "romsie.saml",
    "romsie.administration",
    "romsie.openid",
    "romsie.cas",
    "romsie.api",
    "romsie.provisioning",
    "romsie.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "romsie.core.access.middleware.ScopeMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "romsie.core.context_processors.romsie",
                "romsie.notifications.context_processors.notification_badge",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'romsie.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while the demo generator or a test writes. SQLite has no row
    # locks (``select_for_update`` does nothing there): IMMEDIATE transactions take the
    # database's write lock when they begin, so two writers wait for each other instead of
    # both reading the same state and then failing (or both booking one room).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "identity.User"

SILENCED_SYSTEM_CHECKS: list[str] = []
if env.str("REDIS_URL", default=""):
    # A Redis outage costs speed, not pages: the fail-safe backend answers like a miss
    # (romsie/core/cache_backends.py). Short time-outs, so a hung Redis stalls nothing.
    CACHES = {
        "default": {
            "BACKEND": "romsie.core.cache_backends.FailSafeRedisCache",
            "LOCATION": env.str("REDIS_URL"),
            "KEY_PREFIX": "romsie",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    # The embedded default runs one process, where a local-memory cache is shared by
    # every request; production sets REDIS_URL so that every worker sees the same stamps.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions live in the database so that losing Redis does not sign anybody out.
# Background tasks (see romsie/core/tasks.py): thread (embedded), immediate (tests), database.
_TASK_BACKENDS = {
    "thread": "romsie.core.tasks.ThreadBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[env.str("TASKS_BACKEND", default="thread")]}}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

PASSWORD_HASHERS = [
    "romsie.identity.hashers.SingleLaneArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Length and a blocklist, no composition rules (ANSSI and NIST SP 800-63B guidance).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "romsie.identity.passwords.FrenchBlocklistValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # One password hash per attempt, whatever the account's state (see the backend).
    "romsie.identity.backends.PasswordBackend",
    "romsie.identity.backends.ActivationCodeBackend",
    # The second step of sign-in (a TOTP code or a recovery code), counted by axes like a password.
    "romsie.identity.backends.SecondFactorBackend",
]
LOGIN_URL = "identity:sign-in"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "identity:sign-in"

# Sign-in throttling (django-axes; see docs/access-control.md, "Sign-in safety").
# - A username from one address is locked after five failures, for fifteen minutes.
# - An address is refused, whatever the username, once sign-ins failed there for
#   ROMSIE_SIGN_IN_ADDRESS_LIMIT different usernames within those fifteen minutes
#   (password spraying). A success clears its username's failures, so only usernames that
#   keep failing count: a school behind one NAT address stays far below the limit.
# - The counters live in the database (sign-in needs it anyway), so a Redis outage
#   neither breaks sign-in nor lifts the throttling. Attempts refused during a lock are
#   not counted, so a lock ends fifteen minutes after it started.
# The answer is the same whether the account exists or not.
AXES_HANDLER = "romsie.identity.throttling.SignInThrottleHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "identity/sign_in_locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are recorded in ConnectionLog
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "username"
ROMSIE_SIGN_IN_ADDRESS_LIMIT = env.int("ROMSIE_SIGN_IN_ADDRESS_LIMIT", default=25)

# Sign-in through SAML identity providers (docs/saml.md): our service provider's key and
# certificate (PEM files), which sign our requests and metadata. Unset: the buttons do not show.
ROMSIE_SAML_KEY_FILE = env.str("ROMSIE_SAML_KEY_FILE", default="")
ROMSIE_SAML_CERT_FILE = env.str("ROMSIE_SAML_CERT_FILE", default="")
# Our entity ID; by default the address of our metadata under ROMSIE_PUBLIC_URL.
ROMSIE_SAML_ENTITY_ID = env.str("ROMSIE_SAML_ENTITY_ID", default="")
# The client's address: X-Forwarded-For is read right to left through these reverse
# proxies only (addresses or networks); from any other peer, REMOTE_ADDR is the client.
AXES_CLIENT_IP_CALLABLE = "romsie.identity.throttling.client_ip"
# Loopback by default: the documented install puts nginx on the same host as gunicorn.
ROMSIE_TRUSTED_PROXIES = env.list("ROMSIE_TRUSTED_PROXIES", default=["127.0.0.1", "::1"])

# Second factor (docs/second-factor.md). Heads, digital leads and territory admins must enrol
# when this is on: on by default in production (production.py), off here so that the demo
# and the development server let heads sign in with their password alone.
ROMSIE_SECOND_FACTOR_REQUIRED = env.bool("ROMSIE_SECOND_FACTOR_REQUIRED", default=False)
# The name shown in authenticator apps next to the username.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="ROMSIE")

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The embedded default serves static files straight from the apps (no collectstatic);
# production collects them into STATIC_ROOT and serves them compressed and hashed.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

# Uploaded files (docs/operations.md, "Files: storage, S3, antivirus"). An upload larger than
# FILE_UPLOAD_MAX_MEMORY_SIZE is streamed to a temporary file in FILE_UPLOAD_TEMP_DIR (on a disk,
# not a tmpfs: a 500 MB document would take 500 MB of memory there), never held in memory; the
# limit on the other fields of a form (DATA_UPLOAD_MAX_MEMORY_SIZE) stays Django's 2.5 MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default="") or None
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


def file_storage() -> dict[str, object]:
    """The storage of uploaded files: local disk (MEDIA_ROOT), or S3 when AWS_STORAGE_BUCKET_NAME is set.

    S3 objects are private (no ACL: the bucket's own policy, which must not be public) and are
    read through the application's views only, as downloads; an existing name is never
    overwritten; uploads go in parts (multipart) of 8 MB, two at a time.
    """
    bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    from boto3.s3.transfer import TransferConfig

    mib = 1024 * 1024
    return {
        "BACKEND": "romsie.core.storage.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Empty: boto3's own chain (environment, instance role).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            # "path" for most S3-compatible servers (MinIO, SeaweedFS, Garage); "virtual" for AWS.
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path") or None,
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            # Even if the bucket were made public by mistake, nothing would render in a browser.
            "object_parameters": {"ContentType": "application/octet-stream", "ContentDisposition": "attachment"},
            # Reading a file other than through core.uploads.open_stored spools to disk past this.
            "max_memory_size": FILE_UPLOAD_MAX_MEMORY_SIZE,
            "transfer_config": TransferConfig(
                multipart_threshold=8 * mib, multipart_chunksize=8 * mib, max_concurrency=2, max_io_queue=16
            ),
        },
    }


STORAGES = {
    "default": file_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files no row references (a worker killed between writing a file and committing its row) are
# deleted by `manage.py sweep_orphan_files` once older than this.
ORPHAN_FILE_GRACE_MINUTES = env.int("ORPHAN_FILE_GRACE_MINUTES", default=60)

# Antivirus (romsie/core/antivirus.py): clamd's socket, unix:///run/clamav/clamd.ctl or
# tcp://host:3310; empty: files are accepted as "not scanned". CLAMD_REQUIRED refuses a file
# that could not be scanned (clamd unreachable, or larger than CLAMD_MAX_BYTES, which must not
# exceed clamd's StreamMaxLength).
CLAMD_URL = env.str("CLAMD_URL", default="")
CLAMD_REQUIRED = env.bool("CLAMD_REQUIRED", default=False)
CLAMD_MAX_BYTES = env.int("CLAMD_MAX_BYTES", default=25 * 1024 * 1024)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ENT ROMSIE <no-reply@romsie.invalid>")

# Strict Content-Security-Policy: nothing inline, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Retention (docs/operations.md, "Retention"): days audit events and the import history are
# kept before the daily job (manage.py purge_connection_logs) deletes them.
AUDIT_EVENT_RETENTION_DAYS = env.int("AUDIT_EVENT_RETENTION_DAYS", default=365)
PROVISIONING_RUN_RETENTION_DAYS = env.int("PROVISIONING_RUN_RETENTION_DAYS", default=365)
REGISTRATION_RETENTION_DAYS = env.int("REGISTRATION_RETENTION_DAYS", default=365)

# URL namespaces whose views enforce their own access rules (the Django admin checks
# is_staff itself); every other view must declare a habilitation or be marked public.
ROMSIE_ACCESS_EXEMPT_NAMESPACES = ["admin"]

# WebDAV (/dav/, docs/documents.md): locks in Redis when it is configured (every worker sees
# them), and how long a successful password check is remembered (an HMAC of the credentials).
ROMSIE_DAV_REDIS_URL = env.str("ROMSIE_DAV_REDIS_URL", default=env.str("REDIS_URL", default=""))
ROMSIE_DAV_AUTH_CACHE_SECONDS = env.int("ROMSIE_DAV_AUTH_CACHE_SECONDS", default=60)

# Pages the service worker keeps for offline reading (URL names), as each is visited: the
# person's own week timetable. No other page is ever stored (core/templates/core/service-worker.js).
# The family API (/api/v1/): requests per access token within a fixed window, and the longest
# life a personal access token may be given.
ROMSIE_API_RATE_LIMIT = env.int("ROMSIE_API_RATE_LIMIT", default=300)
ROMSIE_API_RATE_WINDOW_SECONDS = env.int("ROMSIE_API_RATE_WINDOW_SECONDS", default=60)
ROMSIE_API_TOKEN_MAX_DAYS = env.int("ROMSIE_API_TOKEN_MAX_DAYS", default=365)

ROMSIE_OFFLINE_PAGES = ["timetable:week"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# OpenID Connect provider and OAuth2 (django-oauth-toolkit; docs/openid-connect.md).
# Signing keys: RSA private keys in PEM files (OIDC_KEY_FILES, comma-separated); the first signs,
# every one is published in the JWKS, so a new key is added first and the old one dropped later
# (rotation). Without OIDC_KEY_FILES, the embedded default reads var/oidc-signing-key.pem, which
# `make run` creates once (`manage.py oidc_signing_key`); it is never committed.
OIDC_KEY_FILES = env.list("OIDC_KEY_FILES", default=[str(VAR_DIR / "oidc-signing-key.pem")])
OIDC_SIGNING_KEYS = [Path(name).read_text() for name in OIDC_KEY_FILES if Path(name).is_file()]
# The secret the pairwise subject identifiers ("sub") are derived from: set it once and never
# change it, or every client sees new people (defaults to SECRET_KEY).
OIDC_SUBJECT_SECRET = env.str("OIDC_SUBJECT_SECRET", default=SECRET_KEY)
# The scopes a client may ask for; the REST API (/api/v1/) checks the same names.
OAUTH2_SCOPES = {
    "openid": _("Confirm who you are (sign in with your ENT account)"),
    "profile": _("Your first name, last name and username"),
    "email": _("Your e-mail address"),
    "establishment": _("Your establishments (UAI), your profile there and your classes"),
    "timetable": _("Read your timetable"),
    "homework": _("Read your homework and tick it done"),
    "messages": _("Read your messages and their unread counts"),
    "notifications": _("Read your notifications"),
    "news": _("Read the news"),
}
# The library's own Application model (not swapped), named so that migrations can refer to it.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_SIGNING_KEYS[0] if OIDC_SIGNING_KEYS else "",
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": OIDC_SIGNING_KEYS[1:],
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post", "none"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "SCOPES": OAUTH2_SCOPES,
    "DEFAULT_SCOPES": ["openid"],
    "SCOPES_BACKEND_CLASS": "romsie.openid.scopes.ClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "romsie.openid.validators.Validator",
    "OIDC_SERVER_CLASS": "romsie.openid.server.Server",
    # Tokens carry the person's session epoch: they die with the account or its sessions.
    "ACCESS_TOKEN_GENERATOR": "romsie.openid.tokens.bound_token",
    "REFRESH_TOKEN_GENERATOR": "romsie.openid.tokens.bound_token",
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH2_ACCESS_TOKEN_SECONDS", default=3600),
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    # A refresh token unused for 30 days is dead, and `manage.py cleartokens` deletes it.
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("OAUTH2_REFRESH_TOKEN_SECONDS", default=30 * 24 * 3600),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "ERROR_RESPONSE_WITH_SCOPES": True,
    # OAuth 2.0 Security Best Current Practice (RFC 9700), every gate on: no implicit or password
    # grant, no "plain" PKCE, tokens stored hashed, the issuer in the authorization response.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
