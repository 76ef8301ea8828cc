"""django-allauth's account adapter: no self sign-up (admins create accounts), and each
sign-in, failure, lockout and sign-out written to the security log; at sign-in the session
gets the person's chosen time zone, its limits, and whether they must enrol a second factor."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from config.oidc import oidc_trusts_idp_mfa
from incidents.services import security_log
from incidents.services.profiles import chosen_zone, remember_in_session
from incidents.signin import mfa_policy, sessions

# Set on the request by the SSO adapter, read here when the sign-in completes.
SIGNED_IN_BY = "_breachroom_signed_in_by"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        method = getattr(request, SIGNED_IN_BY, "") or "password"
        remember_in_session(request.session, chosen_zone(user))
        sessions.register(request, user, method)
        vouched = method == "sso" and oidc_trusts_idp_mfa()
        state = mfa_policy.decide(request.session, user, idp_vouched=vouched)
        security_log.record(
            "sign_in.succeeded",
            actor=user,
            request=request,
            details={"method": method, "mfa": "must enrol" if state == mfa_policy.ENROL else "ok"},
        )

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        locked = bool(getattr(request, "axes_locked_out", False))
        security_log.record(
            "sign_in.locked_out" if locked else "sign_in.failed",
            actor_label="anonymous",
            request=request,
            details={"username": str(credentials.get("username", ""))[:150]},
        )

    def logout(self, request: HttpRequest) -> None:
        user = request.user if request.user.is_authenticated else None
        key = request.session.session_key
        if user is not None:
            security_log.record("sign_out", actor=user, request=request)
        sessions.forget(key)
        super().logout(request)
