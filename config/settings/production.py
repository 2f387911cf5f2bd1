"""Production settings: HTTPS only, secrets required from the environment."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env, file_storage

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
# Sessions are read from Redis, written to both: one database query less on every page. The
# database keeps them, so a Redis outage or restart signs nobody out (the fail-safe cache
# answers a miss and the session is read from the database). The tests keep the database
# engine, so their query budgets count the application's own queries.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_SECURE = True
ROMSIE_SECOND_FACTOR_REQUIRED = env.bool("ROMSIE_SECOND_FACTOR_REQUIRED", default=True)
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": file_storage(),  # local disk, or S3 (AWS_STORAGE_BUCKET_NAME): see base.py
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# Every worker must see the same version stamps: production needs REDIS_URL (romsie.W001).
SILENCED_SYSTEM_CHECKS = []
