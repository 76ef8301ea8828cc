"""An incident's notification duties as records: recomputed from the rules whenever the facts
behind them change (each change an event), then met, waived or found late by people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.models import Incident, Notice, NoticeState, Obligation, ObligationState
from incidents.presentation.timefmt import local_text
from incidents.regulation.audiences import answers, refusal
from incidents.regulation.engine import (
    NOT_REQUIRED,
    OUT_OF_SCOPE,
    REQUIRED,
    Decision,
    evaluate,
)
from incidents.regulation.facts import breach_facts
from incidents.regulation.rules import all_rules, rule_by_id
from incidents.services import ServiceError
from incidents.services.events import append_event
from incidents.services.locking import lock_incident

REFERENCE_MAX = 120
TEXT_MAX = 2000


def recompute(*, incident: Incident, by: Any) -> list[Obligation]:
    """Bring the records in line with what the rules say now. The caller holds `incident`
    locked inside the transaction that changed the facts. An open duty whose rule no longer
    reaches anyone lapses; one the law now excuses (a risk assessed unlikely, Art. 34(3))
    becomes "not required" with its reasoning; a duty is never dropped for a missing fact
    (undetermined leaves it as it is). Met and waived ones are history and stay."""
    decisions = evaluate(all_rules(), breach_facts(incident))
    existing = {o.rule_id: o for o in Obligation.objects.filter(incident=incident)}
    changed = []
    for decision in decisions:
        obligation = existing.get(decision.rule.id)
        if decision.outcome == REQUIRED:
            changed += _apply(incident, obligation, decision, by)
        elif decision.outcome == NOT_REQUIRED:
            changed += _excuse(incident, obligation, decision, by)
        elif decision.outcome == OUT_OF_SCOPE and obligation is not None:
            changed += _lapse(incident, obligation, decision, by)
    return changed


def _lapse(
    incident: Incident, obligation: Obligation, decision: Decision, by: Any
) -> list[Obligation]:
    if obligation.state not in (ObligationState.OPEN, ObligationState.NOT_REQUIRED):
        return []
    obligation.state, obligation.why, obligation.gaps = (
        ObligationState.LAPSED,
        decision.why,
        [],
    )
    obligation.save(update_fields=["state", "why", "gaps", "updated_at"])
    _event(incident, "obligation.lapsed", by, obligation, after={"why": decision.why})
    return [obligation]


def _excuse(
    incident: Incident, obligation: Obligation | None, decision: Decision, by: Any
) -> list[Obligation]:
    """Recorded as not required, with the reasoning (GDPR Art. 33(5) documentation)."""
    if obligation is not None and obligation.state in (ObligationState.MET, ObligationState.WAIVED):
        return []
    if (
        obligation is not None
        and obligation.state == ObligationState.NOT_REQUIRED
        and obligation.why == decision.why
    ):
        return []
    obligation = obligation or Obligation(incident=incident, rule_id=decision.rule.id)
    obligation.state = ObligationState.NOT_REQUIRED
    _copy_rule(obligation, decision)
    obligation.save()
    _event(incident, "obligation.not_required", by, obligation, after={"why": decision.why})
    return [obligation]


def _apply(
    incident: Incident, obligation: Obligation | None, decision: Decision, by: Any
) -> list[Obligation]:
    rule = decision.rule
    if obligation is None or obligation.state in (
        ObligationState.LAPSED,
        ObligationState.NOT_REQUIRED,
    ):
        obligation = obligation or Obligation(incident=incident, rule_id=rule.id)
        obligation.state = ObligationState.OPEN
        _copy_rule(obligation, decision)
        obligation.save()
        _event(
            incident,
            "obligation.applies",
            by,
            obligation,
            after={
                "why": decision.why,
                "deadline": decision.deadline,
                "gaps": list(decision.gaps),
            },
        )
        return [obligation]
    before = _tracked(obligation.deadline, obligation.people_text, obligation.gaps)
    after = _tracked(decision.deadline, decision.people_text, list(decision.gaps))
    if before == after and obligation.why == decision.why:
        return []
    if obligation.deadline != decision.deadline:
        # A new deadline earns its own reminders.
        obligation.warned_24h_at = obligation.warned_6h_at = obligation.breached_at = None
    _copy_rule(obligation, decision)
    obligation.save()
    if before != after:
        _event(incident, "obligation.changed", by, obligation, before=before, after=after)
    return [obligation]


def _tracked(deadline: Any, people_text: str, gaps: list[str]) -> dict[str, Any]:
    """What a change event records of a duty: its deadline, people and missing facts."""
    return {"deadline": deadline, "people_text": people_text, "gaps": list(gaps)}


def _copy_rule(obligation: Obligation, decision: Decision) -> None:
    rule = decision.rule
    obligation.name, obligation.jurisdiction, obligation.notify = (
        rule.name,
        rule.jurisdiction,
        rule.notify,
    )
    obligation.source, obligation.rule_checked = rule.source, rule.checked
    obligation.why, obligation.people, obligation.deadline = (
        decision.why,
        decision.people,
        decision.deadline,
    )
    obligation.people_text, obligation.gaps = decision.people_text, list(decision.gaps)
    obligation.clock_started_at = decision.clock_started_at


def meet(
    *,
    obligation: Obligation,
    by: Any,
    notice: Notice | None = None,
    filed_at: dt.datetime | None = None,
    reference: str = "",
    late_reason: str = "",
) -> Obligation:
    """Met by a notice Breachroom sent to the duty's audience, or by a filing made elsewhere
    (its time); either way with the reference number the recipient gave, when it gave one.
    Met after the deadline needs the reasons for the delay."""
    reference, late_reason = reference.strip(), late_reason.strip()
    if (notice is None) == (filed_at is None):
        raise ServiceError("Link the sent notice, or record the filing's date and reference.")
    if len(reference) > REFERENCE_MAX or len(late_reason) > TEXT_MAX:
        raise ServiceError("The reference or the reasons are too long.")
    incident = Incident.objects.get(pk=obligation.incident_id)
    if notice is not None:
        if notice.incident_id != obligation.incident_id or notice.state != NoticeState.SENT:
            raise ServiceError("Only a notice sent on this incident can meet its duty.")
        if not answers(
            rule_id=obligation.rule_id,
            notify=obligation.notify,
            partner=notice.partner,
            controller_id=incident.controller_id,
        ):
            raise ServiceError(refusal(obligation.notify, obligation.rule_id))
        met_at = notice.sent_at
    else:
        if not reference:
            raise ServiceError("A filing needs the reference number the authority gave it.")
        assert filed_at is not None
        if filed_at > timezone.now():
            raise ServiceError("The filing's date is in the future.")
        earliest = incident.detected_at or incident.aware_at
        if earliest is not None and filed_at < earliest:
            raise ServiceError(
                f"The filing's date ({local_text(filed_at)}) is before the incident was "
                f"detected ({local_text(earliest)})."
            )
        met_at = filed_at
    with transaction.atomic():
        incident = lock_incident(obligation.incident_id)
        current = _open_for_update(obligation)
        if current.deadline and met_at and met_at > current.deadline and not late_reason:
            rule = rule_by_id(current.rule_id)
            owed = f" ({rule.late_requires})" if rule and rule.late_requires else ""
            raise ServiceError(
                "This duty was met after its deadline: record the reasons for the delay" + owed
            )
        current.state, current.met_at, current.met_notice = ObligationState.MET, met_at, notice
        current.filing_reference, current.late_reason = reference, late_reason
        current.decided_by, current.decided_at = by, timezone.now()
        current.save()
        how = f"notice {notice.pk}" if notice else f"filing {reference}"
        _event(
            incident,
            "obligation.met",
            by,
            current,
            after={
                "how": how,
                "met_at": met_at,
                "reference": reference,
                "late_reason": late_reason,
            },
        )
        recompute(incident=incident, by=by)  # telling people starts some other clocks
    return current


def waive(*, obligation: Obligation, by: Any, reason: str, exception: str = "") -> Obligation:
    """Decided by hand not to be owed although the rules say it is (an override, shown as one
    in the register and the pack), with the documented reason, or one of the exceptions the
    rule names (Art. 34(3)(c)) and why it holds."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("Waiving a duty needs the documented reason.")
    if exception:
        rule = rule_by_id(obligation.rule_id)
        if rule is None or exception not in rule.exceptions:
            raise ServiceError("That exception is not one this rule provides.")
        reason = f"Exception: {exception}. {reason}"
    if len(reason) > TEXT_MAX:
        raise ServiceError(f"The reason is longer than {TEXT_MAX} characters.")
    with transaction.atomic():
        incident = lock_incident(obligation.incident_id)
        current = _open_for_update(obligation)
        current.state, current.waiver_reason = ObligationState.WAIVED, reason
        current.decided_by, current.decided_at = by, timezone.now()
        current.save()
        _event(incident, "obligation.waived", by, current, after={"reason": reason})
    return current


def set_owner(*, obligation: Obligation, owner: Any, by: Any) -> Obligation:
    """Who sees the duty through (None: nobody). The new owner is told, and is reminded
    with the commander as the deadline nears (services/obligation_watch.py)."""
    from incidents.access import visible_incidents
    from incidents.services.notifications import incident_path, notify

    if (
        owner is not None
        and not visible_incidents(owner).filter(pk=obligation.incident_id).exists()
    ):
        raise ServiceError(
            f"{owner.get_username()} cannot see this incident, so could not see the duty "
            "through: add them as a member first, or choose someone who can."
        )
    with transaction.atomic():
        incident = lock_incident(obligation.incident_id)
        # Only the duty's row is locked (PostgreSQL refuses to lock the outer join's side).
        current = (
            Obligation.objects.select_for_update(of=("self",))
            .select_related("owner")
            .get(pk=obligation.pk)
        )
        before = current.owner.get_username() if current.owner else None
        after = owner.get_username() if owner else None
        if before == after:
            return current
        current.owner = owner
        current.save(update_fields=["owner", "updated_at"])
        _event(
            incident,
            "obligation.owner_set",
            by,
            current,
            before={"owner": before},
            after={"owner": after},
        )
        if owner is not None:
            notify(
                user=owner,
                incident=incident,
                text=f"{by} made you owner of “{current.name}” on {incident.reference}",
                path=incident_path(incident, f"#duty-{current.pk}"),
                by=by,
            )
    return current


def _open_for_update(obligation: Obligation) -> Obligation:
    current = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if current.state != ObligationState.OPEN:
        raise ServiceError(
            f"This duty is already {current.get_state_display().lower()}; reload to see it."
        )
    return current


def _event(
    incident: Incident,
    verb: str,
    by: Any,
    obligation: Obligation,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any],
) -> None:
    append_event(
        incident=incident,
        verb=verb,
        actor=by,
        actor_label=None if by is not None else "obligation rules",
        before=before,
        after={"rule": obligation.rule_id, "name": obligation.name, **after},
    )
