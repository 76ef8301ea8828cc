"""Render a notice template against an incident: parse, check names, render, report claims."""

from __future__ import annotations

from dataclasses import dataclass

from incidents.models import Incident, Partner
from incidents.notices import context as notice_context
from incidents.notices.claims import CLAIMS
from incidents.notices.facts import gather
from incidents.notices.language import check_names, parse, render


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    claims: list[str]


def validate(subject: str, body: str) -> None:
    """Raise TemplateError (with the line) for anything that could not render for any incident."""
    known, claims = set(notice_context.CONTEXT_NAMES), set(CLAIMS)
    for source in (subject, body):
        check_names(parse(source), known, claims)


def render_notice(
    *,
    incident: Incident,
    subject: str,
    body: str,
    partner_name: str = "",
    partner: Partner | None = None,
) -> Rendered:
    """The notice as it would read now, for `partner` (whose jurisdictions scope what it is
    told); TemplateError if it cannot, or if a claim it states does not hold."""
    validate(subject, body)
    facts = gather(incident)
    values = notice_context.build(facts, partner_name, partner)

    def holds(key: str) -> bool:
        return CLAIMS[key].holds(facts)

    subject_text, subject_claims = render(parse(subject), values, holds)
    body_text, body_claims = render(parse(body), values, holds)
    return Rendered(subject_text.strip(), body_text, sorted(set(subject_claims + body_claims)))
