"""Shared bits of the htmx-aware views."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

UNPROCESSABLE = 422
CONFLICT = 409


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
