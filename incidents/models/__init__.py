from incidents.models.event import GENESIS_HASH, Event, EventOutbox
from incidents.models.exposure import Exposure, ExposureStatus
from incidents.models.incident import (
    KEY_TIMES,
    SEVERITY_MEANING,
    Incident,
    ReferenceCounter,
    Severity,
)
from incidents.models.lifecycle import CLOSED_STATES, Status
from incidents.models.note import Note
from incidents.models.taxonomy import BreachVector, DataCategory, SensitivityTier, System, Tag

__all__ = [
    "CLOSED_STATES",
    "GENESIS_HASH",
    "KEY_TIMES",
    "SEVERITY_MEANING",
    "BreachVector",
    "DataCategory",
    "Event",
    "EventOutbox",
    "Exposure",
    "ExposureStatus",
    "Incident",
    "Note",
    "ReferenceCounter",
    "SensitivityTier",
    "Severity",
    "Status",
    "System",
    "Tag",
]
