"""Read side of communications: an incident's notices, one notice's page, the log."""

from __future__ import annotations

from typing import Any

from incidents.access import Ability, may
from incidents.models import (
    Audience,
    Incident,
    Notice,
    NoticeBatch,
    NoticeState,
    NoticeTemplate,
    Obligation,
    ObligationState,
    Partner,
)
from incidents.notices.claims import CLAIMS, basis
from incidents.notices.context import CONTEXT_NAMES
from incidents.notices.facts import gather
from incidents.notices.language import FILTERS
from incidents.regulation.audiences import answers
from incidents.services.notices import claims_in


def can_write_notices(user: Any) -> bool:
    return may(user, Ability.WRITE_NOTICES)


def notices_section_context(incident: Incident, user: Any, error: str = "") -> dict[str, Any]:
    notices = list(
        Notice.objects.filter(incident=incident)
        .select_related("partner", "approved_by", "last_editor")
        .order_by("partner__name", "-pk")
    )
    latest: dict[str, NoticeTemplate] = {}
    # The draft form names templates and partners: their bodies are not needed here.
    for template in NoticeTemplate.objects.only("pk", "name", "version", "audience").order_by(
        "name", "-version"
    ):
        latest.setdefault(template.name, template)
    return {
        "incident": incident,
        "notices": notices,
        "templates": list(latest.values()),
        "partners": list(
            Partner.objects.filter(retired_at__isnull=True).order_by("audience", "name")
        ),
        "audiences": Audience.choices,
        "can_write_notices": can_write_notices(user),
        "can_edit_templates": may(user, Ability.EDIT_NOTICE_TEMPLATES),
        "notice_error": error,
        "stale_count": sum(1 for n in notices if n.stale_reasons),
        "sent_count": sum(1 for n in notices if n.state == NoticeState.SENT),
        "owed_count": sum(1 for n in notices if n.state != NoticeState.SENT),
        "batches": list(
            NoticeBatch.objects.filter(incident=incident, finished_at__isnull=True).select_related(
                "template"
            )[:3]
        ),
    }


def duties_answered(notice: Notice, user: Any) -> list[Obligation]:
    """The open duties a sent notice can meet (its audience, its scope): offered in one
    click on the notice's page."""
    if notice.state != NoticeState.SENT or not may(user, Ability.DECIDE_OBLIGATIONS):
        return []
    return [
        duty
        for duty in Obligation.objects.filter(
            incident_id=notice.incident_id, state=ObligationState.OPEN
        )
        if answers(
            rule_id=duty.rule_id,
            notify=duty.notify,
            partner=notice.partner,
            controller_id=notice.incident.controller_id,
        )
    ]


def claim_basis(notice: Notice) -> list[Any]:
    """The claims the notice states (as approved, or as its text stands) and what each
    rests on; none when it states none."""
    keys = notice.stated_claims or claims_in(notice)
    return basis(keys, gather(notice.incident)) if keys else []


def notice_page_context(notice: Notice, user: Any) -> dict[str, Any]:
    return {
        "duties_answered": duties_answered(notice, user),
        "notice": notice,
        "incident": notice.incident,
        "can_write_notices": can_write_notices(user),
        "context_names": CONTEXT_NAMES,
        "claims": {k: c.says for k, c in CLAIMS.items()},
        "claim_basis": claim_basis(notice),
        "filters": list(FILTERS),
        "is_last_editor": notice.last_editor_id == getattr(user, "pk", None),
        # Who a send reaches now (retired contacts are sent nothing).
        "current_contacts": list(notice.partner.contacts.filter(retired_at__isnull=True)),
        "sending": notice.state == NoticeState.APPROVED and notice.send_queued_at is not None,
    }
