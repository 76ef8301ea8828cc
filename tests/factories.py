"""Test data: users per role and incidents, made through the services like real data."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import Group, User

from incidents.models import Incident, Severity
from incidents.services.incidents import open_incident

_numbers = itertools.count(1)


def make_user(role: str | None, username: str | None = None) -> User:
    name = username or f"{role or 'norole'}{next(_numbers)}"
    user = User.objects.create_user(name, password=None)
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_incident(
    *,
    by: User,
    title: str = "Exposed internal API",
    restricted: bool = False,
    severity: str = Severity.SEV2,
) -> Incident:
    return open_incident(title=title, by=by, severity=severity, restricted=restricted)
