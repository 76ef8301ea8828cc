"""Seed the data-category catalogue and breach vectors; trigram index for search (PostgreSQL)."""

from django.db import migrations

# slug, name, personal data, GDPR special category, sensitivity tier (1-4), description
CATEGORIES = [
    ("internal-service-metadata", "Internal service metadata and content references", False, False, 2,
     "Metadata and references meant for service-to-service calls."),
    ("internal-architecture", "Internal architecture map", False, False, 3,
     "Service names, hosts and routes: a map for the next attacker."),
    ("viewing-history", "Behavioural data and viewing history", True, False, 3,
     "What people watched or did; re-identifiable when joined with public data."),
    ("advertiser-brand-safety", "Advertiser brand-safety configuration", False, False, 3,
     "Commercially sensitive partner configuration."),
    ("creator-analytics", "Creator analytics", True, False, 2, "Audience and revenue analytics of creators."),
    ("secrets-api-keys", "Secrets and API keys", False, False, 4,
     "API keys, service credentials, tokens: rotate them all."),
    ("financial-payment", "Financial and payment information", True, False, 4,
     "Card numbers, bank accounts, payment history."),
    ("contact-details", "Contact details", True, False, 2, "Names, email addresses, phone numbers, postal addresses."),
    ("government-ids", "Government identifiers", True, False, 4, "Passport, national ID, social security, tax numbers."),
    ("account-credentials", "Account credentials", True, False, 4, "Users' passwords, hashes, session tokens, MFA seeds."),
    ("health", "Health data", True, True, 4, "GDPR Art. 9 special category."),
    ("biometric", "Biometric data", True, True, 4, "GDPR Art. 9 special category when used to identify."),
    ("location", "Location data", True, False, 3, "Precise or historical location."),
    ("childrens-data", "Children's data", True, False, 4, "Any personal data of minors."),
    ("internal-technical-data", "Internal technical data", False, False, 2, "Logs, configs, source code without personal data."),
]
VECTORS = [
    ("misconfiguration-unauthenticated-api", "Misconfiguration / unauthenticated API"),
    ("stolen-credentials", "Stolen credentials"),
    ("phishing", "Phishing"),
    ("malware", "Malware / ransomware"),
    ("insider", "Insider"),
    ("third-party", "Third party / supplier"),
    ("other", "Other"),
]
TRIGRAM_INDEX = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
    "CREATE INDEX IF NOT EXISTS incident_search_trgm ON incidents_incident"
    " USING gin (search_text gin_trgm_ops);"
)
DROP_TRIGRAM_INDEX = "DROP INDEX IF EXISTS incident_search_trgm;"


def seed(apps, schema_editor):
    DataCategory = apps.get_model("incidents", "DataCategory")
    BreachVector = apps.get_model("incidents", "BreachVector")
    for slug, name, personal, special, tier, description in CATEGORIES:
        DataCategory.objects.get_or_create(slug=slug, defaults={
            "name": name, "personal_data": personal, "special_category": special,
            "sensitivity": tier, "description": description})
    for slug, name in VECTORS:
        BreachVector.objects.get_or_create(slug=slug, defaults={"name": name})


def unseed(apps, schema_editor):
    apps.get_model("incidents", "DataCategory").objects.filter(slug__in=[c[0] for c in CATEGORIES]).delete()
    apps.get_model("incidents", "BreachVector").objects.filter(slug__in=[v[0] for v in VECTORS]).delete()


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_triage_workspace")]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(on_postgresql(TRIGRAM_INDEX), on_postgresql(DROP_TRIGRAM_INDEX)),
    ]
