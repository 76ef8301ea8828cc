"""Browser tests: headless Debian Chromium through Playwright, against the real web server,
relay and Celery worker processes, on the test database."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import signed_in
from tests.processes import Stack, running_stack
from tests.services import require_chromium

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain blocking calls, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _flush_retrying_a_deadlock(handle):
    """The flush that ends a browser test truncates every table while the stack's own
    processes (web, worker, beat) may still be finishing work the test started, in
    transactions that read one table then another; PostgreSQL then breaks the deadlock by
    aborting the TRUNCATE. That race is the test's, not the product's: once the other
    transaction has finished, the flush goes through, so it is tried again (up to three
    times) for a deadlock, and only for one."""
    import functools
    import time

    from django.core.management.base import CommandError

    @functools.wraps(handle)
    def retrying(self, **options):
        for attempt in range(3):
            try:
                return handle(self, **options)
            except CommandError as error:
                cause = getattr(error.__cause__, "__cause__", None) or error.__cause__
                if attempt == 2 or getattr(cause, "sqlstate", "") != "40P01":
                    raise
                time.sleep(0.2)
        return None

    return retrying


def _patch_flush() -> None:
    from django.core.management.commands import flush

    if not getattr(flush.Command.handle, "__wrapped__", None):
        flush.Command.handle = _flush_retrying_a_deadlock(flush.Command.handle)  # type: ignore[method-assign]


_patch_flush()

# Not UTC: a page that ignored the viewer's zone would show times an hour off and fail.
DEFAULT_ZONE = "Europe/Berlin"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker) -> Iterator[tuple[Stack, str]]:
    # WebAuthn over plain http is allowed for this loopback server only (tests/e2e/test_mfa.py).
    with (
        django_db_blocker.unblock(),
        running_stack(CHECK_TARGET_ALLOWLIST="127.0.0.1", WEBAUTHN_ALLOW_HTTP="true") as running,
    ):
        url = running.start_web()
        running.start_worker()
        yield running, url


@pytest.fixture(scope="module")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def signed_in_page(browser, stack):
    """Open a browser page signed in as `user` (a real session cookie from the server's DB)."""
    contexts = []
    _, base_url = stack

    def open_as(
        user,
        path: str,
        *,
        bypass_csp: bool = False,
        timezone_id: str = DEFAULT_ZONE,
        width: int = 1280,
        color_scheme: str = "light",
    ):
        client = Client()
        client.force_login(user)
        signed_in(client)
        context = browser.new_context(
            base_url=base_url,
            timezone_id=timezone_id,
            bypass_csp=bypass_csp,
            viewport={"width": width, "height": 900},
            color_scheme=color_scheme,
        )
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
        )
        contexts.append(context)
        page = context.new_page()
        # A first page lets static/app.js write the browser's zone into the `tz` cookie,
        # as a sign-in would: every page after it is drawn in that zone.
        page.goto("/accounts/profile/")
        _wait_for_zone_cookie(context, page)
        page.goto(path)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _wait_for_zone_cookie(context, page, seconds: float = 5.0) -> None:
    """Polled from here: Playwright's in-page polling (wait_for_function) builds a function
    from a string, which the page's CSP refuses whenever the cookie is not there yet on
    the first look."""
    for _ in range(int(seconds / 0.02)):
        if any(cookie["name"] == "tz" for cookie in context.cookies()):
            return
        page.wait_for_timeout(20)
    raise AssertionError("static/app.js never wrote the tz cookie")


def show_timeline(page) -> None:
    """Scroll the incident page's timeline into view: it loads when revealed (htmx)."""
    if page.locator("#timeline").count():
        return
    # Revealing swaps the placeholder for the timeline: it may detach while scrolled to.
    with contextlib.suppress(PlaywrightError):
        page.locator("#timeline-section").scroll_into_view_if_needed(timeout=5_000)
    page.locator("#timeline").wait_for()
