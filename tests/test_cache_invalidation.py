"""Which generations a change moves (incidents.cache_invalidation): its own incident's and
the list's for a row of one incident, everyone's for shared data, and no model forgotten."""

from __future__ import annotations

from django.apps import apps

from incidents import cache_invalidation, generations
from incidents.models import (
    EventOutbox,
    ImportJob,
    Notification,
    Partner,
    ReferenceCounter,
    Revision,
    RoleMfaPolicy,
    SecurityEvent,
    SecurityLogHead,
    UserProfile,
    UserSession,
)
from incidents.services.notes import add_note
from tests.factories import make_incident

# Not shown by any cached page: the relay's queue, the reference counter; notifications
# move only their user's unread generation.
NOT_ON_PAGES = {
    EventOutbox,
    ReferenceCounter,
    Revision,
    Notification,
    UserProfile,
    SecurityEvent,
    SecurityLogHead,
    UserSession,
    RoleMfaPolicy,
    ImportJob,
}


def _generations(*keys: str) -> list[int]:
    return [generations.current(key) for key in keys]


def test_every_model_of_the_app_moves_some_generation():
    classified = (
        set(cache_invalidation.PER_INCIDENT) | set(cache_invalidation.SHARED) | NOT_ON_PAGES
    )
    assert set(apps.get_app_config("incidents").get_models()) <= classified


def test_a_note_moves_its_incident_and_the_list_not_another_incident_nor_shared(cast):
    one = make_incident(by=cast.commander, title="One")
    two = make_incident(by=cast.commander, title="Two")
    keys = (generations.incident(one.reference), generations.LIST)
    others = (generations.incident(two.reference), generations.SHARED)
    before, others_before = _generations(*keys), _generations(*others)
    add_note(incident=one, body="only about one", by=cast.commander)
    assert all(a != b for a, b in zip(_generations(*keys), before, strict=True))
    assert _generations(*others) == others_before


def test_shared_data_moves_the_shared_and_list_generations(cast):
    before = _generations(generations.SHARED, generations.LIST, generations.VIEWER)
    Partner.objects.create(name="Payments Ltd", audience="payment_partner")
    after = _generations(generations.SHARED, generations.LIST, generations.VIEWER)
    assert after[0] != before[0] and after[1] != before[1] and after[2] == before[2]


def test_roles_move_the_viewer_generation(cast):
    from django.contrib.auth.models import Group

    before = generations.current(generations.VIEWER)
    cast.outsider.groups.add(Group.objects.get_or_create(name="auditor")[0])
    assert generations.current(generations.VIEWER) != before


def test_a_membership_cleared_from_the_user_side_forgets_every_page(cast):
    restricted = make_incident(by=cast.commander, title="R", restricted=True)
    restricted.members.add(cast.responder)
    before = generations.current(generations.SHARED)
    cast.responder.incident_memberships.clear()  # which incidents is not in the signal
    assert generations.current(generations.SHARED) != before


def test_a_notification_moves_only_its_user_s_unread_generation(cast):
    incident = make_incident(by=cast.commander, title="N")
    before = _generations(generations.unread(cast.commander.pk), generations.LIST)
    Notification.objects.create(user=cast.commander, incident=incident, text="due")
    after = _generations(generations.unread(cast.commander.pk), generations.LIST)
    assert after[0] != before[0] and after[1] == before[1]


def test_after_commit_a_counter_moves_once_more_per_transaction(
    db, django_capture_on_commit_callbacks
):
    from django.db import transaction

    key = "test-generation-after-commit"
    generations.bump(key)  # start the counter
    for _ in range(2):  # the second transaction must not find the first one's leftovers
        start = generations.current(key)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            generations.bump(key)
            generations.bump(key)
            assert generations.current(key) == start + 2
        assert generations.current(key) == start + 3


def test_signing_in_forgets_no_page(cast):
    from django.contrib.auth.models import update_last_login

    keys = (generations.LIST, generations.SHARED, generations.VIEWER)
    before = _generations(*keys)
    update_last_login(None, cast.responder)
    assert _generations(*keys) == before


def test_the_page_caches_are_refused_without_a_shared_cache(settings):
    from incidents.cache_check import page_caches_need_a_shared_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.INCIDENT_PAGE_CACHE, settings.INCIDENT_LIST_CACHE = True, False
    errors = page_caches_need_a_shared_cache()
    assert [e.id for e in errors] == ["incidents.E010"] and "REDIS_URL" in errors[0].msg
    settings.INCIDENT_PAGE_CACHE = False
    assert page_caches_need_a_shared_cache() == []
