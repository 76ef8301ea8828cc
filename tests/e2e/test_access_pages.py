"""The sign-in, settings, People, security log, second-factor and directory pages
(credentials, probe secrets, partners, notifications, playbooks) in a real browser:
at 400 px and on a desktop, dark and light, nothing pushes the page sideways and axe finds
no serious or critical problem. Screenshots for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from incidents.services import security_log
from tests.e2e.test_notice_flow import _assert_axe_clean

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("BREACHROOM_SCREENSHOTS", "var/screenshots"))
PAGES = [
    ("/accounts/profile/", "Your settings"),
    ("/people/", "People"),
    ("/security-log/", "Security log"),
    ("/accounts/2fa/", "Two-Factor Authentication"),
    ("/credentials/", "Credential inventory"),
    ("/probe-secrets/", "Probe secrets"),
    ("/partners/", "Partners and authorities"),
    ("/notifications/", "Notifications"),
    ("/playbooks/", "Playbooks"),
    ("/playbooks/new/", "New playbook"),
]


def _look(page: Page, name: str, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("width", "scheme"), [(400, "dark"), (1280, "light")])
def test_the_access_pages_fit_and_pass_axe(cast, signed_in_page, browser, stack, width, scheme):
    security_log.record("sign_in.failed", actor_label="anonymous", details={"username": "x"})
    page = signed_in_page(
        cast.admin, "/accounts/profile/", width=width, color_scheme=scheme, bypass_csp=True
    )
    for path, heading in PAGES:
        page.goto(path)
        expect(page.locator("h1").first).to_contain_text(heading)
        _assert_axe_clean(page)
        _look(page, f"{path.strip('/').replace('/', '-')}-{width}-{scheme}", width)

    _, url = stack
    context = browser.new_context(
        base_url=url,
        viewport={"width": width, "height": 900},
        color_scheme=scheme,
        bypass_csp=True,
    )
    login = context.new_page()
    login.goto("/accounts/login/")
    expect(login.locator("h1")).to_have_text("Sign in")
    _assert_axe_clean(login)
    _look(login, f"login-{width}-{scheme}", width)
    context.close()
