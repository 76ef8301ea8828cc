from incidents.models.event import GENESIS_HASH, Event, EventOutbox
from incidents.models.incident import SEVERITY_MEANING, Incident, ReferenceCounter, Severity
from incidents.models.lifecycle import CLOSED_STATES, Status

__all__ = [
    "CLOSED_STATES",
    "GENESIS_HASH",
    "SEVERITY_MEANING",
    "Event",
    "EventOutbox",
    "Incident",
    "ReferenceCounter",
    "Severity",
    "Status",
]
