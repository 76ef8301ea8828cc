"""How far each part of the record has moved: the version a shared rendering is keyed by.

The database keeps these, not the application: a trigger on every table a page shows adds
one to the row of (incident, source) in the same transaction as the change, whoever made it
(a service, the admin, `.update()`, a script's raw SQL). A rendering keyed by the revisions
it was drawn from can therefore never be served after the data under it changed, and no
code path has to remember to say so. Shared data no incident owns (people and roles,
the catalogue, partners, credentials) is counted under incident 0.

The event log is not counted here: `Incident.event_seq` already is its version.
"""

from __future__ import annotations

from django.db import models

SHARED = 0  # the incident_id of revisions of data no single incident owns

# What an incident's own rows are counted as, by table (kept in step with the triggers:
# tests/test_revisions.py compares this with what the database has).
INCIDENT_SOURCES: dict[str, str] = {
    "incident": "incident",  # the incident's own columns (not event_seq / head_hash)
    "incident_assignees": "incident",
    "incident_tags": "incident",
    "incident_affected_systems": "incident",
    "incident_members": "members",
    "exposure": "exposure",
    "rotationtask": "rotation",
    "checklistitem": "checklist",
    "checklistitem_depends_on": "checklist",
    "checkrun": "checklist",
    "stepnote": "checklist",  # shown under its step
    "riskassessment": "risk",
    "obligation": "obligation",
    "notice": "notice",
    "noticebatch": "notice",
    "note": "note",
    # Files, their links and four-eyes confirmations: shown beside what they back.
    "evidence": "evidence",
    "evidencelink": "evidence",
    "confirmation": "evidence",
}
SHARED_SOURCES: dict[str, str] = {
    "auth_user": "directory",
    "auth_group": "directory",
    "auth_user_groups": "directory",
    "datacategory": "catalogue",
    "breachvector": "catalogue",
    "tag": "catalogue",
    "system": "catalogue",
    "playbook": "catalogue",
    "playbookitem": "catalogue",
    "noticetemplate": "catalogue",
    "partner": "partners",
    "partnercontact": "partners",
    "credential": "credentials",
    "credential_tags": "credentials",
    "probesecret": "credentials",
}
INCIDENT_SOURCE_NAMES = tuple(dict.fromkeys(INCIDENT_SOURCES.values()))
SHARED_SOURCE_NAMES = tuple(dict.fromkeys(SHARED_SOURCES.values()))


class Revision(models.Model):
    """Written only by database triggers (migration 0019); read by the access gate."""

    incident_id = models.BigIntegerField()
    source = models.CharField(max_length=20)
    rev = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident_id", "source"], name="revision_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.source}@{self.incident_id}: {self.rev}"
