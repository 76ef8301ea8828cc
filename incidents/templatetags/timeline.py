from django import template
from django.utils import timezone
from django.utils.html import format_html

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
    local = timezone.localtime(moment)  # type: ignore[arg-type]
    return format_html(
        '<time datetime="{}" title="{} UTC">{}</time>',
        moment.isoformat(),  # type: ignore[attr-defined]
        moment.strftime("%Y-%m-%d %H:%M:%S"),  # type: ignore[attr-defined]
        local.strftime("%Y-%m-%d %H:%M %Z"),
    )
