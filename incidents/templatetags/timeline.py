from datetime import datetime, tzinfo
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from incidents.models import Event
from incidents.timeline import describe as describe_event

register = template.Library()


@register.filter
def describe(event: Event) -> str:
    return describe_event(event)


@register.simple_tag
def when(moment: object) -> str:
    """A <time> with UTC in the machine-readable attribute and the user's zone on screen."""
    if moment is None:
        return ""
    return time_html(moment, timezone.get_current_timezone())  # type: ignore[arg-type]


def time_html(moment: datetime, zone: tzinfo) -> SafeString:
    """`when` with the zone looked up once by the caller (lists render hundreds)."""
    local = moment.astimezone(zone)
    html = (
        f'<time datetime="{escape(moment.isoformat())}" '
        f'title="{moment.strftime("%Y-%m-%d %H:%M:%S")} UTC">'
        f"{escape(local.strftime('%Y-%m-%d %H:%M %Z'))}</time>"
    )
    return mark_safe(html)  # noqa: S308 - the only inputs are escaped dates
