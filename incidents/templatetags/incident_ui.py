"""Presentation helpers for incident pages: facts, ranges, durations, Markdown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from incidents.jurisdictions import label as jurisdiction_label
from incidents.jurisdictions import picker_options
from incidents.models import KEY_TIMES, Event
from incidents.presentation.markdown import render_markdown
from incidents.presentation.timefmt import countdown_words, since_words
from incidents.rendering.clock import note_flip
from incidents.roles import ROLE_LABELS
from incidents.selectors.incidents import TIMELINE_KINDS
from incidents.services.times import TIME_LABELS
from incidents.templatetags.timeline import when

register = template.Library()

FACT_LABELS = {
    "chat_webhook": "Chat channel",
    "title": "Title",
    "summary": "Summary",
    "severity": "Severity",
    "commander": "Commander",
    "assignees": "Assignees",
    "breach_vector": "Breach vector",
    "data_role": "Our role for this data",
    "controller": "Controller to tell (as processor)",
    "affected_systems": "Affected systems",
    "tags": "Tags",
    **TIME_LABELS,
}
EMPTY = format_html('<span class="empty">{}</span>', "not set")


@register.simple_tag
def fact_label(name: str) -> str:
    return FACT_LABELS.get(name, name)


@register.simple_tag
def fact_value(incident: Any, name: str) -> SafeString | str:
    value = getattr(incident, name)
    if name == "detected_at" and value and incident.detected_assumed:
        assumed = (
            "assumed: the time it became aware"
            if incident.aware_at == value
            else "assumed: when the incident was opened"
        )
        return format_html(
            '{} <small class="muted">{}</small>',
            when(value),
            f"{assumed}; edit it if detection came earlier",
        )
    if name in KEY_TIMES:
        return when(value) if value else EMPTY
    if name == "chat_webhook":
        if not value:
            return format_html('<span class="muted">{}</span>', "none: nothing is posted to chat")
        return format_html(
            "{} <small>{}</small>",
            value,
            "(status changes, duties and notices are posted there; a post that fails is "
            "said on the timeline)",
        )
    if name == "summary":
        return render_markdown(value) if value else EMPTY
    if name == "data_role":
        if not value:
            return format_html(
                '<span class="warn">{}</span>', "not recorded: duties assume controller"
            )
        return incident.get_data_role_display()
    if name == "severity":
        return format_html(
            '<span class="sev sev-{}">{}</span> <small>{}</small>',
            value,
            incident.get_severity_display(),
            incident.severity_meaning,
        )
    if name in ("assignees", "tags", "affected_systems"):
        items = [str(item) for item in value.all()]
        if not items:
            return EMPTY
        return format_html_join(" ", '<span class="chip">{}</span>', ((item,) for item in items))
    if value in (None, ""):
        return EMPTY
    return str(value)


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def count_range(pair: Any) -> str:
    """(low, high) or two values as '1,000–5,000', one number when equal, '—' when unknown."""
    low, high = pair if pair else (None, None)
    if low is None:
        return "—"
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


@register.simple_tag
def exposure_range(exposure: Any, what: str) -> str:
    return count_range((getattr(exposure, f"{what}_low"), getattr(exposure, f"{what}_high")))


@register.filter
def jurisdiction_names(codes: list[str]) -> str:
    return ", ".join(f"{jurisdiction_label(code)}" for code in codes) or "—"


@register.filter
def event_kind(event: Event) -> str:
    for kind, prefixes in TIMELINE_KINDS.items():
        if event.verb.startswith(prefixes):
            return kind
    return "other"


@register.simple_tag
def countdown(moment: datetime) -> SafeString:
    """'in 2 d 3 h' or 'overdue by 5 h 10 min', as a moment the browser ticks
    (static/app.js); the words drawn here are what a page without JavaScript shows."""
    now = timezone.now()
    note_flip(moment)  # "in …" becomes "overdue by …"
    return _ticking("data-countdown", moment, now, countdown_words(moment, now))


@register.simple_tag
def since(moment: datetime | None) -> SafeString | str:
    """'3 h 12 min ago' style, for 'time since aware', ticked by the browser too."""
    if moment is None:
        return ""
    now = timezone.now()
    return _ticking("data-since", moment, now, since_words(moment, now))


def _ticking(kind: str, moment: datetime, now: datetime, words: str) -> SafeString:
    as_of = f"as of {timezone.localtime(now):%Y-%m-%d %H:%M %Z}"
    return format_html(
        '<time datetime="{}" {} title="{}">{}</time>',
        moment.astimezone(dt.UTC).isoformat(),
        kind,
        as_of,
        words,
    )


@register.filter
def split(text: str) -> list[str]:
    """'a b c' -> ['a', 'b', 'c']: a list written in a template."""
    return text.split()


@register.filter
def entry(mapping: Any, key: Any) -> Any:
    """`mapping[key]`, or None: what a section keeps by id (e.g. each exposure's backing)."""
    return mapping.get(key) if mapping else None


@register.filter
def field(form: Any, name: str) -> Any:
    """The bound field `name` of `form`."""
    return form[name]


@register.simple_tag
def jurisdiction_options() -> list[tuple[str, str]]:
    return picker_options()


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    people: int | None  # None: the split is not known


@register.filter
def places(exposure: Any) -> list[Place]:
    counts = exposure.people_by_jurisdiction or {}
    return [Place(c, jurisdiction_label(c), counts.get(c)) for c in exposure.jurisdictions]


EFFECT_WORDS = {
    "confidentiality": "disclosed",
    "availability": "unavailable",
    "integrity": "altered",
}


@register.filter
def effect_words(exposure: Any) -> list[str]:
    return [word for effect, word in EFFECT_WORDS.items() if effect in exposure.effects]


@register.filter
def intcomma_plain(number: int) -> str:
    return f"{number:,}"


@register.simple_tag
def risk_formula(suggestion: Any) -> str:
    """The formula of a suggestion, every term shown."""
    from incidents.regulation.severity import formula

    return formula(
        suggestion.dpc,
        suggestion.ei,
        suggestion.confidentiality,
        suggestion.integrity,
        suggestion.availability,
        suggestion.malicious,
    )


@register.filter
def role_label(role: str) -> str:
    """A role's name as people say it, never its slug."""
    return str(ROLE_LABELS.get(role, role))
