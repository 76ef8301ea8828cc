"""The incident list's one statement (incidents/selectors/incident_list.py): who sees
what, the count up to its cap, pages that never overlap, search text taken literally."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.selectors import incident_list, pagination
from incidents.selectors.incident_list import incident_list_page, matching_among, rows_among
from tests.factories import make_incident


def _refs(page) -> list[str]:
    return [row.reference for row in page.object_list]


def test_a_page_and_its_count_are_one_statement(cast):
    for n in range(3):
        make_incident(by=cast.commander, title=f"t{n}")
    incident_list_page(cast.responder, {})  # the roles, read once per user
    with CaptureQueriesContext(connection) as queries:
        page = incident_list_page(cast.responder, {})
    assert len(queries.captured_queries) == 1
    assert page.paginator.count == 3 and not page.paginator.capped and len(page.object_list) == 3


def test_the_count_stops_at_its_cap_and_the_pages_go_on(monkeypatch, cast):
    monkeypatch.setattr(pagination, "COUNT_CAP", 4)
    monkeypatch.setattr(incident_list, "COUNT_CAP", 4)
    monkeypatch.setattr(incident_list, "LIST_PAGE", 2)
    made = [make_incident(by=cast.commander, title=f"t{n}").reference for n in range(9)]
    newest_first = list(reversed(made))
    first = incident_list_page(cast.responder, {})
    assert first.paginator.capped and first.paginator.count == 5 and first.has_next()
    pages = [incident_list_page(cast.responder, {}, n) for n in range(1, 6)]
    assert [ref for page in pages for ref in _refs(page)] == newest_first  # no overlap, no gap
    assert pages[3].has_next() and not pages[4].has_next()
    assert incident_list_page(cast.responder, {}, 99).number == 5  # past the end: the last
    assert incident_list_page(cast.responder, {}, "junk").number == 1
    assert incident_list_page(cast.responder, {}, 0).number == 1


def test_small_counts_are_exact_with_page_totals(monkeypatch, cast):
    monkeypatch.setattr(incident_list, "LIST_PAGE", 2)
    for n in range(3):
        make_incident(by=cast.commander, title=f"t{n}")
    page = incident_list_page(cast.responder, {}, 2)
    assert (page.paginator.count, page.paginator.num_pages, page.number) == (3, 2, 2)
    assert len(page.object_list) == 1 and page.has_previous() and not page.has_next()


def test_a_restricted_incident_is_listed_only_for_its_members(cast, restricted):
    public = make_incident(by=cast.commander, title="Public")
    for outsider_view in (
        _refs(incident_list_page(cast.outsider, {})),
        [row.reference for row in rows_among(cast.outsider, [restricted.pk, public.pk])],
    ):
        assert outsider_view == [public.reference]
    assert matching_among(cast.outsider, {}, [restricted.pk, public.pk]) == {public.pk}
    assert set(_refs(incident_list_page(cast.responder, {}))) == {
        restricted.reference,
        public.reference,
    }
    assert matching_among(cast.responder, {}, [restricted.pk, public.pk]) == {
        restricted.pk,
        public.pk,
    }


@pytest.mark.parametrize(("query", "expected"), [("100%", {"100% uptime"}), ("a_b", {"a_b"})])
def test_search_wildcards_are_taken_literally(cast, query, expected):
    for title in ("100% uptime", "1000 uptime", "a_b", "axb"):
        make_incident(by=cast.commander, title=title)
    shown = {row.title for row in incident_list_page(cast.responder, {"q": query}).object_list}
    assert shown == expected


def test_every_sort_pages_without_overlap(monkeypatch, cast):
    monkeypatch.setattr(incident_list, "LIST_PAGE", 2)
    for n, severity in enumerate(["sev2", "sev1", "sev3", "sev1", "sev2"]):
        make_incident(by=cast.commander, title=f"t{n}", severity=severity)
    for sort in incident_list.ORDER_BY:
        pages = [incident_list_page(cast.responder, {"sort": sort}, n) for n in (1, 2, 3)]
        listed = [ref for page in pages for ref in _refs(page)]
        assert len(listed) == len(set(listed)) == 5, sort
    by_severity = incident_list_page(cast.responder, {"sort": "severity"}, 1)
    assert [row.severity for row in by_severity.object_list] == ["sev1", "sev1"]


def test_nobody_without_a_role_sees_any_row(cast, incident):
    from django.contrib.auth.models import User

    nobody = User.objects.create_user("nobody")
    assert incident_list_page(nobody, {}).object_list == []
    assert rows_among(nobody, [incident.pk]) == []
