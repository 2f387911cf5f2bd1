"""Helpers of the browser journeys: the axe-core scan, the page guard, the journey itself."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

# Schemes that never leave the machine (inline images, blobs, the blank first page, and the
# browser's own resources, such as the PDF viewer a PDF preview opens in).
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension"}

AXE = Axe()

# What makes a page's markup differ between two identical visits: the CSRF tokens.
CSRF_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken(?:"|&quot;): (?:"|&quot;))[A-Za-z0-9]+')
# The same markup, with the same focused element, on the same screen, gets the same axe
# result: such a page (the sign-in form, seen by every journey) is scanned once per session.
FINGERPRINT_SCRIPT = """() => [
    document.documentElement.outerHTML,
    document.activeElement ? document.activeElement.outerHTML.slice(0, 300) : "",
    window.innerWidth,
    window.innerHeight,
].join("\u0000")"""
_scanned_fingerprints: set[str] = set()


def page_fingerprint(page: Any) -> str:
    """Return a digest of what axe-core would look at on the page."""
    state = CSRF_TOKEN.sub(r"\1", page.evaluate(FINGERPRINT_SCRIPT))
    return hashlib.sha256(state.encode()).hexdigest()


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    """Return axe-core violations as a readable, one-node-per-line report."""
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


@dataclass
class Guard:
    """Collect what must never happen on a page: errors, foreign hosts, missing CSP."""

    host: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    pages_without_csp: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", self._on_request)
        page.on("response", self._on_response)

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def _on_request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in LOCAL_SCHEMES and parts.netloc != self.host:
            self.foreign_requests.append(request.url)

    def _on_response(self, response: Any) -> None:
        own_page = (
            response.request.resource_type == "document"
            and urlsplit(response.url).netloc == self.host
            and response.headers.get("content-type", "").startswith("text/html")
        )
        if own_page and "content-security-policy" not in response.headers:
            self.pages_without_csp.append(response.url)

    def problems(self) -> list[str]:
        """Return every problem seen so far, one line each."""
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"request to another host: {u}" for u in self.foreign_requests]
            + [f"page served without a Content-Security-Policy: {u}" for u in self.pages_without_csp]
        )

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "\n".join(problems)


@dataclass
class Journey:
    """A person's walk through the ENT: open pages by URL name, check each one."""

    page: Any
    base_url: str
    guard: Guard
    scanned: list[str] = field(default_factory=list)

    def route(self, name: str, *args: Any, **kwargs: Any) -> str:
        """Return the path of a named URL."""
        from django.urls import reverse

        return reverse(name, args=args, kwargs=kwargs)

    def url(self, name: str, *args: Any, **kwargs: Any) -> str:
        """Return the full address of a named URL on the live server."""
        return self.base_url + self.route(name, *args, **kwargs)

    def path(self) -> str:
        """Return the path of the current page (without host and query)."""
        return urlsplit(self.page.url).path

    def assert_at(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Fail unless the current page is the named URL."""
        expected = self.route(name, *args, **kwargs)
        assert self.path() == expected, f"expected to be on {expected}, but on {self.page.url}"

    def submit(self, selector: str = "main form button[type=submit]") -> None:
        """Click a submit button and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.click(selector)

    def follow(self, selector: str) -> None:
        """Click a link, wait for the page it leads to, and check the page."""
        with self.page.expect_navigation() as navigation:
            self.page.click(selector)
        response = navigation.value
        assert response is not None and response.ok, f"{self.page.url} answered {response and response.status}"
        self.check()

    def open_menu(self) -> None:
        """Open the header's menu where it is folded behind its button (a phone); else do nothing."""
        button = self.page.locator("header button.menu-button")
        if button.is_visible() and button.get_attribute("aria-expanded") != "true":
            button.click()

    def open(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Go to a named URL and check the page."""
        response = self.page.goto(self.url(name, *args, **kwargs))
        assert response is not None and response.ok, f"{self.page.url} answered {response and response.status}"
        self.check()

    def check(self) -> None:
        """Scan the current page with axe-core; fail on a violation, sideways scrolling or a guard problem."""
        self.page.wait_for_load_state("load")
        self.scanned.append(self.page.url)
        fingerprint = page_fingerprint(self.page)
        if fingerprint not in _scanned_fingerprints:
            violations = AXE.run(self.page).response["violations"]
            assert not violations, format_violations(self.page.url, violations)
            _scanned_fingerprints.add(fingerprint)
        overflow = self.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{self.page.url} scrolls sideways by {overflow}px (WCAG 1.4.10, reflow)"
        self.guard.assert_clean()

    def sign_in(self, username: str, password: str | None = None) -> None:
        """Sign in through the form, as a person would, and land on the dashboard."""
        from romsie.core.testing.factories import TEST_PASSWORD

        self.open("identity:sign-in")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password or TEST_PASSWORD)
        self.submit()
        self.assert_at("core:dashboard")
        self.check()


# The rich-text editor (core/editor.js): its editable region is ``#<field id>_editor``.
SELECT_TEXT_SCRIPT = """([selector, text]) => {
    const root = document.querySelector(selector);
    root.focus();
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.nodeValue.indexOf(text);
        if (at !== -1) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + text.length);
            const selection = document.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            return true;
        }
    }
    return false;
}"""
PASTE_SCRIPT = """([selector, html]) => {
    const root = document.querySelector(selector);
    root.focus();
    const data = new DataTransfer();
    data.setData("text/html", html);
    data.setData("text/plain", html.replace(/<[^>]*>/g, ""));
    root.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def editor(field_id: str) -> str:
    """Return the selector of the rich-text editor's editable region for a form field's id."""
    return f"#{field_id}_editor"


def select_text(page: Any, selector: str, text: str) -> None:
    """Select the first occurrence of ``text`` inside an editable region, as a person would with the mouse."""
    assert page.evaluate(SELECT_TEXT_SCRIPT, [selector, text]), f"{text!r} not found in {selector}"


def paste_html(page: Any, selector: str, html: str) -> None:
    """Paste HTML (a word processor's clipboard) into an editable region."""
    page.evaluate(PASTE_SCRIPT, [selector, html])
