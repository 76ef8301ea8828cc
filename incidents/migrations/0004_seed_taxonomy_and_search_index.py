"""Seed the data-category catalogue and breach vectors; trigram index for search (PostgreSQL)."""

from django.db import migrations

from incidents.migration_ops import on_postgresql
from incidents.seed import CATEGORIES, VECTORS, seed_taxonomy

TRIGRAM_INDEX = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
    "CREATE INDEX IF NOT EXISTS incident_search_trgm ON incidents_incident"
    " USING gin (search_text gin_trgm_ops);"
)
DROP_TRIGRAM_INDEX = "DROP INDEX IF EXISTS incident_search_trgm;"


def seed(apps, schema_editor):
    seed_taxonomy(apps.get_model("incidents", "DataCategory"), apps.get_model("incidents", "BreachVector"))


def unseed(apps, schema_editor):
    apps.get_model("incidents", "DataCategory").objects.filter(slug__in=[c[0] for c in CATEGORIES]).delete()
    apps.get_model("incidents", "BreachVector").objects.filter(slug__in=[v[0] for v in VECTORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_triage_workspace")]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(on_postgresql(TRIGRAM_INDEX), on_postgresql(DROP_TRIGRAM_INDEX)),
    ]
