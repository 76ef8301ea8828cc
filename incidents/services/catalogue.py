"""The reference catalogue an admin keeps: data categories (whose legal flags decide duties)
and playbooks (versioned: an edit is a new version, so an incident's checklist never changes
under it)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from incidents.models import CLOSED_STATES, DataCategory, Incident, Playbook
from incidents.services import obligations, security_log
from incidents.services.events import append_event
from incidents.services.locking import lock_incident
from incidents.services.notices import revalidate_notices

# What the rules and notices read of a category: a change re-decides open incidents.
RULE_FIELDS = (
    "personal_data",
    "special_category",
    "children",
    "sensitivity",
    "enisa_data_type",
    "withheld_from_partners",
)


def save_category(*, category: DataCategory, by: Any, request: Any = None) -> list[str]:
    """Save an admin's edit of `category` (already applied to the object). When a flag the
    rules read changed, every open incident with an exposure of it records the change and
    has its duties recomputed and its notices re-checked. Returns the references touched."""
    with transaction.atomic():
        before: dict[str, Any] | None = (
            dict(DataCategory.objects.select_for_update().filter(pk=category.pk).values().get())
            if category.pk
            else None
        )
        category.full_clean()
        category.save()
        changed = {
            name: [before[name], getattr(category, name)]
            for name in RULE_FIELDS
            if before is not None and before[name] != getattr(category, name)
        }
        security_log.record(
            "catalogue.category_saved",
            actor=by,
            request=request,
            details={"category": category.slug, "changed": changed},
        )
        if not changed:
            return []
        touched = []
        open_ones = Incident.objects.exclude(status__in=CLOSED_STATES).filter(
            exposures__category=category
        )
        for incident_id in open_ones.values_list("pk", flat=True).distinct():
            incident = lock_incident(incident_id)
            append_event(
                incident=incident,
                verb="catalogue.category_changed",
                actor=by,
                before={k: v[0] for k, v in changed.items()},
                after={"category": category.name, **{k: v[1] for k, v in changed.items()}},
            )
            revalidate_notices(incident=incident, by=by)
            obligations.recompute(incident=incident, by=by)
            touched.append(incident.reference)
    return touched


def new_playbook_version(*, playbook: Playbook, by: Any, request: Any = None) -> Playbook:
    """A copy of `playbook` as the next version, to edit; the old one stays as it was."""
    with transaction.atomic():
        latest = Playbook.objects.filter(slug=playbook.slug).aggregate(v=Max("version"))["v"] or 0
        steps = list(playbook.items.order_by("position"))
        copy = Playbook.objects.create(
            slug=playbook.slug,
            name=playbook.name,
            description=playbook.description,
            version=latest + 1,
        )
        for step in steps:
            step.pk = None
            step.playbook = copy
            step.save()
        security_log.record(
            "catalogue.playbook_versioned",
            actor=by,
            request=request,
            details={"playbook": playbook.slug, "from": playbook.version, "to": copy.version},
        )
    return copy
