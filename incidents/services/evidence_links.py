"""Linking evidence to what it bears on: an exposure, a checklist step, a rotation task, a
duty or a note. Linking and unlinking are events on the incident's chain; an unlinked
link stays (who unlinked it, when), so what a decision rested on is never lost."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from incidents.models import (
    ChecklistItem,
    Evidence,
    EvidenceLink,
    Exposure,
    Incident,
    Note,
    Obligation,
    RotationTask,
    RunStatus,
)
from incidents.presentation.timefmt import utc_text
from incidents.services import ServiceError
from incidents.services.events import append_event
from incidents.services.locking import lock_incident

# What a file may be linked to: the link's field, the model, and what it is called.
TARGETS: dict[str, tuple[type[models.Model], str]] = {
    "exposure": (Exposure, "affected data"),
    "step": (ChecklistItem, "checklist step"),
    "rotation": (RotationTask, "rotation task"),
    "obligation": (Obligation, "duty"),
    "note": (Note, "note"),
}


def target_name(kind: str, target: Any) -> str:
    """What the record calls the thing a file is linked to."""
    if kind == "exposure":
        return str(target.category.name)
    if kind == "step":
        return str(target.title)
    if kind == "rotation":
        return str(target.credential.name)
    if kind == "obligation":
        return str(target.name)
    return f"note by {target.author.get_username()}, {utc_text(target.created_at)}"


def find_target(incident: Incident, kind: str, target_id: Any) -> Any:
    """The thing of this incident to link to, or a ServiceError saying what is wrong."""
    if kind not in TARGETS:
        raise ServiceError(f"A file cannot be linked to {kind!r}.")
    model, called = TARGETS[kind]
    try:
        pk = int(target_id)
    except (TypeError, ValueError):
        raise ServiceError(f"Choose the {called} to link the file to.") from None
    related = {
        "exposure": ["category"],
        "rotation": ["credential"],
        "note": ["author"],
    }.get(kind, [])
    found = model._default_manager.select_related(*related).filter(incident=incident, pk=pk)
    target = found.first()
    if target is None:
        raise ServiceError(f"No such {called} on {incident.reference}.")
    return target


def link(
    *, evidence: Evidence, kind: str, target: Any, by: Any, actor_label: str | None = None
) -> EvidenceLink:
    """Link the file to the target; linking it again where it is linked changes nothing."""
    with transaction.atomic():
        locked = lock_incident(evidence.incident_id)
        return link_locked(
            locked, evidence=evidence, kind=kind, target=target, by=by, actor_label=actor_label
        )


def link_locked(
    incident: Incident,
    *,
    evidence: Evidence,
    kind: str,
    target: Any,
    by: Any,
    actor_label: str | None = None,
) -> EvidenceLink:
    """link(), for a caller that holds `incident` locked in its own transaction (its event
    seq is the one the next event follows)."""
    if evidence.redacted_at is not None:
        raise ServiceError(f"“{evidence.filename}” is redacted: it cannot back anything.")
    if evidence.quarantined_at is not None:
        raise ServiceError(f"“{evidence.filename}” is quarantined: it cannot back anything.")
    if target.incident_id != evidence.incident_id or incident.pk != evidence.incident_id:
        raise ServiceError("A file can only be linked within its own incident.")
    existing = EvidenceLink.objects.filter(
        evidence=evidence, unlinked_at=None, **{kind: target}
    ).first()
    if existing is not None:
        return existing
    created = EvidenceLink.objects.create(
        incident=incident, evidence=evidence, linked_by=by, **{kind: target}
    )
    append_event(
        incident=incident,
        verb="evidence.linked",
        actor=by,
        actor_label=actor_label,
        after={
            "evidence_id": evidence.pk,
            "filename": evidence.filename,
            "sha256": evidence.blob.sha256,
            "to": TARGETS[kind][1],
            "target": target_name(kind, target),
        },
    )
    return created


def link_many(
    incident: Incident, *, evidence_ids: list[int], kind: str, target: Any, by: Any
) -> None:
    """Link each of these files of the incident (a form's choice) to one target; the
    caller holds `incident` locked."""
    files = list(
        Evidence.objects.select_related("blob").filter(incident=incident, pk__in=evidence_ids)
    )
    if len(files) != len(set(evidence_ids)):
        raise ServiceError("Some chosen files are not this incident's evidence.")
    for evidence in files:
        link_locked(incident, evidence=evidence, kind=kind, target=target, by=by)


def unlink(*, evidence_link: EvidenceLink, by: Any) -> None:
    with transaction.atomic():
        locked = lock_incident(evidence_link.incident_id)
        current = (
            EvidenceLink.objects.select_for_update()
            .select_related("evidence__blob")
            .get(pk=evidence_link.pk)
        )
        if current.unlinked_at is not None:
            raise ServiceError("That link was already removed.")
        kind = kind_of(current)
        target = find_target(locked, kind, getattr(current, f"{kind}_id"))
        current.unlinked_at, current.unlinked_by = timezone.now(), by
        current.save(update_fields=["unlinked_at", "unlinked_by"])
        stale = kind in ("exposure", "rotation")  # notices may state what it backed
        append_event(
            incident=locked,
            verb="evidence.unlinked",
            actor=by,
            after={
                "evidence_id": current.evidence_id,
                "filename": current.evidence.filename,
                "sha256": current.evidence.blob.sha256,
                "from": TARGETS[kind][1],
                "target": target_name(kind, target),
            },
        )
        if stale:
            # Imported here: notices read what backs their claims through this module.
            from incidents.services.notices import revalidate_notices

            revalidate_notices(incident=locked, by=by)


def kind_of(evidence_link: EvidenceLink) -> str:
    return next(kind for kind in TARGETS if getattr(evidence_link, f"{kind}_id") is not None)


def linked_files(incident_id: int) -> dict[tuple[str, int], list[Evidence]]:
    """Every file in force on each thing of the incident, by (kind, id): one query. A
    redacted or quarantined file is listed too (the page says it no longer backs anything)."""
    found: dict[tuple[str, int], list[Evidence]] = defaultdict(list)
    links = (
        EvidenceLink.objects.filter(incident_id=incident_id, unlinked_at=None)
        .select_related("evidence__blob", "evidence__check_run")
        .order_by("linked_at", "pk")
    )
    for each in links:
        kind = kind_of(each)
        found[(kind, getattr(each, f"{kind}_id"))].append(each.evidence)
    return dict(found)


def has_usable_file(kind: str, target: Any) -> bool:
    """Whether a file in force, neither redacted nor quarantined, is linked to the target;
    a check's proof counts only if its run passed."""
    return (
        EvidenceLink.objects.filter(
            unlinked_at=None,
            evidence__redacted_at=None,
            evidence__quarantined_at=None,
            **{kind: target},
        )
        .filter(Q(evidence__check_run=None) | Q(evidence__check_run__status=RunStatus.PASS))
        .exists()
    )
