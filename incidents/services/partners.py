"""The partner directory: organisations and their contacts, one by one or from CSV."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from incidents.jurisdictions import unknown_codes
from incidents.models import Audience, Channel, Partner
from incidents.services import ServiceError
from incidents.services.csv_import import CsvShape, ImportReport, import_rows
from incidents.services.text_rules import clean_text

CSV_COLUMNS = (
    "organisation",
    "audience",
    "jurisdictions",
    "language",
    "channel",
    "contact_name",
    "contact_email",
    "contact_role",
)
REQUIRED = {"organisation", "audience"}
MAX_BYTES = 2 * 1024 * 1024


def add_partner_contact(
    *,
    organisation: str,
    audience: str,
    jurisdictions: list[str],
    language: str = "en",
    channel: str = Channel.EMAIL,
    contact_name: str = "",
    contact_email: str = "",
    contact_role: str = "",
) -> Partner:
    """Create the organisation if new, and add the contact if one is given."""
    organisation = clean_text("Organisation", organisation, 160, one_line=True)
    contact_name = clean_text("Contact name", contact_name, 120, one_line=True)
    contact_email = clean_text("Contact email", contact_email, 254, one_line=True)
    contact_role = clean_text("Contact role", contact_role, 120, one_line=True)
    if not organisation:
        raise ServiceError("The organisation's name is required.")
    if contact_email and not contact_name and len(contact_email) > 120:
        raise ServiceError(
            "Give the contact's name: the email address is too long to stand for it."
        )
    if audience not in Audience.values:
        raise ServiceError(
            f"Unknown audience {audience!r}; use one of {', '.join(Audience.values)}."
        )
    if len(jurisdictions) > 300:
        raise ServiceError("At most 300 jurisdictions.")
    if not language.replace("-", "").isalpha() or not 2 <= len(language) <= 10:
        raise ServiceError(f"{language!r} is not a language code (e.g. en, fr, pt-BR).")
    if channel not in Channel.values:
        raise ServiceError(f"Unknown channel {channel!r}; use one of {', '.join(Channel.values)}.")
    codes = sorted({c.strip().upper() for c in jurisdictions if c.strip()})
    if bad := unknown_codes([c for c in codes if c != "EU"]):
        raise ServiceError(f"Unknown jurisdiction code(s): {', '.join(bad)}.")
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            raise ServiceError(f"{contact_email!r} is not a valid email address.") from None
    if (
        channel == Channel.EMAIL
        and not contact_email
        and not Partner.objects.filter(name=organisation).exists()
    ):
        raise ServiceError(f"{organisation} is reached by email: give a contact email address.")
    with transaction.atomic():
        partner, _ = Partner.objects.get_or_create(
            name=organisation,
            defaults={
                "audience": audience,
                "jurisdictions": codes,
                "language": language or "en",
                "channel": channel,
            },
        )
        if contact_email and not partner.contacts.filter(email__iexact=contact_email).exists():
            partner.contacts.create(
                name=contact_name or contact_email, email=contact_email, role=contact_role
            )
    return partner


CSV_SHAPE = CsvShape(CSV_COLUMNS, frozenset(REQUIRED), MAX_BYTES)


def import_partners_csv(data: bytes) -> ImportReport:
    """Import partners and contacts, all or none, with a per-row report."""
    return import_rows(data, CSV_SHAPE, add_row)


def add_row(row: dict[str, str]) -> Partner:
    return add_partner_contact(
        organisation=row.get("organisation", ""),
        audience=row.get("audience", ""),
        jurisdictions=row.get("jurisdictions", "").replace(";", ",").split(","),
        language=row.get("language", "en"),
        channel=row.get("channel", "") or Channel.EMAIL,
        contact_name=row.get("contact_name", ""),
        contact_email=row.get("contact_email", ""),
        contact_role=row.get("contact_role", ""),
    )
