from incidents.models import Incident
from incidents.selectors.pagination import CappedPaginator


def test_small_sets_count_exactly(cast):
    from tests.factories import make_incident

    for n in range(3):
        make_incident(by=cast.commander, title=f"t{n}")
    paginator = CappedPaginator(Incident.objects.order_by("pk"), 2)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, False, 2)


def test_large_sets_stop_counting_at_the_cap_but_keep_paging(monkeypatch, cast):
    from incidents.selectors import pagination
    from tests.factories import make_incident

    monkeypatch.setattr(pagination, "COUNT_CAP", 4)
    for n in range(9):
        make_incident(by=cast.commander, title=f"t{n}")
    paginator = CappedPaginator(Incident.objects.order_by("pk"), 2)
    assert paginator.capped and paginator.count == 5
    third = paginator.get_page(4)
    assert third.number == 4 and third.has_next() and len(third.object_list) == 2
    last = paginator.get_page(5)
    assert not last.has_next() and len(last.object_list) == 1
    assert paginator.get_page("junk").number == 1
