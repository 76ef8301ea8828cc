"""The partner directory: organisations and their contacts, one by one or from CSV."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from incidents.jurisdictions import unknown_codes
from incidents.models import Audience, Channel, Partner, PartnerContact
from incidents.services import ServiceError, security_log
from incidents.services.csv_import import CsvShape, ImportReport, import_rows
from incidents.services.retirement import retire_once
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


# Who is told about a breach is security-relevant (a wrong address sends breach details to
# a stranger): every change to the directory is on the security log, with what it was.


def _partner_facts(partner: Partner) -> dict[str, object]:
    return {
        "name": partner.name,
        "audience": partner.audience,
        "jurisdictions": list(partner.jurisdictions),
        "language": partner.language,
        "channel": partner.channel,
    }


def edit_partner(
    *,
    partner: Partner,
    name: str,
    audience: str,
    jurisdictions: list[str],
    language: str,
    channel: str,
    by: object,
    request: object = None,
) -> Partner:
    name = clean_text("Organisation", name, 160, one_line=True)
    if not name:
        raise ServiceError("The organisation's name is required.")
    if audience not in Audience.values:
        raise ServiceError(f"Unknown audience {audience!r}.")
    if channel not in Channel.values:
        raise ServiceError(f"Unknown channel {channel!r}.")
    if not language.replace("-", "").isalpha() or not 2 <= len(language) <= 10:
        raise ServiceError(f"{language!r} is not a language code (e.g. en, fr, pt-BR).")
    codes = sorted({c.strip().upper() for c in jurisdictions if c.strip()})
    if bad := unknown_codes([c for c in codes if c != "EU"]):
        raise ServiceError(f"Unknown jurisdiction code(s): {', '.join(bad)}.")
    if Partner.objects.filter(name=name).exclude(pk=partner.pk).exists():
        raise ServiceError(f"{name} is already in the directory.")
    with transaction.atomic():
        locked = Partner.objects.select_for_update().get(pk=partner.pk)
        before = _partner_facts(locked)
        locked.name, locked.audience, locked.jurisdictions = name, audience, codes
        locked.language, locked.channel = language, channel
        after = _partner_facts(locked)
        if after != before:
            locked.save()
            changed = {k: v for k, v in after.items() if before[k] != v}
            security_log.record(
                "partner.changed",
                actor=by,
                request=request,
                details={
                    "partner": locked.pk,
                    "was": {k: before[k] for k in changed},
                    "now": changed,
                },
            )
    return locked


def retire_partner(*, partner: Partner, by: object, request: object = None) -> Partner:
    """Offered for no new notice; its notices and history stay."""
    retire_once(
        Partner.objects.filter(pk=partner.pk),
        "partner.retired",
        by=by,
        request=request,
        details={"partner": partner.pk, "name": partner.name},
    )
    partner.refresh_from_db()
    return partner


def edit_contact(
    *,
    contact: PartnerContact,
    name: str,
    email: str,
    role: str,
    by: object,
    request: object = None,
) -> PartnerContact:
    name = clean_text("Contact name", name, 120, one_line=True)
    email = clean_text("Contact email", email, 254, one_line=True)
    role = clean_text("Contact role", role, 120, one_line=True)
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(f"{email!r} is not a valid email address.") from None
    with transaction.atomic():
        locked = PartnerContact.objects.select_for_update().get(pk=contact.pk)
        before = {"name": locked.name, "email": locked.email, "role": locked.role}
        after = {"name": name or email, "email": email, "role": role}
        if after != before:
            locked.name, locked.email, locked.role = after["name"], email, role
            locked.save()
            security_log.record(
                "partner_contact.changed",
                actor=by,
                request=request,
                details={
                    "partner": locked.partner_id,
                    "contact": locked.pk,
                    "was": before,
                    "now": after,
                },
            )
    return locked


def retire_contact(*, contact: PartnerContact, by: object, request: object = None) -> None:
    """No longer sent to; kept, with the notices already sent to it."""
    retire_once(
        PartnerContact.objects.filter(pk=contact.pk),
        "partner_contact.retired",
        by=by,
        request=request,
        details={"partner": contact.partner_id, "contact": contact.pk, "email": contact.email},
    )


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
