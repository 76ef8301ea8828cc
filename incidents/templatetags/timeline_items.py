from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from incidents.models import Event
from incidents.presentation import timeline_items as items

register = template.Library()


@register.simple_tag
def timeline_items(events: Iterable[Event]) -> SafeString:
    """Timeline <li>s (see incidents.timeline_items for why they are not a partial)."""
    return items.items_html(events)
