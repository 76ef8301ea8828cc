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
    ("lost-device", "Lost or stolen device"),
    ("misdirected", "Misdirected email or post"),
    ("other", "Other"),
]
# Vectors that are attacks: malicious intent in the ENISA circumstances (§3.1.3).
ATTACK_VECTORS = frozenset({"stolen-credentials", "phishing", "malware", "insider"})


# What the risk assessment and partner notices read of each category: its ENISA 2013
# Table 1 data type (credentials are no type of their own: ENISA §3.1.1 scores them by the
# data they open, so they stay unclassified), data about children, and whether partner
# notices must leave it out.
CATEGORY_ASSESSMENT: dict[str, tuple[str, bool, bool]] = {
    "internal-service-metadata": ("", False, True),
    "internal-architecture": ("", False, True),
    "viewing-history": ("behavioural", False, False),
    "advertiser-brand-safety": ("", False, False),
    "creator-analytics": ("financial", False, False),
    "secrets-api-keys": ("", False, True),
    "financial-payment": ("financial", False, False),
    "contact-details": ("simple", False, False),
    "government-ids": ("simple", False, False),
    "account-credentials": ("", False, False),
    "health": ("sensitive", False, False),
    "biometric": ("sensitive", False, False),
    "location": ("behavioural", False, False),
    "childrens-data": ("simple", True, False),
    "internal-technical-data": ("", False, True),
}


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
    if any(f.name == "enisa_data_type" for f in data_category._meta.get_fields()):
        seed_category_flags(data_category)
    for slug, name in VECTORS:
        breach_vector.objects.get_or_create(slug=slug, defaults={"name": name})


def seed_category_flags(data_category: Any) -> None:
    """Set the assessment flags of seeded categories still at their defaults."""
    for slug, (data_type, children, withheld) in CATEGORY_ASSESSMENT.items():
        data_category.objects.filter(
            slug=slug, enisa_data_type="", children=False, withheld_from_partners=False
        ).update(enisa_data_type=data_type, children=children, withheld_from_partners=withheld)


# Steps several playbooks share.
# key, title, role, due after hours, depends on, check kind, instructions
Step = tuple[str, str, str, int, list[str], str, str]
_ASSESS: Step = (
    "assess-risk",
    "Assess the risk to the people affected and decide on notifications",
    "incident_commander",
    48,
    ["open-and-assess"],
    "",
    "Record the assessment in the Risk section: the duties follow from it.",
)
_OPEN: Step = (
    "open-and-assess",
    "Open the incident, set severity, record when the team became aware",
    "incident_commander",
    1,
    [],
    "",
    "The *became aware* time starts the regulators' clocks: record it now, not later.",
)
_AUDIT: Step = (
    "export-audit",
    "Export and verify the audit trail",
    "auditor",
    336,
    [],
    "",
    "Download the audit export and check that verification says intact.",
)
# The SCENARIO's response as a playbook: key, title, role, due after (hours from becoming
# aware), depends on, check kind, instructions.
EXPOSED_API_PLAYBOOK = {
    "slug": "exposed-internal-api-endpoint",
    "name": "Exposed internal API endpoint",
    "description": "An internal service-to-service endpoint was reachable without authentication.",
    "steps": [
        _OPEN,
        (
            "rotate-credentials",
            "Rotate every API key and service credential in scope",
            "responder",
            24,
            ["open-and-assess"],
            "",
            "Start a rotation campaign for every credential the endpoint exposed; revoke the old ones.",
        ),
        (
            "rotation-complete",
            "Every rotation verified or exempted",
            "responder",
            48,
            ["rotate-credentials"],
            "rotation_campaign_complete",
            "Passes when each task is verified (old key refused) or exempted with a reason.",
        ),
        (
            "segment-network",
            "Tighten network segmentation around the critical databases",
            "responder",
            24,
            ["open-and-assess"],
            "",
            "Only the services that need them may reach the databases; record the rules changed.",
        ),
        (
            "rate-limit",
            "Deploy temporary rate limiting on the endpoint",
            "responder",
            6,
            ["open-and-assess"],
            "rate_limit_active",
            "Set the URL to probe; the check passes when a bounded burst sees a 429.",
        ),
        (
            "patch-endpoint",
            "Patch the endpoint to require authentication",
            "responder",
            24,
            ["rate-limit"],
            "endpoint_requires_auth",
            "Set the URL; the check passes when an unauthenticated call gets 401 or 403.",
        ),
        (
            "tell-partners",
            "Tell advertisers, creators and payment partners",
            "communications",
            48,
            ["open-and-assess"],
            "",
            "Services stay up; no payment information was compromised; say whether brand-safety settings were exposed.",
        ),
        (
            "assess-risk",
            "Assess the risk to users and decide on GDPR / CCPA notifications",
            "incident_commander",
            60,
            ["open-and-assess"],
            "",
            "Viewing histories can de-anonymise people when cross-referenced: document the assessment.",
        ),
        (
            "review-similar",
            "Review similar endpoints for the same flaw",
            "responder",
            168,
            ["patch-endpoint"],
            "",
            "List the endpoints reviewed and what was found.",
        ),
        _AUDIT,
    ],
}


# More responses as playbooks, each offered first for its breach vector (PLAYBOOK_FOR_VECTOR).
# Due times are the team's own targets in hours from becoming aware, not legal deadlines:
# those come from the duty rules (incidents/regulation/rules/).
RESPONSE_PLAYBOOKS: list[dict[str, Any]] = [
    {
        "slug": "credential-leak",
        "name": "Leaked or stolen credentials",
        "description": "Passwords, keys or tokens were exposed or used by someone else.",
        "vector": "stolen-credentials",
        "steps": [
            _OPEN,
            (
                "scope-credentials",
                "List every credential exposed and what each one opens",
                "responder",
                4,
                ["open-and-assess"],
                "",
                "Add them to the credential inventory: the rotation campaign starts from it.",
            ),
            (
                "rotate-credentials",
                "Rotate every exposed credential and revoke the old ones",
                "responder",
                24,
                ["scope-credentials"],
                "",
                "Start a rotation campaign; probe each old key until it is refused.",
            ),
            (
                "rotation-complete",
                "Every rotation verified or exempted",
                "responder",
                48,
                ["rotate-credentials"],
                "rotation_campaign_complete",
                "Passes when each task is verified (old key refused) or exempted with a reason.",
            ),
            (
                "review-use",
                "Review the access logs for use of the leaked credentials",
                "responder",
                48,
                ["scope-credentials"],
                "",
                "Note what was reached with them: it decides which data categories are exposed.",
            ),
            _ASSESS,
            _AUDIT,
        ],
    },
    {
        "slug": "ransomware",
        "name": "Ransomware or destructive malware",
        "description": "Systems were encrypted or damaged by malware; data may have been taken.",
        "vector": "malware",
        "steps": [
            _OPEN,
            (
                "isolate-hosts",
                "Isolate the affected hosts from the network",
                "responder",
                1,
                [],
                "",
                "Disconnect, do not power off: memory holds evidence.",
            ),
            (
                "preserve-evidence",
                "Preserve evidence: disk and memory images, logs, the ransom note",
                "responder",
                4,
                ["isolate-hosts"],
                "",
                "Record who took each image and where it is kept.",
            ),
            (
                "check-exfiltration",
                "Find out whether data was taken before the encryption",
                "responder",
                24,
                ["preserve-evidence"],
                "",
                "Outbound traffic, staging folders, the attackers' leak site: it changes the risk.",
            ),
            (
                "restore-backups",
                "Restore from backups known to be clean",
                "responder",
                72,
                ["isolate-hosts"],
                "",
                "Record how long the data was unavailable: the risk assessment asks for it.",
            ),
            _ASSESS,
            _AUDIT,
        ],
    },
    {
        "slug": "misdirected-communication",
        "name": "Misdirected email or post",
        "description": "Personal data was sent to the wrong person.",
        "vector": "misdirected",
        "steps": [
            _OPEN,
            (
                "ask-recipient",
                "Ask the recipient to delete it and not to share it",
                "communications",
                2,
                [],
                "",
                "By phone first, then in writing.",
            ),
            (
                "deletion-confirmed",
                "Get the recipient's written confirmation that it was deleted",
                "communications",
                24,
                ["ask-recipient"],
                "",
                "Keep the confirmation: it is evidence for the risk assessment.",
            ),
            (
                "what-was-sent",
                "Record exactly what personal data was sent, about whom",
                "responder",
                4,
                ["open-and-assess"],
                "",
                "One exposure per data category, with the people per jurisdiction.",
            ),
            _ASSESS,
            (
                "fix-cause",
                "Fix what made it go to the wrong address",
                "responder",
                168,
                ["what-was-sent"],
                "",
                "Address autocompletion, a mail merge, a shared mailbox: say what changed.",
            ),
        ],
    },
    {
        "slug": "lost-device",
        "name": "Lost or stolen device",
        "description": "A laptop, phone or storage medium holding personal data went missing.",
        "vector": "lost-device",
        "steps": [
            _OPEN,
            (
                "lock-device",
                "Lock or wipe the device remotely",
                "responder",
                1,
                [],
                "",
                "Record whether the wipe was confirmed by the device.",
            ),
            (
                "encryption-status",
                "Establish whether the device's storage was encrypted, and its key safe",
                "responder",
                4,
                ["open-and-assess"],
                "",
                "Record it on each exposure as its protection: it changes the duties.",
            ),
            (
                "revoke-access",
                "Revoke the device's sessions, certificates and stored credentials",
                "responder",
                4,
                ["open-and-assess"],
                "",
                "",
            ),
            (
                "police-report",
                "If stolen, report it to the police and keep the reference",
                "incident_commander",
                48,
                [],
                "",
                "",
            ),
            _ASSESS,
        ],
    },
]
# Which playbook a breach vector suggests first.
PLAYBOOK_FOR_VECTOR = {
    "misconfiguration-unauthenticated-api": "exposed-internal-api-endpoint",
    **{spec["vector"]: spec["slug"] for spec in RESPONSE_PLAYBOOKS},
}


def seed_playbooks(playbook_model: Any, item_model: Any, spec: dict | None = None) -> None:
    """Create version 1 of a playbook (the SCENARIO's by default) if it is missing."""
    spec = spec or EXPOSED_API_PLAYBOOK
    playbook, created = playbook_model.objects.get_or_create(
        slug=spec["slug"],
        version=1,
        defaults={"name": spec["name"], "description": spec["description"]},
    )
    if not created:
        return
    for position, (key, title, role, hours, deps, check, text) in enumerate(spec["steps"]):
        item_model.objects.create(
            playbook=playbook,
            key=key,
            position=position,
            title=title,
            role=role,
            due_after_hours=hours,
            depends_on=deps,
            check_kind=check,
            instructions=text,
        )


# Notice templates for the SCENARIO's audiences, in the notice language (notices/language.py).
REGULATOR_ART33 = """To: {{ partner_name }}
Notification of a personal data breach under Article 33 GDPR — {{ reference }}

1. Nature of the breach
{{ title }}. {% if nature %}Cause: {{ nature }}. {% endif %}The breach was detected on {{ detected_at | datetime }}{% if aware_at %} and we became aware of it on {{ aware_at | datetime }}{% endif %}.

Categories of personal data and records concerned (approximate):
Confirmed:
{{ confirmed_categories }}
Suspected:
{{ suspected_categories }}
Ruled out:
{{ ruled_out_categories }}

Approximate number of data subjects concerned: {{ people_affected }}.
Approximate number of personal data records concerned: {{ personal_records_affected }}.

2. Contact point
{{ contact_name }}, {{ contact_email }}

3. Likely consequences
Viewing histories can identify people when combined with public data sets; we assess the risk to them as part of this notification.

4. Measures taken or proposed
{{ measures_taken }}

This notification may be completed in phases as our investigation continues (Art. 33(4)).
"""

CALIFORNIA_LETTER = """NOTICE OF DATA BREACH — {{ reference }}

What Happened
{{ title }}. We discovered it on {{ detected_at | date }}.

What Information Was Involved
{{ confirmed_categories }}
{{ suspected_categories }}
{% claim payment_not_compromised %}No payment information was compromised.{% endclaim %}

What We Are Doing
{{ measures_taken }}

What You Can Do
Be wary of messages that reference your viewing activity, and review your account settings.

For More Information
Contact {{ contact_name }} at {{ contact_email }}.
"""

PARTNER_UPDATE = """Dear {{ partner_name }},

We are writing about an incident on our platform ({{ reference }}): {{ title }}.

User-facing services remain operational.
{% claim payment_not_compromised %}No payment information was compromised.{% endclaim %}

Data involved, as we know it today:
{{ confirmed_categories }}
{{ suspected_categories }}

What we have done so far:
{{ measures_taken }}

Your contact for questions: {{ contact_name }}, {{ contact_email }}.
"""

ADVERTISER_UPDATE = PARTNER_UPDATE.replace(
    "User-facing services remain operational.",
    "User-facing services remain operational. We will tell you as soon as we know whether "
    "brand-safety settings were exposed.",
)

NOTICE_TEMPLATES = [
    (
        "Regulator notification (GDPR Art. 33)",
        "authority",
        "{{ reference }}: personal data breach notification",
        REGULATOR_ART33,
    ),
    (
        "US resident letter (California headings)",
        "customers",
        "Notice of data breach",
        CALIFORNIA_LETTER,
    ),
    (
        "Payment partner update",
        "payment_partner",
        "{{ reference }}: incident update",
        PARTNER_UPDATE,
    ),
    ("Creator update", "creator", "{{ reference }}: incident update", PARTNER_UPDATE),
    (
        "Advertiser update",
        "advertiser",
        "{{ reference }}: incident update for advertisers",
        ADVERTISER_UPDATE,
    ),
]


def seed_notice_templates(template_model: Any) -> None:
    for name, audience, subject, body in NOTICE_TEMPLATES:
        template_model.objects.get_or_create(
            name=name, version=1, defaults={"audience": audience, "subject": subject, "body": body}
        )


# Version 2 of the seeded templates: a regulator hears about the people its duty covers and
# the personal data only; partners never about secrets or the internal architecture.
REGULATOR_ART33_V2 = """To: {{ partner_name }}
Notification of a personal data breach (GDPR / UK GDPR Article 33) — {{ reference }}

This notification concerns the people in: {{ recipient_jurisdictions }}.

1. Nature of the breach
{{ title }}. {% if nature %}Cause: {{ nature }}. {% endif %}The breach was detected on {{ detected_at | datetime }}{% if aware_at %} and we became aware of it on {{ aware_at | datetime }}{% endif %}.

Categories of personal data concerned (approximate), with the people concerned in {{ recipient_jurisdictions }}:
{{ personal_categories }}

Approximate number of data subjects concerned: {{ people_in_scope }}.
Approximate number of personal data records concerned (all jurisdictions): {{ personal_records_affected }}.

2. Contact point
{{ contact_name }}, {{ contact_email }}

3. Likely consequences
Viewing histories can identify people when combined with public data sets; we assess the risk to them as part of this notification.

4. Measures taken or proposed
{{ measures_taken }}

This notification may be completed in phases as our investigation continues (Art. 33(4)).
"""

PARTNER_UPDATE_V2 = """Dear {{ partner_name }},

We are writing about an incident on our platform ({{ reference }}): {{ title }}.

User-facing services remain operational.
{% claim payment_not_compromised %}No payment information was compromised.{% endclaim %}

Data involved, as we know it today:
{{ partner_categories }}

What we have done so far:
{{ measures_taken }}

Your contact for questions: {{ contact_name }}, {{ contact_email }}.
"""

ADVERTISER_UPDATE_V2 = PARTNER_UPDATE_V2.replace(
    "User-facing services remain operational.",
    "User-facing services remain operational. We will tell you as soon as we know whether "
    "brand-safety settings were exposed.",
)

# name -> (the seeded version 1 body it replaces, version 2 body)
NOTICE_TEMPLATE_UPDATES = {
    "Regulator notification (GDPR Art. 33)": (REGULATOR_ART33, REGULATOR_ART33_V2),
    "Payment partner update": (PARTNER_UPDATE, PARTNER_UPDATE_V2),
    "Creator update": (PARTNER_UPDATE, PARTNER_UPDATE_V2),
    "Advertiser update": (ADVERTISER_UPDATE, ADVERTISER_UPDATE_V2),
}


def seed_notice_template_updates(template_model: Any) -> None:
    """Add version 2 of a seeded template whose latest version is still the seeded one;
    a template an admin has edited since is theirs, and left alone."""
    for name, (old_body, new_body) in NOTICE_TEMPLATE_UPDATES.items():
        latest = template_model.objects.filter(name=name).order_by("-version").first()
        if latest is None or latest.body != old_body:
            continue
        template_model.objects.create(
            name=name,
            audience=latest.audience,
            version=latest.version + 1,
            subject=latest.subject,
            body=new_body,
        )
