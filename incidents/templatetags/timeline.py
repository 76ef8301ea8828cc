from datetime import UTC, datetime, tzinfo
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from incidents.models import Event
from incidents.presentation.timefmt import in_zone, stamp
from incidents.presentation.timeline_words import describe as describe_event

register = template.Library()


@register.filter
def describe(event: Event) -> str:
    return describe_event(event)


@register.simple_tag
def zone_name() -> str:
    """The zone times are shown and typed in (frames render without a request)."""
    return timezone.get_current_timezone_name()


@register.simple_tag
def when(moment: object) -> str:
    """A <time> with UTC in the machine-readable attribute and the user's zone on screen."""
    if moment is None:
        return ""
    return time_html(moment, timezone.get_current_timezone())  # type: ignore[arg-type]


def time_html(moment: datetime, zone: tzinfo) -> SafeString:
    """`when` with the zone looked up once by the caller (lists render hundreds). A time
    that cannot be shown in `zone` (outside years 1-9999 there) is shown in UTC."""
    utc = moment.astimezone(UTC)
    local = in_zone(moment, zone) or utc
    html = (
        f'<time datetime="{escape(utc.isoformat())}" '
        f'title="{stamp(utc)} UTC">'
        f"{escape(stamp(local))} {escape(local.tzname() or '')}</time>"
    )
    return mark_safe(html)  # noqa: S308 - the only inputs are escaped dates
