"""Cached fragments: two requests of one person missing the same parts compute them once."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import translation

from romsie.core import fragments

SECRET = "s" * 32
LANGUAGE = "fr"


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    cache.clear()
    with translation.override(LANGUAGE):  # the language is part of the key, and is per thread
        yield
    cache.clear()


def _request(user_id: int = 7) -> Any:
    """A request of person ``user_id`` with their session's CSRF secret (two tabs share it)."""
    request: Any = RequestFactory().get("/")
    request.scope = SimpleNamespace(user_id=user_id, establishment_id=3)
    request.META["CSRF_COOKIE"] = SECRET
    return request


class _SlowRender:
    """A render that counts its calls and, for the first, waits until the test lets it finish."""

    def __init__(self, fail: bool = False) -> None:
        self.calls = 0
        self.started = threading.Event()
        self.finish = threading.Event()
        self.fail = fail

    def __call__(self) -> str:
        self.calls += 1
        if self.calls == 1:
            self.started.set()
            assert self.finish.wait(5)
            if self.fail:
                raise RuntimeError("the first computation failed")
        return f"<p>widget, computation {self.calls}</p>"


def _in_thread(work: Any) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []

    def run() -> None:
        try:
            with translation.override(LANGUAGE):
                result.append(work())
        except BaseException as error:  # handed to the test
            result.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_a_second_request_waits_for_the_parts_the_first_is_computing() -> None:
    render = _SlowRender()
    parts = [("widget:a", (1,), render), ("widget:b", (1,), lambda: "<p>b</p>")]
    first, first_result = _in_thread(lambda: fragments.cached_many(_request(), parts))
    assert render.started.wait(5)
    second, second_result = _in_thread(lambda: fragments.cached_many(_request(), parts))
    time.sleep(0.1)  # the second is waiting, not computing
    assert second.is_alive() and render.calls == 1
    render.finish.set()
    first.join(5)
    second.join(5)
    assert first_result == second_result == [["<p>widget, computation 1</p>", "<p>b</p>"]]
    assert render.calls == 1
    assert fragments.cached(_request(), "widget:a", (1,), render) == "<p>widget, computation 1</p>"  # cached
    assert not cache.get_many([fragments._claim_key([fragments.key(_request(), "widget:a", (1,))])])


def test_when_the_first_computation_fails_the_waiting_request_computes_at_once() -> None:
    render = _SlowRender(fail=True)
    first, first_result = _in_thread(lambda: fragments.cached(_request(), "widget:a", (1,), render))
    assert render.started.wait(5)
    second, second_result = _in_thread(lambda: fragments.cached(_request(), "widget:a", (1,), render))
    time.sleep(0.1)
    began = time.monotonic()
    render.finish.set()
    first.join(5)
    second.join(5)
    assert isinstance(first_result[0], RuntimeError)
    assert second_result == ["<p>widget, computation 2</p>"]
    assert time.monotonic() - began < fragments.WAIT_FOR_ANOTHER_SECONDS / 2  # did not wait it out


def test_other_people_and_other_stamps_do_not_wait() -> None:
    render = _SlowRender()
    first, _result = _in_thread(lambda: fragments.cached(_request(), "widget:a", (1,), render))
    assert render.started.wait(5)
    try:
        # Another person, or the same person under a newer stamp: computed at once, beside it.
        assert fragments.cached(_request(user_id=8), "widget:a", (1,), lambda: "<p>theirs</p>") == "<p>theirs</p>"
        assert fragments.cached(_request(), "widget:a", (2,), lambda: "<p>newer</p>") == "<p>newer</p>"
    finally:
        render.finish.set()
        first.join(5)


def test_a_claim_left_by_a_killed_worker_is_waited_for_at_most_a_bounded_time(monkeypatch) -> None:
    monkeypatch.setattr(fragments, "WAIT_FOR_ANOTHER_SECONDS", 0.2)
    name_key = fragments.key(_request(), "widget:a", (1,))
    cache.set(fragments._claim_key([name_key]), 1, fragments.COMPUTING_SECONDS)  # nobody will give it up
    began = time.monotonic()
    assert fragments.cached(_request(), "widget:a", (1,), lambda: "<p>mine</p>") == "<p>mine</p>"
    assert 0.2 <= time.monotonic() - began < 2
