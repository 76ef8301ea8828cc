"""A partner-directory change on the security log, in words (the partner's page)."""

from __future__ import annotations

from incidents.models import SecurityEvent


def describe(event: SecurityEvent) -> str:
    after = event.after
    if event.verb == "partner.changed":
        was, now = after.get("was", {}), after.get("now", {})
        return "changed " + "; ".join(
            f"{name} from “{_text(was.get(name))}” to “{_text(value)}”"
            for name, value in now.items()
        )
    if event.verb == "partner.retired":
        return "retired the partner"
    if event.verb == "partner_contact.changed":
        was, now = after.get("was", {}), after.get("now", {})
        changes = [
            f"{name} from “{_text(was.get(name))}” to “{_text(now.get(name))}”"
            for name in ("name", "email", "role")
            if was.get(name) != now.get(name)
        ]
        return "changed a contact: " + "; ".join(changes)
    if event.verb == "partner_contact.retired":
        return f"retired the contact {after.get('email', '')}"
    return event.verb


def _text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value) if value not in (None, "") else "—"
