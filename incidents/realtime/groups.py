"""Channel-layer group names and message shapes: ids and sequence numbers, never details."""

DASHBOARD = "dashboard"


def incident_group(incident_id: int) -> str:
    return f"incident.{incident_id}"


def incident_event_message(incident_id: int, seq: int) -> dict:
    return {"type": "incident.event", "incident_id": incident_id, "seq": seq}


def dashboard_message(changed: list[int], opened: list[int]) -> dict:
    return {"type": "dashboard.changed", "incident_ids": changed, "opened_ids": opened}


def person_group(user_id: int) -> str:
    """One person's own channel: their unread count changed (never what the notice says)."""
    return f"person.{user_id}"


BADGE_MESSAGE = {"type": "badge.changed"}
