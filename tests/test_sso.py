"""Single sign-on with OpenID Connect against a real issuer on loopback (tests/oidc_issuer.py):
an account made on first sign-in, roles from the IdP's group claim (and changed when the
groups change), the IdP's sign-in vouched for as the second factor, local accounts beside
it, and a wrong client secret refused with nothing made."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client

from config.oidc import oidc_providers
from incidents import roles
from incidents.models import SecurityEvent
from incidents.signin import mfa_policy
from tests.oidc_issuer import CLIENT_ID, CLIENT_SECRET, running_issuer

pytestmark = pytest.mark.django_db
PERSON = {
    "sub": "idp-4711",
    "preferred_username": "riya",
    "email": "riya@corp.example",
    "email_verified": True,
    "name": "Riya Sen",
    "groups": ["ir-commanders", "staff"],
}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def issuer(monkeypatch, settings):
    with running_issuer(dict(PERSON)) as running:
        monkeypatch.setenv("OIDC_ISSUER", running.url)
        monkeypatch.setenv("OIDC_CLIENT_ID", CLIENT_ID)
        monkeypatch.setenv("OIDC_CLIENT_SECRET", CLIENT_SECRET)
        monkeypatch.setenv("OIDC_ROLE_MAP", "ir-commanders=incident_commander,ir-team=responder")
        settings.SOCIALACCOUNT_PROVIDERS = oidc_providers()
        yield running


def _through_the_issuer(client: Client) -> object:
    """Press "Sign in with Single sign-on", let the issuer approve, come back."""
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Single sign-on" in page
    start = client.post("/accounts/oidc/sso/login/")
    assert start.status_code == 302, start.content[:500]
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(start["Location"])
        raise AssertionError("the issuer should redirect back")
    except urllib.error.HTTPError as back:
        callback = urlsplit(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_a_first_sso_sign_in_makes_the_account_with_the_mapped_role(issuer):
    client = Client()
    response = _through_the_issuer(client)
    assert response.status_code == 302 and response["Location"] == "/incidents/"
    user = User.objects.get(username="riya")
    assert set(user.groups.values_list("name", flat=True)) == {roles.COMMANDER}
    assert client.get("/incidents/").status_code == 200  # the IdP vouched for the factor
    assert client.session[mfa_policy.SESSION_KEY] == mfa_policy.OK
    signed_in = SecurityEvent.objects.get(verb="sign_in.succeeded")
    assert signed_in.after["method"] == "sso" and signed_in.actor_id == user.pk
    change = SecurityEvent.objects.get(verb="role.changed")
    assert change.actor_label == "single sign-on" and change.after["granted"] == [roles.COMMANDER]


def test_when_the_idp_is_not_trusted_for_mfa_a_commander_must_enrol_here(issuer, monkeypatch):
    monkeypatch.setenv("OIDC_TRUST_IDP_MFA", "false")
    client = Client()
    _through_the_issuer(client)
    assert client.session[mfa_policy.SESSION_KEY] == mfa_policy.ENROL
    page = client.get("/incidents/")
    assert page.status_code == 302 and "/accounts/2fa/" in page["Location"]
    signed_in = SecurityEvent.objects.get(verb="sign_in.succeeded")
    assert signed_in.after["mfa"] == "must enrol"


def test_changed_groups_at_the_idp_change_the_roles_at_the_next_sign_in(issuer):
    _through_the_issuer(Client())
    issuer.person["groups"] = ["ir-team"]
    _through_the_issuer(Client())
    user = User.objects.get(username="riya")
    assert set(user.groups.values_list("name", flat=True)) == {roles.RESPONDER}


def test_without_a_mapped_group_the_person_has_no_role(issuer):
    issuer.person["groups"] = ["staff"]
    client = Client()
    _through_the_issuer(client)
    assert not User.objects.get(username="riya").groups.exists()


def test_local_accounts_still_sign_in_beside_sso(issuer):
    local = User.objects.create_user("sam", password="correct horse battery staple")
    response = Client().post(
        "/accounts/login/", {"login": "sam", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302 and local.pk


def test_a_wrong_client_secret_signs_nobody_in(issuer, monkeypatch, settings):
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "not-the-secret")
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers()
    client = Client()
    response = _through_the_issuer(client)
    assert response.status_code == 401 and "error" in response.content.decode().lower()
    assert not User.objects.filter(username="riya").exists()
    assert client.get("/incidents/").status_code == 302
