"""The earliest open duty's deadline on each incident, kept by the database: a trigger on
the duties' table sets it whenever a duty is added, removed, or its deadline or state
changes, by any route (a service, the admin, `.update()`, raw SQL), and the column is
filled in for incidents that already have duties. The list sorts by it (index)."""

from django.db import migrations, models

OPEN = "open"
NEXT = (
    "(SELECT MIN(o.deadline) FROM incidents_obligation o"
    f" WHERE o.incident_id = {{row}}.incident_id AND o.state = '{OPEN}'"
    " AND o.deadline IS NOT NULL)"
)

PG_CREATE = f"""
CREATE OR REPLACE FUNCTION incidents_next_duty() RETURNS trigger AS $$
DECLARE
    changed record;
BEGIN
    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
    -- Wait for the incident's row first: the UPDATE below then reads the duties as they
    -- are after any writer that held it (two writers that did not lock the incident
    -- would otherwise each compute the earliest deadline from a snapshot without the
    -- other's change).
    PERFORM 1 FROM incidents_incident WHERE id = changed.incident_id FOR UPDATE;
    UPDATE incidents_incident SET next_duty_at = {NEXT.format(row="changed")}
        WHERE id = changed.incident_id
        AND next_duty_at IS DISTINCT FROM {NEXT.format(row="changed")};
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER incidents_next_duty AFTER INSERT OR DELETE OR UPDATE OF deadline, state
    ON incidents_obligation FOR EACH ROW EXECUTE FUNCTION incidents_next_duty();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS incidents_next_duty ON incidents_obligation;
DROP FUNCTION IF EXISTS incidents_next_duty();
"""
SQLITE_EVENTS = (
    ("insert", "INSERT", "NEW"),
    ("update", "UPDATE OF deadline, state", "NEW"),
    ("delete", "DELETE", "OLD"),
)
BACKFILL = (
    "UPDATE incidents_incident SET next_duty_at = (SELECT MIN(o.deadline)"
    " FROM incidents_obligation o WHERE o.incident_id = incidents_incident.id"
    f" AND o.state = '{OPEN}' AND o.deadline IS NOT NULL)"
    " WHERE id IN (SELECT incident_id FROM incidents_obligation)"
)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_CREATE, params=None)
    elif vendor == "sqlite":
        for name, event, row in SQLITE_EVENTS:
            schema_editor.execute(
                f"CREATE TRIGGER incidents_next_duty_{name} AFTER {event}"
                f" ON incidents_obligation BEGIN UPDATE incidents_incident"
                f" SET next_duty_at = {NEXT.format(row=row)}"
                f" WHERE id = {row}.incident_id; END;",
                params=None,
            )
    schema_editor.execute(BACKFILL, params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)
    elif vendor == "sqlite":
        for name, _, _ in SQLITE_EVENTS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS incidents_next_duty_{name}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0035_duty_owner"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="next_duty_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(fields=["next_duty_at", "id"], name="incident_next_duty"),
        ),
        migrations.RunPython(create, drop),
    ]
