"""Rotation campaigns: one task per credential in scope, driven to 'old key verified dead'."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from incidents.models import (
    ROTATION_FLOW,
    Confirmation,
    Credential,
    CredentialKind,
    Incident,
    RotationState,
    RotationTask,
)
from incidents.services import ServiceError, evidence_links
from incidents.services.events import append_event
from incidents.services.locking import lock_incident
from incidents.services.notices import revalidate_notices
from incidents.services.secret_guard import refuse_secrets

BULK_LIMIT = 5_000


def start_campaign(
    *,
    incident: Incident,
    credentials: QuerySet[Credential],
    by: Any,
    due_at: datetime | None = None,
    selection: str = "",
) -> int:
    """Create one pending task per selected credential not already in the campaign.
    Returns how many were added; one event records the selection and the count."""
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        existing = set(
            RotationTask.objects.filter(incident=locked).values_list("credential_id", flat=True)
        )
        new_ids = [pk for pk in credentials.values_list("pk", flat=True) if pk not in existing]
        if not new_ids:
            raise ServiceError(
                "No credentials to add: the selection is empty or already in the campaign."
            )
        RotationTask.objects.bulk_create(
            [RotationTask(incident=locked, credential_id=pk, due_at=due_at) for pk in new_ids],
            batch_size=2000,
        )
        append_event(
            incident=locked,
            verb="rotation.campaign_started",
            actor=by,
            after={"added": len(new_ids), "selection": selection, "due_at": due_at},
        )
        revalidate_notices(incident=locked, by=by)  # "credentials rotated" no longer holds
    return len(new_ids)


def campaign_selection(
    *, incident: Incident, scope: str, system: str = "", kind: str = "", tag: str = ""
) -> tuple[QuerySet[Credential], str]:
    """The credentials a campaign covers, and how the choice reads on the timeline: all API
    keys on the incident's affected systems, or those matching a system, kind or tag."""
    if scope == "api_keys_in_scope":
        chosen = Credential.objects.filter(
            kind=CredentialKind.API_KEY, system__in=incident.affected_systems.all()
        )
        return chosen, "all API keys on the affected systems"
    filters = {"system__name": system, "kind": kind, "tags__name": tag}
    if not any(filters.values()):
        raise ServiceError("Choose a system, a kind or a tag to select credentials.")
    chosen = Credential.objects.filter(**{k: v for k, v in filters.items() if v}).distinct()
    named = {"system": system, "kind": kind, "tag": tag}
    return chosen, ", ".join(f"{k}={v}" for k, v in named.items() if v)


def move_rotation(
    *, task: RotationTask, to: str, by: Any, new_identifier: str = "", reason: str = ""
) -> RotationTask:
    return move_rotations(
        incident=task.incident,
        task_ids=[task.pk],
        to=to,
        by=by,
        new_identifier=new_identifier,
        reason=reason,
    )[0]


def move_rotations(
    *,
    incident: Incident,
    task_ids: list[int],
    to: str,
    by: Any,
    new_identifier: str = "",
    reason: str = "",
    backing_files: list[int] | None = None,
    confirmation: Confirmation | None = None,
) -> list[RotationTask]:
    """Move the given tasks of this incident to `to`; all or none. One event per task.

    "Verified dead" set by hand (not by a passing probe, services/check_runs.py) needs
    proof: a file linked to the task (already, or `backing_files` linked to each now), or
    a second person's confirmation (services/confirmations.py passes `confirmation`)."""
    if to not in RotationState.values:
        raise ServiceError(f"Unknown rotation state {to!r}.")
    if not task_ids:
        raise ServiceError("Select at least one rotation task.")
    if len(task_ids) > BULK_LIMIT:
        raise ServiceError(f"At most {BULK_LIMIT:,} tasks at once.")
    reason, new_identifier = reason.strip(), new_identifier.strip()
    if to == RotationState.EXEMPTED and not reason:
        raise ServiceError("Exempting a credential needs a reason.")
    if new_identifier:
        refuse_secrets({"new identifier": new_identifier})
    with transaction.atomic():
        locked = lock_incident(incident.pk)
        tasks = list(
            RotationTask.objects.select_for_update()
            .select_related("credential")
            .filter(incident=locked, pk__in=task_ids)
        )
        if len(tasks) != len(set(task_ids)):
            raise ServiceError("Some selected tasks are not part of this incident's campaign.")
        for task in tasks:
            if backing_files:
                evidence_links.link_many(
                    locked, evidence_ids=backing_files, kind="rotation", target=task, by=by
                )
            moves = to != task.state and to in ROTATION_FLOW[RotationState(task.state)]
            verifies = moves and to == RotationState.VERIFIED
            backing = _proof(task, backing_files, confirmation) if verifies else ""
            _move_one(locked, task, to, by, new_identifier, reason, backing)
        revalidate_notices(incident=locked, by=by)
    return tasks


NEEDS_PROOF = (
    "{name}: calling the old key dead by hand needs proof. Run its probe, link a file that "
    "shows the old key refused (choose one under “Proof”, or link it from the Evidence page), "
    "or ask a second person to confirm it."
)


def _proof(task: RotationTask, backing_files: list[int] | None, confirmation: Any) -> str:
    if confirmation is not None and confirmation.rotation_id == task.pk:
        answered = confirmation.answered_by.get_username() if confirmation.answered_by else "?"
        return f"confirmed by {answered} (asked by {confirmation.asked_by.get_username()})"
    if backing_files or evidence_links.has_usable_file("rotation", task):
        return "files linked"
    raise ServiceError(NEEDS_PROOF.format(name=task.credential.name))


def _move_one(
    incident: Incident,
    task: RotationTask,
    to: str,
    by: Any,
    new_identifier: str,
    reason: str,
    backing: str = "",
) -> None:
    current = task.state
    if to == current:
        return
    if to not in ROTATION_FLOW[RotationState(current)]:
        allowed = (
            ", ".join(RotationState(s).label for s in ROTATION_FLOW[RotationState(current)])
            or "none"
        )
        raise ServiceError(
            f"{task.credential.name}: cannot go from {RotationState(current).label} to "
            f"{RotationState(to).label}; allowed: {allowed}."
        )
    after: dict[str, Any] = {"credential": task.credential.name, "state": to}
    if backing:
        after["backed_by"] = backing
    task.state = to
    if to == RotationState.EXEMPTED:
        task.exemption_reason = after["reason"] = reason
    if to == RotationState.ROTATED and new_identifier:
        # The inventory names the credential in use now; the task keeps what it replaced.
        current = Credential.objects.values_list("identifier", flat=True).get(pk=task.credential_id)
        task.new_identifier = after["new_identifier"] = new_identifier
        task.old_identifier = after["old_identifier"] = current
        Credential.objects.filter(pk=task.credential_id).update(
            identifier=new_identifier,
            previous_identifier=F("identifier"),
            last_rotated_at=timezone.now(),
        )
    elif to == RotationState.ROTATED:
        Credential.objects.filter(pk=task.credential_id).update(last_rotated_at=timezone.now())
    task.save()
    append_event(
        incident=incident,
        verb="rotation.state_changed",
        actor=by,
        before={"state": current},
        after=after,
    )


def configure_probe(
    *, task: RotationTask, url: str, header: str, secret_env: str, by: Any
) -> RotationTask:
    """Set (or change) the probe that proves the old credential is dead. `secret_env` is a
    registered secret reference (services/probe_secrets.py) or empty; whoever may change
    the response may pick one, only admins register them."""
    from incidents.checks.target_policy import check_url_shape
    from incidents.services.probe_secrets import is_active

    url, header, secret_env = url.strip(), header.strip() or "Authorization", secret_env.strip()
    try:
        check_url_shape(url)
    except ValidationError as refused:
        raise ServiceError(" ".join(refused.messages)) from None
    if secret_env and secret_env != task.probe_secret_env and not is_active(secret_env):
        raise ServiceError(
            f"{secret_env} is not a registered secret reference: pick one from the list "
            "(an admin registers them on the Probe secrets page)."
        )
    with transaction.atomic():
        locked = lock_incident(task.incident_id)
        task.probe_url, task.probe_header, task.probe_secret_env = url, header, secret_env
        task.save(update_fields=["probe_url", "probe_header", "probe_secret_env", "updated_at"])
        append_event(
            incident=locked,
            verb="rotation.probe_configured",
            actor=by,
            after={
                "credential": task.credential.name,
                "url": url,
                "header": header,
                "secret_env": secret_env,
            },
        )
    return task
