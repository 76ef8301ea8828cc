"""Row locks that serialise writes to one incident (its event sequence above all)."""

from incidents.models import Incident


def lock_incident(incident_id: int) -> Incident:
    """Re-read and lock the incident for the current transaction. On SQLite the IMMEDIATE
    transaction mode already holds the database write lock, so select_for_update is moot."""
    return Incident.objects.select_for_update().get(pk=incident_id)
