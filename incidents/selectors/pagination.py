"""Pagination that never counts a whole large table.

Counting 100,000 visible incidents costs more than rendering the page; people need "more
than a thousand", not the exact figure. Below the cap, counts and page totals are exact;
above it, pages go on for as long as there are rows ("Next" while one more row exists)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

COUNT_CAP = 200
MAX_PAGE = 100_000


class CappedPage(Page):
    def __init__(self, rows: list[Any], number: int, paginator: Paginator, *, more: bool) -> None:
        super().__init__(rows, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, counted: Any = None) -> None:
        """`counted`: the same rows without per-row extras (annotations, joins), cheaper
        to count; defaults to object_list."""
        super().__init__(object_list, per_page)
        self.counted = object_list if counted is None else counted

    @cached_property
    def count(self) -> int:
        """Exact up to COUNT_CAP; COUNT_CAP + 1 means 'more'. Unordered: which rows make
        up the first COUNT_CAP + 1 does not change how many there are."""
        return self.counted.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            value = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if not 1 <= value <= MAX_PAGE:
            raise EmptyPage("That page contains no results")
        return value

    def page(self, number: Any) -> Page:
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class KnownCount(CappedPaginator):
    """A paginator whose count was read in the same statement as its page
    (selectors/incident_list.py): exact up to COUNT_CAP, COUNT_CAP + 1 for "more"."""

    def __init__(self, count: int, per_page: int) -> None:
        super().__init__([], per_page)
        self.known = count

    @property
    def count(self) -> int:  # a value, not a cached query
        return self.known
