from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from incidents.models import Incident
from incidents.presentation import list_rows

register = template.Library()


@register.simple_tag
def incident_rows(incidents: Iterable[Incident], oob: str = "") -> SafeString:
    """The list's rows (see incidents.list_rows for why they are not a partial)."""
    return list_rows.rows_html(incidents, oob)


@register.simple_tag
def incident_row(incident: Incident, oob: str = "") -> SafeString:
    return list_rows.rows_html([incident], oob)
