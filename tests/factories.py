"""Test data: users per role and incidents, made through the services like real data."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, User

from incidents.models import Incident, Severity
from incidents.services.incidents import open_incident

_numbers = itertools.count(1)


def make_user(role: str | None, username: str | None = None) -> User:
    name = username or f"{role or 'norole'}{next(_numbers)}"
    user = User.objects.create_user(name, password=None)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_incident(
    *,
    by: User,
    title: str = "Exposed internal API",
    restricted: bool = False,
    severity: str = Severity.SEV2,
) -> Incident:
    return open_incident(title=title, by=by, severity=severity, restricted=restricted)


def retitle(incident: Incident, title: str, *, by: User) -> None:
    """A responder's edit of the title, through the service (an event, like any change)."""
    from incidents.services.incident_fields import token_of, update_field

    update_field(
        incident=incident, field="title", value=title, was=token_of(incident, "title"), by=by
    )


def set_aware(incident: Incident, *, by: User, when: datetime) -> Incident:
    """Record when the team became aware (and a detection time before it when needed)."""
    from incidents.services.incident_fields import token_of, update_field

    incident.refresh_from_db()
    if incident.detected_at is None or incident.detected_at > when:
        update_field(
            incident=incident,
            field="detected_at",
            value=when - timedelta(hours=1),
            was=token_of(incident, "detected_at"),
            by=by,
        )
    update_field(
        incident=incident, field="aware_at", value=when, was=token_of(incident, "aware_at"), by=by
    )
    incident.refresh_from_db()
    return incident


def expose_people(
    incident: Incident,
    *,
    by: User,
    per_place: dict[str, int],
    category: str = "viewing-history",
    version: int | None = None,
) -> None:
    """A confirmed exposure of `category` with these people per jurisdiction."""
    from incidents.models import DataCategory
    from incidents.services.exposures import Range, record_exposure

    total = sum(per_place.values())
    record_exposure(
        incident=incident,
        category=DataCategory.objects.get(slug=category),
        status="confirmed",
        by=by,
        people=Range(total, total),
        records=Range(total * 10, total * 10),
        people_by_jurisdiction=per_place,
        expected_version=version,
    )


def assess_high_risk(incident: Incident, *, by: User) -> None:
    """An ENISA assessment that comes out high or above (SE = 3 × 1 + 0.5 + 0.5 = 4)."""
    from incidents.services.risk import assess_risk

    assess_risk(
        incident=incident,
        by=by,
        dpc=Decimal("3"),
        dpc_rationale="viewing history reveals preferences",
        ei=Decimal("1"),
        ei_rationale="emails alongside",
        confidentiality=Decimal("0.5"),
        integrity=Decimal("0"),
        availability=Decimal("0"),
        malicious=True,
        cb_rationale="scraped by an unknown party",
    )


def payment_partner_draft(incident: Incident, partner: Any, *, by: User, decided_by: User) -> Any:
    """A draft of the SCENARIO's "Payment partner update" to `partner`, with the fact its
    claim rests on recorded (payment data ruled out) so it can be approved."""
    from incidents.models import DataCategory, NoticeTemplate
    from incidents.services.exposures import record_exposure
    from incidents.services.notices import draft_notice

    record_exposure(
        incident=incident,
        category=DataCategory.objects.get(slug="financial-payment"),
        status="ruled_out",
        evidence="separate segment",
        by=decided_by,
        backing_files=ruling_out_proof(incident, by=decided_by),
    )
    return draft_notice(
        incident=incident,
        partner=partner,
        template=NoticeTemplate.objects.filter(name="Payment partner update").latest("version"),
        by=by,
    )


def ruling_out_proof(incident: Incident, *, by: User) -> list[int]:
    """A file that shows a category was not reached, to back ruling it out."""
    proof = keep_evidence(
        incident,
        by=by,
        content=b"payments-db audit: 0 queries from svc-content-api\n",
        name="payments-db-audit.txt",
    )
    return [proof.pk]


def keep_evidence(
    incident: Incident,
    *,
    by: User,
    content: bytes = b"GET /internal/v2 200\n",
    name: str = "log.txt",
):
    """A file given to the incident through the service, as an upload would give it."""
    import hashlib

    from django.core.files.uploadedfile import TemporaryUploadedFile

    from incidents.services.evidence import keep

    upload = TemporaryUploadedFile(name, "application/octet-stream", len(content), None)
    upload.write(content)
    upload.flush()
    upload.sha256 = hashlib.sha256(content).hexdigest()  # type: ignore[attr-defined]
    try:
        return keep(incident=incident, upload=upload, by=by)
    finally:
        upload.close()
