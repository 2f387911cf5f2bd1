"""Production settings pass Django's deployment checklist with no warning."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-production-secret-key-that-is-long-enough-and-random-0123456789abcdef",
        "ALLOWED_HOSTS": "ent.example.org",
        **env,
    }
    environment.pop("DATABASE_URL", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_check_deploy() -> None:
    result = run_check(REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_redis_warns_that_the_cache_is_per_process() -> None:
    result = run_check()
    assert result.returncode != 0
    assert "romsie.W001" in result.stdout + result.stderr


def test_production_with_redis_uses_the_fail_safe_cache_and_database_throttling() -> None:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-production-secret-key-that-is-long-enough-and-random-0123456789abcdef",
        "ALLOWED_HOSTS": "ent.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.AXES_HANDLER)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == [
        "romsie.core.cache_backends.FailSafeRedisCache",
        "romsie.identity.throttling.SignInThrottleHandler",
    ]
