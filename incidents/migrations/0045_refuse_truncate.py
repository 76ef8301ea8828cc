"""TRUNCATE refused on the event log, the security log and the checkpoints (a statement-level
trigger: the row-level ones of 0002, 0016 and 0043 never see a TRUNCATE), whoever runs it.
A test database says so in its own setting (tests/conftest.py), so the test runner may
still empty its tables between tests; no production database carries that setting, and a
role may set it for itself only where TRUNCATE is granted to it, which the application's
role never is (manage.py grant_app_role)."""

from django.db import migrations

from incidents.migration_ops import on_postgresql

TABLES = (
    "incidents_event",
    "incidents_securityevent",
    "incidents_auditcheckpoint",
    "incidents_checkpointhead",
)

CREATE = """
CREATE OR REPLACE FUNCTION incidents_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('breachroom.test_database', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS incidents_checkpoint_no_truncate ON incidents_auditcheckpoint;
DROP TRIGGER IF EXISTS incidents_checkpointhead_no_truncate ON incidents_checkpointhead;
""" + "".join(
    f"CREATE TRIGGER incidents_no_truncate BEFORE TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION incidents_refuse_truncate();\n"
    for table in TABLES
)

DROP = "".join(f"DROP TRIGGER IF EXISTS incidents_no_truncate ON {table};\n" for table in TABLES) + """
CREATE TRIGGER incidents_checkpoint_no_truncate
    BEFORE TRUNCATE ON incidents_auditcheckpoint
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_checkpoint_append_only();
CREATE TRIGGER incidents_checkpointhead_no_truncate
    BEFORE TRUNCATE ON incidents_checkpointhead
    FOR EACH STATEMENT EXECUTE FUNCTION incidents_checkpoint_append_only();
DROP FUNCTION IF EXISTS incidents_refuse_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("incidents", "0044_audit_verifications")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
