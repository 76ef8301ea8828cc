"""Signing in: passwords, lockouts per account and per address with an admin unlock,
session limits, signing out everywhere, role and password changes ending other sessions,
the second factor a role requires, and every act on the security log."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from incidents import roles
from incidents.models import SecurityEvent, UserSession
from incidents.services.roles import set_roles
from incidents.signin import lockout, mfa_policy, sessions
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _user(role: str | None = roles.RESPONDER, name: str = "sam") -> User:
    user = make_user(role, name)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(
    user_or_name, password: str = PASSWORD, address: str = "10.9.8.7"
) -> tuple[Client, object]:
    client = Client(REMOTE_ADDR=address)
    name = getattr(user_or_name, "username", user_or_name)
    response = client.post("/accounts/login/", {"login": name, "password": password})
    return client, response


def _verbs() -> list[str]:
    return list(SecurityEvent.objects.order_by("seq").values_list("verb", flat=True))


def test_a_password_sign_in_lands_on_the_list_and_is_logged():
    user = _user()
    client, response = _sign_in(user)
    assert response.status_code == 302 and response["Location"] == "/incidents/"
    assert client.get("/incidents/").status_code == 200
    event = SecurityEvent.objects.get(verb="sign_in.succeeded")
    assert event.actor_id == user.pk and event.after["method"] == "password"
    assert event.after["address"] == "10.9.8.7"
    assert UserSession.objects.filter(user=user).count() == 1


def test_a_wrong_password_is_refused_with_a_message_and_logged():
    _user()
    _, response = _sign_in("sam", "wrong")
    assert response.status_code == 200
    assert "username and/or password you specified are not correct" in response.content.decode()
    failure = SecurityEvent.objects.get(verb="sign_in.failed")
    assert failure.after["username"] == "sam" and failure.actor_id is None


def test_repeated_failures_lock_the_account_even_for_the_right_password(settings):
    _user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in("sam", "wrong", address="10.0.0.1")
    _, response = _sign_in("sam", PASSWORD, address="10.0.0.2")  # another address, same account
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "sign_in.locked_out" in _verbs()


def test_repeated_failures_from_one_address_lock_the_address_for_every_account(settings):
    _user()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(f"guess{n}", "wrong", address="10.0.0.3")
    _, response = _sign_in("sam", PASSWORD, address="10.0.0.3")
    assert response.status_code == 429
    _, elsewhere = _sign_in("sam", PASSWORD, address="10.0.0.4")
    assert elsewhere.status_code == 302


def test_an_admin_unlocks_an_account_and_the_unlock_is_logged(settings):
    _user()
    admin = make_user(roles.ADMIN, "ada")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in("sam", "wrong", address="10.0.0.5")
    assert _sign_in("sam", address="10.0.0.6")[1].status_code == 429
    lockout.unlock(by=admin, username="sam", address="10.0.0.5")
    assert _sign_in("sam", address="10.0.0.6")[1].status_code == 302
    unlocked = SecurityEvent.objects.get(verb="sign_in.unlocked")
    assert unlocked.actor_id == admin.pk and unlocked.after["username"] == "sam"


def test_the_admin_site_has_no_sign_in_of_its_own():
    response = Client().get("/admin/login/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_nobody_signs_up_by_themselves():
    response = Client().post(
        "/accounts/signup/", {"username": "eve", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert not User.objects.filter(username="eve").exists()
    assert response.status_code in (200, 403)


@pytest.mark.parametrize(("started_ago", "seen_ago"), [(60, 3 * 3600), (13 * 3600, 60)])
def test_a_session_ends_when_idle_or_too_old(started_ago, seen_ago):
    client, _ = _sign_in(_user())
    session = client.session
    now = int(time.time())
    session[sessions.STARTED], session[sessions.SEEN] = now - started_ago, now - seen_ago
    session.save()
    response = client.get("/incidents/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/incidents/").status_code == 302  # signed out, not just redirected
    assert SecurityEvent.objects.filter(verb="session.expired").exists()


def test_signing_out_everywhere_else_ends_the_other_sessions_only():
    user = _user()
    here, _ = _sign_in(user)
    there, _ = _sign_in(user, address="10.1.1.1")
    response = here.post("/accounts/profile/sessions/end/")
    assert response.status_code == 302
    assert here.get("/incidents/").status_code == 200
    assert there.get("/incidents/").status_code == 302
    assert SecurityEvent.objects.get(verb="sessions.ended").after["ended"] == 1


def test_a_role_change_ends_the_persons_sessions_and_is_logged(django_capture_on_commit_callbacks):
    user = _user()
    admin = make_user(roles.ADMIN, "ada")
    client, _ = _sign_in(user)
    with django_capture_on_commit_callbacks(execute=True):
        set_roles(user=user, roles={roles.COMMUNICATIONS}, by=admin)
    assert client.get("/incidents/").status_code == 302
    change = SecurityEvent.objects.get(verb="role.changed")
    assert change.after["granted"] == ["communications"] and change.after["revoked"] == [
        "responder"
    ]


def test_a_password_change_ends_the_other_sessions():
    user = _user()
    here, _ = _sign_in(user)
    there, _ = _sign_in(user, address="10.1.1.2")
    response = here.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "another long passphrase 42",
            "password2": "another long passphrase 42",
        },
    )
    assert response.status_code == 302
    assert here.get("/incidents/").status_code == 200
    assert there.get("/incidents/").status_code == 302


@pytest.mark.parametrize(
    ("role", "held"), [(roles.COMMANDER, True), (roles.ADMIN, True), (roles.RESPONDER, False)]
)
def test_a_role_that_requires_mfa_must_enrol_before_anything_else(role, held):
    user = _user(role, "lee")
    client, _ = _sign_in(user)
    response = client.get("/incidents/")
    if held:
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"
        assert client.get("/accounts/2fa/").status_code == 200
        assert SecurityEvent.objects.get(verb="sign_in.succeeded").after["mfa"] == "must enrol"
    else:
        assert response.status_code == 200


@override_settings(SESSION_IDLE_MINUTES=1)
def test_a_session_registry_row_goes_with_the_session():
    client, _ = _sign_in(_user())
    assert UserSession.objects.count() == 1
    client.post("/accounts/logout/")
    assert UserSession.objects.count() == 0
    assert _verbs()[-1] == "sign_out"


def test_the_mfa_state_lives_in_the_session_not_a_query_per_request():
    client, _ = _sign_in(_user())
    assert client.session[mfa_policy.SESSION_KEY] == mfa_policy.OK


def test_a_missing_policy_row_keeps_the_default_never_a_weaker_one():
    from incidents.models import RoleMfaPolicy

    RoleMfaPolicy.objects.all().delete()
    assert mfa_policy.required_roles() == {roles.ADMIN, roles.COMMANDER}
    RoleMfaPolicy.objects.create(role=roles.ADMIN, mfa_required=False)
    assert mfa_policy.required_roles() == {roles.COMMANDER}
