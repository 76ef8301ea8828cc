"""Role groups, and the database refusing UPDATE/DELETE on the event log (PostgreSQL)."""

from django.db import migrations

from incidents.migration_ops import on_postgresql

ROLES = ("admin", "incident_commander", "responder", "communications", "auditor")

CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION incidents_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'incidents_event is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER incidents_event_append_only
    BEFORE UPDATE OR DELETE ON incidents_event
    FOR EACH ROW EXECUTE FUNCTION incidents_event_append_only();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS incidents_event_append_only ON incidents_event;
DROP FUNCTION IF EXISTS incidents_event_append_only();
"""


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("incidents", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(on_postgresql(CREATE_TRIGGER), on_postgresql(DROP_TRIGGER)),
    ]
