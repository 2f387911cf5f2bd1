"""Create the embedded default's OpenID Connect signing key, once (``make run``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from jwcrypto import jwk


class Command(BaseCommand):
    help = "Create var/oidc-signing-key.pem (an RSA key) if no OpenID Connect signing key exists."

    def handle(self, *args: Any, **options: Any) -> None:
        files = [Path(name) for name in settings.OIDC_KEY_FILES]
        if not files or any(path.is_file() for path in files):
            return
        path = files[0]
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = jwk.JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as key_file:
            key_file.write(pem)
        self.stdout.write(f"OpenID Connect signing key created: {path}")
