"""The OpenID Connect tests speak to the test server over plain http (it is in-process)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _insecure_transport_for_the_test_server(monkeypatch: pytest.MonkeyPatch, english: None) -> None:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
