"""Incident lifecycle (NIST SP 800-61 phases): the one table of allowed moves."""

from django.db import models


class Status(models.TextChoices):
    NEW = "new", "New"
    TRIAGE = "triage", "Triage"
    CONTAINMENT = "containment", "Containment"
    ERADICATION = "eradication", "Eradication"
    RECOVERY = "recovery", "Recovery"
    POST_INCIDENT = "post_incident", "Post-incident review"
    CLOSED = "closed", "Closed"
    FALSE_POSITIVE = "false_positive", "Closed: false positive"
    DUPLICATE = "duplicate", "Closed: duplicate"


CLOSED_STATES = frozenset({Status.CLOSED, Status.FALSE_POSITIVE, Status.DUPLICATE})
_EARLY_CLOSE = (Status.FALSE_POSITIVE, Status.DUPLICATE)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.NEW: (Status.TRIAGE, *_EARLY_CLOSE),
    Status.TRIAGE: (Status.CONTAINMENT, *_EARLY_CLOSE),
    Status.CONTAINMENT: (Status.ERADICATION, Status.TRIAGE),
    Status.ERADICATION: (Status.RECOVERY, Status.CONTAINMENT),
    Status.RECOVERY: (Status.POST_INCIDENT, Status.ERADICATION),
    Status.POST_INCIDENT: (Status.CLOSED, Status.RECOVERY),
    Status.CLOSED: (Status.POST_INCIDENT,),
    Status.FALSE_POSITIVE: (Status.TRIAGE,),
    Status.DUPLICATE: (Status.TRIAGE,),
}

# Moves that must say why: closing of any kind, and every step backwards.
REASON_REQUIRED = frozenset(
    {
        (Status.POST_INCIDENT, Status.CLOSED),
        (Status.NEW, Status.FALSE_POSITIVE),
        (Status.NEW, Status.DUPLICATE),
        (Status.TRIAGE, Status.FALSE_POSITIVE),
        (Status.TRIAGE, Status.DUPLICATE),
        (Status.CONTAINMENT, Status.TRIAGE),
        (Status.ERADICATION, Status.CONTAINMENT),
        (Status.RECOVERY, Status.ERADICATION),
        (Status.POST_INCIDENT, Status.RECOVERY),
        (Status.CLOSED, Status.POST_INCIDENT),
        (Status.FALSE_POSITIVE, Status.TRIAGE),
        (Status.DUPLICATE, Status.TRIAGE),
    }
)


def allowed_moves(current: str) -> tuple[str, ...]:
    return TRANSITIONS.get(current, ())


def needs_reason(current: str, target: str) -> bool:
    return (current, target) in REASON_REQUIRED
