"""Secret references for rotation probes, counted under the shared "credentials" revision
(a trigger, as incidents/migrations/0019_revisions.py made them) so the rotation section
drawn with the list of references is drawn again when one is registered or retired."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


TABLE = "incidents_probesecret"
SQLITE_NOW_US = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER incidents_revision AFTER INSERT OR DELETE OR UPDATE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION incidents_bump_revision('credentials', 'shared');",
            params=None,
        )
    elif vendor == "sqlite":
        for event in ("INSERT", "UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER incidents_revision_{TABLE}_{event.lower()} AFTER {event} "
                f"ON {TABLE} BEGIN "
                "INSERT INTO incidents_revision (incident_id, source, rev) "
                f"VALUES (0, 'credentials', {SQLITE_NOW_US}) "
                "ON CONFLICT (incident_id, source) "
                "DO UPDATE SET rev = MAX(rev + 1, excluded.rev); END;",
                params=None,
            )


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS incidents_revision ON {TABLE};", params=None)
    elif vendor == "sqlite":
        for event in ("insert", "update", "delete"):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS incidents_revision_{TABLE}_{event}", params=None
            )


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0025_check_run_summary'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ProbeSecret',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('description', models.CharField(blank=True, max_length=200)),
                ('registered_at', models.DateTimeField(auto_now_add=True)),
                ('retired_at', models.DateTimeField(blank=True, null=True)),
                ('registered_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
