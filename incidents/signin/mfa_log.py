"""MFA and password changes on the security log. django-allauth announces them only through
its signals: these receivers are the one place Breachroom listens to a library's signals."""

from __future__ import annotations

from typing import Any

from incidents.services import security_log

MFA_VERBS = {
    "authenticator_added": "mfa.added",
    "authenticator_removed": "mfa.removed",
    "authenticator_reset": "mfa.reset",
    "authentication_failed": "mfa.failed",
}


def _mfa_receiver(verb: str) -> Any:
    def receive(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
        authenticator = kwargs.get("authenticator")
        kind = getattr(authenticator, "type", "") if authenticator is not None else ""
        security_log.record(verb, actor=user, request=request, details={"kind": str(kind)})

    return receive


def _password_receiver(verb: str) -> Any:
    def receive(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
        security_log.record(verb, actor=user, request=request)

    return receive


def connect() -> None:
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals

    for name, verb in MFA_VERBS.items():
        getattr(mfa_signals, name).connect(
            _mfa_receiver(verb), dispatch_uid=f"breachroom-{verb}", weak=False
        )
    for name, verb in (
        ("password_changed", "password.changed"),
        ("password_set", "password.set"),
        ("password_reset", "password.reset"),
    ):
        getattr(account_signals, name).connect(
            _password_receiver(verb), dispatch_uid=f"breachroom-{verb}", weak=False
        )
