"""Which generation counters (incidents.generations) a saved or deleted row moves.

A row that belongs to one incident moves that incident's counter and the list's: other
incidents' cached pages stay good, which during a busy response is most of them. A row of
shared data (people, roles, partners, templates, playbooks, systems...) moves the shared
counter and the list's: every page may show it. Services append an event with every change,
so the event alone would do; the rest covers admin, scripts and bulk imports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, User
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from incidents import generations
from incidents.models import (
    BreachVector,
    ChecklistItem,
    CheckRun,
    Credential,
    DataCategory,
    Event,
    Exposure,
    Incident,
    Note,
    Notice,
    NoticeBatch,
    NoticeTemplate,
    Obligation,
    Partner,
    PartnerContact,
    Playbook,
    PlaybookItem,
    RiskAssessment,
    RotationTask,
    System,
    Tag,
)

# Rows with an `incident` foreign key, and the incident itself.
PER_INCIDENT: tuple[type[Model], ...] = (
    Incident,
    Event,
    Exposure,
    RotationTask,
    ChecklistItem,
    CheckRun,
    Note,
    Notice,
    NoticeBatch,
    Obligation,
    RiskAssessment,
)
SHARED: tuple[type[Model], ...] = (
    BreachVector,
    Credential,
    DataCategory,
    NoticeTemplate,
    Partner,
    PartnerContact,
    Playbook,
    PlaybookItem,
    System,
    Tag,
)
# People and roles: also what each viewer's cached roles are built from.
DIRECTORY: tuple[type[Model], ...] = (User, Group)
INCIDENT_M2M = (
    Incident.members.through,
    Incident.assignees.through,
    Incident.tags.through,
    Incident.affected_systems.through,
)


def _reference(row: Any) -> str | None:
    """The reference of the incident `row` belongs to; references never change, so the
    incident the row already holds will do. None when the incident is gone."""
    if isinstance(row, Incident):
        return row.reference
    held = row._state.fields_cache.get("incident")
    if held is not None:
        return str(held.reference)
    found = Incident.objects.filter(pk=row.incident_id).values_list("reference", flat=True)
    return found.first()


def _incident_changed(references: list[str | None]) -> None:
    if not references or None in references:  # unknown incident: forget everything
        generations.bump(generations.LIST, generations.SHARED)
        return
    generations.bump(generations.LIST, *(generations.incident(r) for r in references if r))


def updated_quietly(row: Any) -> None:
    """For a bulk update of `row`'s incident that sends no signal and appends no event."""
    _incident_changed([_reference(row)])


def _row_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    _incident_changed([_reference(instance)])


def _shared_changed(*args: Any, **kwargs: Any) -> None:
    generations.bump(generations.LIST, generations.SHARED)


def _directory_changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return  # a sign-in: no page shows it, and it would forget every page at a shift change
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m: moved once, after the change
    generations.bump(generations.LIST, generations.SHARED, generations.VIEWER)


def _incident_m2m_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:  # incident.members.add(user): the incident is `instance`
        _incident_changed([instance.reference])
    elif pk_set:  # user.incidents.add(incident): the incidents are in pk_set
        found = Incident.objects.filter(pk__in=pk_set).values_list("reference", flat=True)
        _incident_changed(list(found))
    else:  # a reverse clear: which incidents is not known
        _incident_changed([])


def _unread_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    generations.bump(generations.unread(instance.user_id))


def connect() -> None:
    from incidents.models import Notification

    handlers: list[tuple[type[Model], Any]] = [
        *((m, _row_changed) for m in PER_INCIDENT),
        *((m, _shared_changed) for m in SHARED),
        *((m, _directory_changed) for m in DIRECTORY),
        (Notification, _unread_changed),
    ]
    for model, handler in handlers:
        uid = f"generations-{model._meta.label}"
        post_save.connect(handler, sender=model, dispatch_uid=uid)
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}-deleted")
    for through in INCIDENT_M2M:
        m2m_changed.connect(_incident_m2m_changed, sender=through, dispatch_uid=str(through))
    m2m_changed.connect(_directory_changed, sender=User.groups.through, dispatch_uid="groups")
