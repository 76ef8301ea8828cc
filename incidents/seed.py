"""Seed reference data: the data-category catalogue and the breach-vector taxonomy.

Used by migration 0004 (with historical models) and by anything that must find it present
(the demo loader, tests that flush the database)."""

from __future__ import annotations

from typing import Any

# slug, name, personal data, GDPR special category, sensitivity tier (1-4), description
CATEGORIES = [
    (
        "internal-service-metadata",
        "Internal service metadata and content references",
        False,
        False,
        2,
        "Metadata and references meant for service-to-service calls.",
    ),
    (
        "internal-architecture",
        "Internal architecture map",
        False,
        False,
        3,
        "Service names, hosts and routes: a map for the next attacker.",
    ),
    (
        "viewing-history",
        "Behavioural data and viewing history",
        True,
        False,
        3,
        "What people watched or did; re-identifiable when joined with public data.",
    ),
    (
        "advertiser-brand-safety",
        "Advertiser brand-safety configuration",
        False,
        False,
        3,
        "Commercially sensitive partner configuration.",
    ),
    (
        "creator-analytics",
        "Creator analytics",
        True,
        False,
        2,
        "Audience and revenue analytics of creators.",
    ),
    (
        "secrets-api-keys",
        "Secrets and API keys",
        False,
        False,
        4,
        "API keys, service credentials, tokens: rotate them all.",
    ),
    (
        "financial-payment",
        "Financial and payment information",
        True,
        False,
        4,
        "Card numbers, bank accounts, payment history.",
    ),
    (
        "contact-details",
        "Contact details",
        True,
        False,
        2,
        "Names, email addresses, phone numbers, postal addresses.",
    ),
    (
        "government-ids",
        "Government identifiers",
        True,
        False,
        4,
        "Passport, national ID, social security, tax numbers.",
    ),
    (
        "account-credentials",
        "Account credentials",
        True,
        False,
        4,
        "Users' passwords, hashes, session tokens, MFA seeds.",
    ),
    ("health", "Health data", True, True, 4, "GDPR Art. 9 special category."),
    (
        "biometric",
        "Biometric data",
        True,
        True,
        4,
        "GDPR Art. 9 special category when used to identify.",
    ),
    ("location", "Location data", True, False, 3, "Precise or historical location."),
    ("childrens-data", "Children's data", True, False, 4, "Any personal data of minors."),
    (
        "internal-technical-data",
        "Internal technical data",
        False,
        False,
        2,
        "Logs, configs, source code without personal data.",
    ),
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


def seed_taxonomy(data_category: Any, breach_vector: Any) -> None:
    """Create missing entries; never overwrites what an admin edited."""
    for slug, name, personal, special, tier, description in CATEGORIES:
        data_category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "personal_data": personal,
                "special_category": special,
                "sensitivity": tier,
                "description": description,
            },
        )
    for slug, name in VECTORS:
        breach_vector.objects.get_or_create(slug=slug, defaults={"name": name})
