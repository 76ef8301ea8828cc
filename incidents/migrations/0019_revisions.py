"""Revisions kept by the database: a trigger on every table a page shows (see
incidents/models/revision.py)."""

from django.db import migrations, models


# Frozen here (not imported from the models) so this migration stays what it was when it
# landed. A later change to what is counted is a new migration.
INCIDENT_TABLES = {
    # table: (source, how the incident is found)
    "incidents_incident": ("incident", "own"),
    "incidents_incident_assignees": ("incident", "fk"),
    "incidents_incident_tags": ("incident", "fk"),
    "incidents_incident_affected_systems": ("incident", "fk"),
    "incidents_incident_members": ("members", "fk"),
    "incidents_exposure": ("exposure", "fk"),
    "incidents_rotationtask": ("rotation", "fk"),
    "incidents_checklistitem": ("checklist", "fk"),
    "incidents_checklistitem_depends_on": ("checklist", "dep"),
    "incidents_checkrun": ("checklist", "fk"),
    "incidents_riskassessment": ("risk", "fk"),
    "incidents_obligation": ("obligation", "fk"),
    "incidents_notice": ("notice", "fk"),
    "incidents_noticebatch": ("notice", "fk"),
    "incidents_note": ("note", "fk"),
}
SHARED_TABLES = {
    "auth_user": "directory",
    "auth_group": "directory",
    "auth_user_groups": "directory",
    "incidents_datacategory": "catalogue",
    "incidents_breachvector": "catalogue",
    "incidents_tag": "catalogue",
    "incidents_system": "catalogue",
    "incidents_playbook": "catalogue",
    "incidents_playbookitem": "catalogue",
    "incidents_noticetemplate": "catalogue",
    "incidents_partner": "partners",
    "incidents_partnercontact": "partners",
    "incidents_credential": "credentials",
    "incidents_credential_tags": "credentials",
}
# An UPDATE moves a revision only when it sets a column a page shows: appending an event
# sets only the incident's chain head, and a sign-in only the user's last_login.
UPDATE_COLUMNS = {
    "incidents_incident": (
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
        "search_text",
        "created_at",
        "updated_at",
    ),
    "auth_user": (
        "is_superuser",
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
    ),
}


def _all_tables():
    yield from ((t, s, how) for t, (s, how) in INCIDENT_TABLES.items())
    yield from ((t, s, "shared") for t, s in SHARED_TABLES.items())


# PostgreSQL: one function; each table's trigger names its source and how to find the
# incident. Revisions are microseconds of the clock, or one more than before if that is
# later: never a value a restored or emptied database handed out before.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION incidents_bump_revision() RETURNS trigger AS $$
DECLARE
    changed record;
    target bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
    IF TG_ARGV[1] = 'own' THEN
        target := changed.id;
    ELSIF TG_ARGV[1] = 'fk' THEN
        target := changed.incident_id;
    ELSIF TG_ARGV[1] = 'dep' THEN
        SELECT incident_id INTO target FROM incidents_checklistitem
            WHERE id = changed.from_checklistitem_id;
    ELSE
        target := 0;
    END IF;
    INSERT INTO incidents_revision (incident_id, source, rev)
        VALUES (COALESCE(target, 0), TG_ARGV[0],
                (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
        ON CONFLICT (incident_id, source)
        DO UPDATE SET rev = GREATEST(incidents_revision.rev + 1, EXCLUDED.rev);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _pg_create() -> str:
    parts = [PG_FUNCTION]
    for table, source, how in _all_tables():
        columns = UPDATE_COLUMNS.get(table)
        update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
        parts.append(
            f"CREATE TRIGGER incidents_revision AFTER INSERT OR DELETE OR {update} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION incidents_bump_revision('{source}', '{how}');"
        )
    return "\n".join(parts)


def _pg_drop() -> str:
    parts = [f"DROP TRIGGER IF EXISTS incidents_revision ON {t};" for t, _, _ in _all_tables()]
    parts.append("DROP FUNCTION IF EXISTS incidents_bump_revision();")
    return "\n".join(parts)


SQLITE_NOW_US = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"


def _sqlite_target(how: str, row: str) -> str:
    if how == "own":
        return f"{row}.id"
    if how == "fk":
        return f"COALESCE({row}.incident_id, 0)"
    if how == "dep":
        return (
            "COALESCE((SELECT incident_id FROM incidents_checklistitem "
            f"WHERE id = {row}.from_checklistitem_id), 0)"
        )
    return "0"


def _sqlite_statements() -> list[str]:
    statements = []
    for table, source, how in _all_tables():
        columns = UPDATE_COLUMNS.get(table)
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            when = f"UPDATE OF {', '.join(columns)}" if event == "UPDATE" and columns else event
            statements.append(
                f"CREATE TRIGGER incidents_revision_{table}_{event.lower()} AFTER {when} "
                f"ON {table} BEGIN "
                "INSERT INTO incidents_revision (incident_id, source, rev) "
                f"VALUES ({_sqlite_target(how, row)}, '{source}', {SQLITE_NOW_US}) "
                "ON CONFLICT (incident_id, source) "
                "DO UPDATE SET rev = MAX(rev + 1, excluded.rev); END;"
            )
    return statements


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_pg_create(), params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in _sqlite_statements():
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_pg_drop(), params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for table, _, _ in _all_tables():
            for event in ("insert", "update", "delete"):
                schema_editor.execute(
                    f"DROP TRIGGER IF EXISTS incidents_revision_{table}_{event}", params=None
                )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0018_import_jobs"),
    ]

    operations = [
        migrations.CreateModel(
            name="Revision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("incident_id", models.BigIntegerField()),
                ("source", models.CharField(max_length=20)),
                ("rev", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("incident_id", "source"), name="revision_per_source"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
