"""Four-eyes: ruling a data category out, or calling an old credential dead without a probe,
on one person's written justification and a second person's confirmation.

Asking changes nothing yet; the status changes when someone else confirms, through the same
service as any other change (exposures.record_exposure, rotations.move_rotations), so
its rules and events apply. Each ask and answer is on the incident's chain."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.models import (
    Confirmation,
    ConfirmationState,
    Exposure,
    ExposureStatus,
    Incident,
    RotationState,
)
from incidents.services import ServiceError
from incidents.services.events import append_event
from incidents.services.locking import lock_incident
from incidents.services.secret_guard import refuse_secrets

# What a second person may be asked to confirm, by what it is asked on.
WANTED = {"exposure": ExposureStatus.RULED_OUT.value, "rotation": RotationState.VERIFIED.value}
WORDS = {"exposure": "rule out", "rotation": "call the old key dead"}
MAX_TEXT = 5000


def _name(kind: str, target: Any) -> str:
    return str(target.category.name if kind == "exposure" else target.credential.name)


def ask(*, incident: Incident, kind: str, target: Any, justification: str, by: Any) -> Confirmation:
    if kind not in WANTED:
        raise ServiceError(f"Nothing of kind {kind!r} is confirmed by a second person.")
    justification = justification.strip()
    if not justification:
        raise ServiceError("Write why, for the second person and the record.")
    if len(justification) > MAX_TEXT:
        raise ServiceError(f"The justification can be at most {MAX_TEXT:,} characters.")
    refuse_secrets({"justification": justification})
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        target = type(target).objects.select_for_update().get(pk=target.pk, incident=locked)
        _still_wanted(kind, target)
        pending = Confirmation.objects.filter(
            state=ConfirmationState.ASKED, **{kind: target}
        ).exists()
        if pending:
            raise ServiceError(f"A second person is already asked to {WORDS[kind]} it.")
        asked = Confirmation.objects.create(
            incident=locked,
            wanted=WANTED[kind],
            justification=justification,
            asked_by=by,
            **{kind: target},
        )
        append_event(
            incident=locked,
            verb="confirmation.asked",
            actor=by,
            after={
                "confirmation": asked.pk,
                "wanted": WANTED[kind],
                "target": _name(kind, target),
                "justification": justification,
            },
        )
    return asked


def _still_wanted(kind: str, target: Any) -> None:
    if kind == "exposure" and target.status == ExposureStatus.RULED_OUT:
        raise ServiceError(f"{target.category.name} is already ruled out.")
    if kind == "rotation" and target.state != RotationState.REVOKED:
        raise ServiceError(
            f"{target.credential.name} is {RotationState(target.state).label.lower()}: only a "
            "revoked old key can be confirmed dead."
        )


def kind_of(confirmation: Confirmation) -> str:
    return "exposure" if confirmation.exposure_id else "rotation"


def answer(*, confirmation: Confirmation, confirm: bool, note: str = "", by: Any) -> Confirmation:
    """The second person's answer. Confirming applies the status; the one who asked cannot."""
    from incidents.services import exposures, rotations  # they call back into lapse()

    note = note.strip()
    if len(note) > 2000:
        raise ServiceError("The answer's note can be at most 2,000 characters.")
    if note:
        refuse_secrets({"note": note})
    with transaction.atomic():
        locked = lock_incident(confirmation.incident_id)
        current = (
            Confirmation.objects.select_for_update(of=("self",))
            .select_related("exposure__category", "rotation__credential", "asked_by")
            .get(pk=confirmation.pk)
        )
        if current.state != ConfirmationState.ASKED:
            raise ServiceError(
                f"This was already answered ({ConfirmationState(current.state).label.lower()})."
            )
        if current.asked_by_id == getattr(by, "pk", None):
            raise ServiceError(
                "A second person must answer: you asked for this yourself. Ask a colleague "
                "with response rights to confirm it."
            )
        if not confirm and not note:
            raise ServiceError("Say why you decline, for the one who asked and the record.")
        kind = kind_of(current)
        target = current.exposure if kind == "exposure" else current.rotation
        assert target is not None
        current.state = ConfirmationState.CONFIRMED if confirm else ConfirmationState.DECLINED
        current.answered_by, current.answered_at = by, timezone.now()
        current.answer_note = note
        current.save(update_fields=["state", "answered_by", "answered_at", "answer_note"])
        append_event(
            incident=locked,
            verb="confirmation.answered",
            actor=by,
            after={
                "confirmation": current.pk,
                "wanted": current.wanted,
                "target": _name(kind, target),
                "answer": current.state,
                "asked_by": current.asked_by.get_username(),
                "note": note,
            },
        )
        if confirm:
            _still_wanted(kind, target)
            if isinstance(target, Exposure):
                arguments = exposures.current_arguments(target)
                arguments["evidence"] = arguments["evidence"] or current.justification
                exposures.record_exposure(
                    **{**arguments, "status": ExposureStatus.RULED_OUT},
                    by=by,
                    confirmation=current,
                )
            else:
                rotations.move_rotations(
                    incident=locked,
                    task_ids=[target.pk],
                    to=RotationState.VERIFIED,
                    by=by,
                    confirmation=current,
                )
    return current


def lapse(*, kind: str, target: Any) -> None:
    """The confirmed status was changed since: the confirmation no longer backs it."""
    Confirmation.objects.filter(state=ConfirmationState.CONFIRMED, **{kind: target}).update(
        state=ConfirmationState.LAPSED
    )


def confirmations_by_target(incident_id: int) -> dict[tuple[str, int], list[Confirmation]]:
    """Asked and confirmed (in force) confirmations of the incident, by (kind, id)."""
    found: dict[tuple[str, int], list[Confirmation]] = {}
    rows = (
        Confirmation.objects.filter(
            incident_id=incident_id,
            state__in=[ConfirmationState.ASKED, ConfirmationState.CONFIRMED],
        )
        .select_related("asked_by", "answered_by", "exposure__category", "rotation__credential")
        .order_by("asked_at", "pk")
    )
    for row in rows:
        kind = kind_of(row)
        found.setdefault((kind, getattr(row, f"{kind}_id")), []).append(row)
    return found
