"""A second factor in a real browser: an incident commander signs in with a password, is
held until they enrol, activates an authenticator app (TOTP) and a passkey (Chromium's
virtual authenticator through the WebAuthn testing API), then signs in again with each.
Every step is on the security log."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import hotp_value
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils.crypto import get_random_string
from playwright.sync_api import Page, expect

from incidents import roles
from incidents.models import SecurityEvent
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long and private passphrase"
SIGN_IN = re.compile(r"^sign in$", re.IGNORECASE)


def _code(secret: str) -> str:
    """The app's current code, never one about to expire before the server sees it
    (the server allows no drift: MFA_TOTP_TOLERANCE 0)."""
    if time.time() % 30 > 26:
        time.sleep(30 - time.time() % 30 + 0.2)
    return f"{hotp_value(secret, int(time.time()) // 30):06d}"


def _sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=SIGN_IN).click()


def _confirm_password(page: Page) -> None:
    page.wait_for_load_state()
    if "/accounts/reauthenticate/" in page.url:
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_contain_text("Sign")


@pytest.fixture
def localhost_page(browser, stack):
    """WebAuthn needs a domain, not an address: the same server as http://localhost."""
    _, url = stack
    context = browser.new_context(base_url=url.replace("127.0.0.1", "localhost"))
    page = context.new_page()
    yield page
    context.close()


def test_a_commander_enrols_an_app_and_a_passkey_then_signs_in_with_each(localhost_page):
    page = localhost_page
    commander = make_user(roles.COMMANDER, "cora")
    # The server's own hasher: the suite's fast one is not among the server's.
    commander.password = PBKDF2PasswordHasher().encode(PASSWORD, get_random_string(16))
    commander.save()

    _sign_in(page, "cora")
    page.wait_for_url("**/accounts/2fa/")
    expect(page.locator("body")).to_contain_text("Your role requires a second factor")
    page.goto("/incidents/")
    page.wait_for_url("**/accounts/2fa/")  # still held

    page.goto("/accounts/2fa/totp/activate/")
    _confirm_password(page)  # changing sign-in factors asks for the password again
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("#id_code", _code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/**")
    page.goto("/incidents/")
    expect(page.locator("h1")).to_contain_text("Incidents")

    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    page.goto("/accounts/2fa/webauthn/add/")
    _confirm_password(page)
    page.fill("#id_name", "Laptop passkey")
    page.check("#id_passwordless")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: not url.endswith("/webauthn/add/"), timeout=10_000)
    assert errors == []
    kinds = set(Authenticator.objects.filter(user=commander).values_list("type", flat=True))
    assert {"totp", "webauthn"} <= kinds

    _sign_out(page)
    _sign_in(page, "cora")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.fill("#id_code", _code(secret))
    page.get_by_role("button", name=SIGN_IN).click()
    expect(page.locator("h1")).to_contain_text("Incidents")

    _sign_out(page)
    page.goto("/accounts/login/")
    page.click("#passkey_login")
    expect(page.locator("h1")).to_contain_text("Incidents", timeout=10_000)

    verbs = set(SecurityEvent.objects.filter(actor=commander).values_list("verb", flat=True))
    assert {"sign_in.succeeded", "mfa.added", "sign_out"} <= verbs
    methods = list(
        SecurityEvent.objects.filter(actor=commander, verb="sign_in.succeeded")
        .order_by("seq")
        .values_list("after__mfa", flat=True)
    )
    assert methods[0] == "must enrol" and methods[-1] == "ok"
