"""Revisions are kept by the database: any write to what a page shows moves one, whoever
makes it (a service, `.update()`, raw SQL), and nothing else does."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

from incidents.models import DataCategory, Exposure, Incident, Partner, Revision
from incidents.models.revision import INCIDENT_SOURCES, SHARED, SHARED_SOURCES
from incidents.services.exposures import record_exposure
from incidents.services.notes import add_note

pytestmark = pytest.mark.django_db

# Rows with an incident that no shared rendering shows: the chain (its version is the
# incident's event_seq and head hash), the relay's outbox, and each person's own
# notifications.
# Read per request by pages of their own (never a shared rendering): the event log, its
# outbox, a person's notifications, and the evidence files (views/evidence.py).
NOT_COUNTED = {
    "incidents_event",
    "incidents_eventoutbox",
    "incidents_notification",
    "incidents_casebundle",  # shown on its own page, read fresh while it is built
}


def rev(incident_id: int, source: str) -> int:
    found = Revision.objects.filter(incident_id=incident_id, source=source).first()
    return found.rev if found else 0


def test_a_change_through_update_or_raw_sql_moves_its_revision(cast, incident):
    before = rev(incident.pk, "incident")
    Incident.objects.filter(pk=incident.pk).update(title="Renamed quietly")
    after_update = rev(incident.pk, "incident")
    assert after_update > before
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE incidents_incident SET summary = %s WHERE id = %s", ["raw", incident.pk]
        )
    assert rev(incident.pk, "incident") > after_update


def test_a_child_row_moves_its_own_source_only(cast, incident):
    record_exposure(
        incident=incident,
        category=DataCategory.objects.get(slug="contact-details"),
        status="suspected",
        by=cast.commander,
    )
    exposure, notes = rev(incident.pk, "exposure"), rev(incident.pk, "note")
    Exposure.objects.filter(incident=incident).update(evidence="moved by a script")
    assert rev(incident.pk, "exposure") > exposure and rev(incident.pk, "note") == notes


def test_appending_an_event_moves_no_revision(cast, incident):
    before = dict(Revision.objects.filter(incident_id=incident.pk).values_list("source", "rev"))
    with connection.cursor() as cursor:  # what append_event writes on the incident row
        cursor.execute(
            "UPDATE incidents_incident SET event_seq = event_seq + 1 WHERE id = %s", [incident.pk]
        )
    after = dict(Revision.objects.filter(incident_id=incident.pk).values_list("source", "rev"))
    assert after == before


def test_a_note_moves_the_notes_revision(cast, incident):
    before = rev(incident.pk, "note")
    add_note(incident=incident, body="Looked at the gateway logs.", by=cast.responder)
    assert rev(incident.pk, "note") > before


def test_shared_data_is_counted_under_incident_zero_and_sign_ins_are_not(cast):
    partners = rev(SHARED, "partners")
    Partner.objects.create(name="AdCo", audience="advertiser")
    assert rev(SHARED, "partners") > partners
    directory = rev(SHARED, "directory")
    cast.responder.save(update_fields=["last_login"])  # what a sign-in writes
    assert rev(SHARED, "directory") == directory
    cast.responder.groups.clear()
    assert rev(SHARED, "directory") > directory


def test_membership_moves_the_members_revision(cast, restricted):
    before = rev(restricted.pk, "members")
    restricted.members.add(cast.comms)
    assert rev(restricted.pk, "members") > before


def test_every_table_a_page_shows_has_its_trigger_and_nothing_is_forgotten():
    """Each incident-owned table is counted or named here as not shown; the incident's
    UPDATE trigger lists every column a page shows."""
    prefix = "incidents_"
    counted = {
        (name if name.startswith("auth_") else prefix + name)
        for name in (*INCIDENT_SOURCES, *SHARED_SOURCES)
    }
    owned = {
        model._meta.db_table
        for model in apps.get_app_config("incidents").get_models(include_auto_created=True)
        if any(f.is_relation and f.name == "incident" for f in model._meta.concrete_fields)
    }
    assert owned - counted - NOT_COUNTED == set()
    definitions = _trigger_definitions()
    assert {table for table, _ in definitions} >= counted
    incident_update = " ".join(sql for table, sql in definitions if table == "incidents_incident")
    # Not on the incident page: the chain head, the search text (rewritten on every note),
    # and the next duty deadline (list rows are keyed by their values, not revisions).
    unshown = {"id", "event_seq", "head_hash", "search_text", "next_duty_at"}
    columns = {f.column for f in Incident._meta.concrete_fields} - unshown
    missing = {c for c in columns if c not in incident_update}
    assert missing == set(), f"add to the incident's revision trigger: {missing}"
    assert "search_text" not in incident_update


def test_a_note_moves_the_notes_revision_only_though_it_is_searched(cast, incident):
    from incidents.models import Revision
    from incidents.services.notes import add_note

    def rev(source: str) -> int:
        found = Revision.objects.filter(incident_id=incident.pk, source=source).first()
        return found.rev if found else 0

    before = rev("incident"), rev("note")
    add_note(incident=incident, body="searchable words", by=cast.commander)
    assert rev("incident") == before[0] and rev("note") > before[1]
    assert "searchable words" in Incident.objects.get(pk=incident.pk).search_text


def _trigger_definitions() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = 'incidents_revision'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'incidents_revision_%'"
            )
        return list(cursor.fetchall())
