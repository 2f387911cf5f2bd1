"""Settings for the test suite: fast hashing, in-memory mail unless a test starts SMTP."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if not env.str("DATABASE_URL", default=""):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No antivirus unless a test starts its own clamd (the clamd_server fixture).
CLAMD_URL = ""
CLAMD_REQUIRED = False
# WhiteNoise scans every static file when its middleware starts, which every test client does
# (~75 ms each, a dozen clients per row of the permission matrix): look files up per request.
WHITENOISE_AUTOREFRESH = True
AXES_FAILURE_LIMIT = 5
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _saml_test_keys() -> tuple[str, str]:
    # Our SAML service provider's key pair: made for this test run, in a folder removed at exit.
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    from romsie.saml.testkeys import make_test_key_pair

    folder = Path(tempfile.mkdtemp(prefix="saml-sp-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return make_test_key_pair(folder, "sp")


ROMSIE_SAML_KEY_FILE, ROMSIE_SAML_CERT_FILE = _saml_test_keys()
