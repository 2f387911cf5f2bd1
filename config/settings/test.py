"""Settings for the test suite: fast hashing, in-memory mail unless a test starts SMTP."""

from .base import *  # noqa: F403
from .base import DATABASES, OAUTH2_PROVIDER, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if not env.str("DATABASE_URL", default=""):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
else:
    # A test database is thrown away: a commit need not wait for its WAL to reach the disk
    # (the committed tests, the browser journeys and the flushes between them commit often).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c synchronous_commit=off"
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


# The tests sign with a key of their own, made when the settings load (never a file).
def _test_signing_key() -> str:
    from jwcrypto import jwk

    pem: bytes = jwk.JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None)
    return pem.decode()


OIDC_SIGNING_KEYS = [_test_signing_key()]
OAUTH2_PROVIDER = {
    **OAUTH2_PROVIDER,
    "OIDC_RSA_PRIVATE_KEY": OIDC_SIGNING_KEYS[0],
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [],
}


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
