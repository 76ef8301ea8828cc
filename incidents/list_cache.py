"""The incident list's results (count, rows, pager) cached per viewer and query.

Rendering the results is most of the list page: the capped count, the page query with
its overdue checks, fifty rows. The fragment is cached under a key naming everything it
depends on, so nothing is ever deleted, only no longer asked for:

- the viewer (user id and roles: visibility of restricted incidents is per user),
- the query string (filters, sort, page; the pager links are built from it),
- the viewer's time zone (times are shown in it),
- a generation bumped whenever a row's data may have changed (see `_changed`),
- the current minute: "overdue" flags turn on as time passes, with no write to notice;
  they show at most a minute late (the deadline watch also appends an event then).

No CSRF token or other per-session secret is in the fragment.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from incidents import generations
from incidents.models import (
    BreachVector,
    ChecklistItem,
    CheckRun,
    Credential,
    DataCategory,
    Event,
    Exposure,
    Incident,
    Note,
    Notice,
    NoticeBatch,
    NoticeTemplate,
    Obligation,
    Partner,
    PartnerContact,
    Playbook,
    PlaybookItem,
    RiskAssessment,
    RotationTask,
    System,
    Tag,
)
from incidents.roles import roles_of

GENERATION_KEY = "incident-list-generation"
SECONDS = 60


def enabled() -> bool:
    return bool(settings.INCIDENT_LIST_CACHE)


def key_for(request: HttpRequest) -> str:
    user = request.user
    generation = generations.current(GENERATION_KEY)
    parts = (
        str(user.pk),
        ",".join(sorted(roles_of(user))),
        request.GET.urlencode(),
        timezone.get_current_timezone_name(),
        str(generation),
        str(int(time.time() // 60)),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"incident-list-results:{digest}"


def get(key: str) -> SafeString | None:
    html = cache.get(key) if enabled() else None
    return None if html is None else mark_safe(html)  # noqa: S308 - rendered by us, escaped


def put(key: str, html: str) -> None:
    if enabled():
        cache.set(key, html, SECONDS)


def filters(request: HttpRequest, render: Callable[[], str]) -> SafeString:
    """The filter form: it shows the query string and the people and categories to pick
    from, the same for every viewer; kept as long as those options are (30 s)."""
    from incidents.selectors import FILTER_CHOICES_SECONDS

    digest = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()
    key = f"incident-list-filters:{digest}"
    html = get(key)
    if html is None:
        html = mark_safe(render())  # noqa: S308 - a rendered template
        if enabled():
            cache.set(key, html, FILTER_CHOICES_SECONDS)
    return html


def _changed(*args: Any, **kwargs: Any) -> None:
    generations.bump(GENERATION_KEY)


# Every change to what a row shows, what the filters match or who may see it, and to the
# shared data an incident page offers (incidents.page_cache). Events cover the services
# (every change appends one); the rest covers admin, scripts and directory edits.
WATCHED = (
    Event,
    Incident,
    Exposure,
    RotationTask,
    ChecklistItem,
    User,
    Group,
    BreachVector,
    CheckRun,
    Credential,
    DataCategory,
    Note,
    Notice,
    NoticeBatch,
    NoticeTemplate,
    Obligation,
    Partner,
    PartnerContact,
    Playbook,
    PlaybookItem,
    RiskAssessment,
    System,
    Tag,
)
WATCHED_M2M = (
    Incident.members.through,
    Incident.assignees.through,
    Incident.tags.through,
    Incident.affected_systems.through,
    User.groups.through,
)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"list-cache-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"list-cache-d-{model.__name__}")
    for through in WATCHED_M2M:
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"list-cache-{through}")
