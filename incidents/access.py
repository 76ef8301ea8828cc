"""The one access gate. Every view, websocket consumer, template context and export asks
here: which incidents a person may see, and what their roles let them do (`may`).

An incident the user may not see does not exist for them (404, close 4403), because its
existence is data too. Seeing is not changing: writes ask `may` / `require`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_datetime

from incidents.models import Incident
from incidents.models.revision import SHARED, SHARED_SOURCE_NAMES
from incidents.roles import (
    ADMIN,
    ALL_ROLES,
    AUDITOR,
    COMMANDER,
    COMMUNICATIONS,
    RESPONDER,
    ROLE_LABELS,
    RoleSet,
    User,
    remember_roles,
    roles_of,
)


class Ability(StrEnum):
    """What a role may do. The whole policy is ABILITIES below."""

    USE = "use Breachroom at all (org-wide pages: duties, partners, credentials)"
    WRITE_RESPONSE = "change an incident's response record"
    OPEN_INCIDENT = "open incidents"
    DECIDE_OBLIGATIONS = "record a duty as met or waive it"
    WRITE_NOTICES = "draft, edit and send notices; keep the partner directory"
    MANAGE_MEMBERS = "add and remove members of restricted incidents"
    GRANT_ROLES = "grant and revoke roles, set the MFA policy, unlock sign-ins"
    READ_SECURITY_LOG = "read and export the security log"
    SEE_ALL_INCIDENTS = "see every incident, restricted or not"
    REGISTER_PROBE_SECRETS = "register and retire the secret references rotation probes present"
    EDIT_NOTICE_TEMPLATES = "edit notice templates (each save is a new version)"
    EDIT_PLAYBOOKS = "edit response playbooks (each save is a new version)"
    REDACT_EVIDENCE = "redact an evidence file (its hash stays, with the reason)"


RESPONSE_TEAM = frozenset({ADMIN, COMMANDER, RESPONDER})
ABILITIES: dict[Ability, frozenset[str]] = {
    Ability.USE: frozenset(ALL_ROLES),
    Ability.WRITE_RESPONSE: RESPONSE_TEAM,
    Ability.OPEN_INCIDENT: RESPONSE_TEAM,
    # Communications files the notices, so it records them as met.
    Ability.DECIDE_OBLIGATIONS: RESPONSE_TEAM | {COMMUNICATIONS},
    Ability.WRITE_NOTICES: RESPONSE_TEAM | {COMMUNICATIONS},
    Ability.MANAGE_MEMBERS: frozenset({ADMIN, COMMANDER}),
    Ability.GRANT_ROLES: frozenset({ADMIN}),
    Ability.READ_SECURITY_LOG: frozenset({ADMIN, AUDITOR}),
    Ability.SEE_ALL_INCIDENTS: frozenset({ADMIN}),
    Ability.REGISTER_PROBE_SECRETS: frozenset({ADMIN}),
    # What a notice says to partners and regulators is the communications lead's to word.
    Ability.EDIT_NOTICE_TEMPLATES: frozenset({ADMIN, COMMUNICATIONS}),
    # How a response runs is the commanders' to set.
    Ability.EDIT_PLAYBOOKS: frozenset({ADMIN, COMMANDER}),
    # Removing what the record holds is rare and answerable: admins only, with a reason.
    Ability.REDACT_EVIDENCE: frozenset({ADMIN}),
}
# Who may move any checklist step, whatever role it is tied to.
STEP_OVERSEERS = frozenset({ADMIN, COMMANDER})


def may_move_step(user: User, item: Any, commander_id: int | None = None) -> bool:
    """A step tied to a role (its `role`, a role name) is moved by whoever holds that role,
    its assignee, the incident's commander (`commander_id`) or an overseer; a step tied to
    no role by anyone who may change the response record, or its assignee. So the
    communications lead ticks "tell partners" and the auditor "export the audit trail",
    and neither may move anything else; a responder cannot tick the commander's decision.
    `user` may be a RoleSet (a shared rendering): then only roles count."""
    roles = roles_of(user)
    if not roles:
        return False
    if roles & STEP_OVERSEERS:
        return True
    person = getattr(user, "pk", None)
    if person is not None and person in (item.assignee_id, commander_id):
        return True
    if item.role:
        return item.role in roles
    return may(user, Ability.WRITE_RESPONSE)


def require_step_mover(user: User, item: Any, commander_id: int | None) -> None:
    if not may_move_step(user, item, commander_id):
        who = f"the {ROLE_LABELS.get(item.role, item.role)} role," if item.role else ""
        raise PermissionDenied(
            f"Your role may not move “{item.title}”: it is moved by {who} its assignee"
            " or the incident's commander."
        )


def may(user: User, ability: Ability) -> bool:
    return bool(roles_of(user) & ABILITIES[ability])


def require(user: User, ability: Ability) -> None:
    """PermissionDenied (403, nothing changed) unless the user's roles allow `ability`."""
    if not may(user, ability):
        raise PermissionDenied(f"Your role may not {ability.value}.")


def visible_incidents(user: User) -> QuerySet[Incident]:
    """Incidents this user may see: none without a role; restricted ones only as member."""
    if not may(user, Ability.USE):
        return Incident.objects.none()
    if may(user, Ability.SEE_ALL_INCIDENTS):
        return Incident.objects.all()
    # EXISTS probes the (incident, user) index per row; IN would hash every membership of
    # the user on each query, which dominates on large lists.
    membership = Incident.members.through.objects.filter(incident_id=OuterRef("pk"), user=user)
    return Incident.objects.filter(Q(restricted=False) | Exists(membership))


def incident_for(
    user: User,
    reference: str,
    queryset: Callable[[QuerySet[Incident]], QuerySet[Incident]] | None = None,
) -> Incident:
    """The incident by reference if the user may see it, else Http404. `queryset` may add
    select_related/prefetch_related for the page that asked."""
    incidents = visible_incidents(user).filter(reference=reference)
    incident = (queryset(incidents) if queryset else incidents).first()
    if incident is None:
        raise Http404("No such incident.")
    return incident


def require_response_writer(user: User, incident: Incident) -> None:
    """Raise PermissionDenied unless the user may change this (visible) incident."""
    if not may(user, Ability.WRITE_RESPONSE):
        raise PermissionDenied("Your role is read-only for incident response.")


@dataclass(frozen=True)
class Pass:
    """What the gate answers for one person and one incident they may see, read in one
    statement: its identity, the head of its event chain, the roles the person holds, and
    the revision of every source a rendering of it can depend on (models/revision.py)."""

    incident_id: int
    reference: str
    title: str
    restricted: bool
    seq: int
    head_hash: str
    roles: frozenset[str]
    revisions: dict[str, int] = field(default_factory=dict)
    began_at: datetime | None = None
    contained_at: datetime | None = None

    @property
    def viewer(self) -> RoleSet:
        return RoleSet(self.roles)

    def revision(self, source: str) -> int:
        return self.revisions.get(source, 0)


# One statement, every part an index probe: the incident (by reference or id) with each
# person's membership, each person's row (still active? superuser?), their groups, and the
# revisions of the incident and of the shared data. Portable SQL: PostgreSQL and SQLite.
# `{people}` is a list of placeholders: a live page asks for everyone watching at once.
_GATE = """
SELECT 'incident', i.reference, i.id, i.event_seq,
       CASE WHEN i.restricted THEN 1 ELSE 0 END, 0,
       i.head_hash, i.title, i.began_at, i.contained_at
  FROM incidents_incident i WHERE {match}
UNION ALL
SELECT 'user', '', u.id, CASE WHEN u.is_active THEN 1 ELSE 0 END,
       CASE WHEN u.is_superuser THEN 1 ELSE 0 END,
       CASE WHEN EXISTS (SELECT 1 FROM incidents_incident_members m
                          WHERE m.user_id = u.id
                            AND m.incident_id = (SELECT i3.id FROM incidents_incident i3
                                                  WHERE {match3})) THEN 1 ELSE 0 END,
       '', '', NULL, NULL
  FROM auth_user u WHERE u.id IN ({people})
UNION ALL
SELECT 'role', g.name, ug.user_id, 0, 0, 0, '', '', NULL, NULL
  FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id
 WHERE ug.user_id IN ({people})
UNION ALL
SELECT 'revision', r.source, r.incident_id, r.rev, 0, 0, '', '', NULL, NULL
  FROM incidents_revision r
 WHERE r.incident_id IN (0, (SELECT i2.id FROM incidents_incident i2 WHERE {match2}))
"""


def _gate_sql(by_reference: bool, people: int) -> str:
    column = "reference" if by_reference else "id"
    return _GATE.format(
        match=f"i.{column} = %(incident)s",
        match2=f"i2.{column} = %(incident)s",
        match3=f"i3.{column} = %(incident)s",
        people=", ".join(f"%(p{n})s" for n in range(people)),
    )


@dataclass
class _Person:
    active: bool = False
    member: bool = False
    roles: set[str] = field(default_factory=set)


def _read_gate(
    user_ids: list[int], *, reference: str | None, incident_id: int | None
) -> dict[int, Pass | None]:
    """Every person's Pass (or None) for one incident, from one statement."""
    params: dict[str, int | str | None] = {f"p{n}": pk for n, pk in enumerate(user_ids)}
    params["incident"] = incident_id if reference is None else reference
    with connection.cursor() as cursor:
        cursor.execute(_gate_sql(reference is not None, len(user_ids)), params)
        rows = cursor.fetchall()
    incident = None
    people: dict[int, _Person] = {pk: _Person() for pk in user_ids}
    revisions: dict[str, int] = {}
    for kind, name, a, b, c, d, text, title, began, contained in rows:
        if kind == "incident":
            incident = (name, int(a), int(b), bool(c), text, title, began, contained)
        elif kind == "user":
            person = people[int(a)]
            person.active, person.member = bool(b), bool(d)
            if c:
                person.roles.add(ADMIN)
        elif kind == "role" and name in ALL_ROLES:
            people[int(a)].roles.add(name)
        elif kind == "revision":
            shared = int(a) == SHARED
            if (name in SHARED_SOURCE_NAMES) == shared:
                revisions[name] = int(b)
    passes: dict[int, Pass | None] = {}
    for pk, person in people.items():
        roles = frozenset(person.roles)
        if incident is None or not person.active or not roles & ABILITIES[Ability.USE]:
            passes[pk] = None
            continue
        ref, found_id, seq, restricted, head, title, began, contained = incident
        if restricted and not person.member and not roles & ABILITIES[Ability.SEE_ALL_INCIDENTS]:
            passes[pk] = None
            continue
        passes[pk] = Pass(
            incident_id=found_id,
            reference=ref,
            title=title,
            restricted=restricted,
            seq=seq,
            head_hash=head or "",
            roles=roles,
            revisions=revisions,
            began_at=_moment(began),
            contained_at=_moment(contained),
        )
    return passes


def gate(
    user: User, *, reference: str | None = None, incident_id: int | None = None
) -> Pass | None:
    """The Pass if `user` may see the incident now, else None (for them it does not
    exist). Nothing here is remembered between calls: a membership, role or account change
    made any way at all is in force at the next request or frame."""
    if user is None or not user.is_authenticated or isinstance(user, RoleSet):
        return None
    found = _read_gate([user.pk], reference=reference, incident_id=incident_id)[user.pk]
    if found is not None:
        remember_roles(user, found.roles)
    return found


def gate_many(incident_id: int, user_ids: list[int]) -> dict[int, Pass | None]:
    """The gate for everyone watching one incident, in one statement: a live frame is
    gated per person without a query per person."""
    if not user_ids:
        return {}
    return _read_gate(sorted(set(user_ids)), reference=None, incident_id=incident_id)


def _moment(value: object) -> datetime | None:
    """SQLite hands back text for a timestamp read through a UNION; PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def require_pass(user: User, reference: str) -> Pass:
    found = gate(user, reference=reference)
    if found is None:
        raise Http404("No such incident.")
    return found
