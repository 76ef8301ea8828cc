"""The search text now also holds notes, evidence, systems and tags (services/
incident_fields.py), rewritten on each of those changes. No page shows it, so writing it
must not move the incident's revision (which would redraw every section keyed by it on
every note): the incident's UPDATE trigger no longer lists it. Frozen here, as in 0019."""

from django.db import migrations

SHOWN_COLUMNS = (
    "reference",
    "title",
    "summary",
    "severity",
    "status",
    "restricted",
    "commander_id",
    "breach_vector_id",
    "duplicate_of_id",
    "resolution",
    "data_role",
    "controller_id",
    "began_at",
    "detected_at",
    "aware_at",
    "contained_at",
    "eradicated_at",
    "recovered_at",
    "closed_at",
    "created_at",
    "updated_at",
)
SQLITE_NOW_US = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"


def _pg(columns):
    return (
        "DROP TRIGGER IF EXISTS incidents_revision ON incidents_incident; "
        "CREATE TRIGGER incidents_revision AFTER INSERT OR DELETE OR UPDATE OF "
        f"{', '.join(columns)} ON incidents_incident FOR EACH ROW "
        "EXECUTE FUNCTION incidents_bump_revision('incident', 'own');"
    )


def _sqlite(columns):
    return [
        "DROP TRIGGER IF EXISTS incidents_revision_incidents_incident_update",
        "CREATE TRIGGER incidents_revision_incidents_incident_update AFTER UPDATE OF "
        f"{', '.join(columns)} ON incidents_incident BEGIN "
        "INSERT INTO incidents_revision (incident_id, source, rev) "
        f"VALUES (NEW.id, 'incident', {SQLITE_NOW_US}) "
        "ON CONFLICT (incident_id, source) "
        "DO UPDATE SET rev = MAX(rev + 1, excluded.rev); END;",
    ]


def _set(columns):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(_pg(columns), params=None)
        elif vendor == "sqlite":
            for statement in _sqlite(columns):
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0027_rotated_identifiers"),
    ]

    operations = [
        migrations.RunPython(
            _set(SHOWN_COLUMNS), _set((*SHOWN_COLUMNS[:19], "search_text", *SHOWN_COLUMNS[19:]))
        ),
    ]
