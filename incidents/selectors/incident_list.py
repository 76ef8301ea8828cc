"""The incident list: which incidents a person may see and that match their filters, one
page of rows and how many match (exact up to COUNT_CAP), in one statement.

Written as SQL rather than through the ORM: the list is the page asked most, and building
and compiling its two ORM queries (with their subqueries) cost more than PostgreSQL took to
answer them. The statement is assembled from fixed fragments; every value the person
gave is a parameter (the f-strings below put in only table names from the models and
those fragments). The same conditions answer the live list (`rows_among`,
`matching_among`), so the page and its live frames never disagree on who sees what."""

# ruff: noqa: S608 - table names from the models and fixed fragments; values are parameters
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Page
from django.db import connection
from django.utils.dateparse import parse_datetime

from incidents.access import Ability, may
from incidents.models import (
    CLOSED_STATES,
    ITEM_FINISHED,
    ROTATION_DONE,
    ChecklistItem,
    Exposure,
    ExposureStatus,
    Incident,
    RotationTask,
    Tag,
)
from incidents.selectors.pagination import COUNT_CAP, MAX_PAGE, CappedPage, KnownCount

LIST_PAGE = 50
MAX_SEARCH_WORDS = 8

INCIDENT = Incident._meta.db_table
MEMBERS = Incident.members.through._meta.db_table
ASSIGNEES = Incident.assignees.through._meta.db_table
TAGGED = Incident.tags.through._meta.db_table
TAG = Tag._meta.db_table
EXPOSURE = Exposure._meta.db_table
ROTATION = RotationTask._meta.db_table
STEP = ChecklistItem._meta.db_table
USER = User._meta.db_table

# Sort name (IncidentFilterForm) -> ORDER BY over the alias `i`; each ends on a unique
# column, so pages never overlap.
ORDER_BY = {
    "-created": "i.created_at DESC, i.id DESC",
    "created": "i.created_at ASC, i.id ASC",
    "severity": "i.severity ASC, i.created_at DESC, i.id DESC",
    "status": "i.status ASC, i.created_at DESC, i.id DESC",
    "reference": "i.reference ASC",
    "-updated": "i.updated_at DESC, i.id DESC",
    # Incidents with no open duty with a deadline come after every one that has one.
    "deadline": "i.next_duty_at ASC NULLS LAST, i.id ASC",
}


@dataclass(frozen=True, slots=True)
class ListRow:
    """What one row of the incident list shows, as plain values."""

    pk: int
    reference: str
    title: str
    severity: str
    status: str
    restricted: bool
    created_at: datetime
    commander: str | None
    rotation_due_at: datetime | None  # the earliest due time of unfinished work:
    step_due_at: datetime | None  # a row says "overdue" once the clock passes it
    next_duty_at: datetime | None  # the earliest open notification duty's deadline


def _in(values: Any) -> tuple[str, list[Any]]:
    """`IN (%s, …)` for a non-empty list (portable: SQLite has no arrays)."""
    values = list(values)
    return "(" + ", ".join(["%s"] * len(values)) + ")", values


def _conditions(user: Any, filters: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """WHERE conditions over the alias `i`: what the user may see (access.visible_incidents
    says the same through the ORM), then each filter given."""
    where: list[str] = []
    params: list[Any] = []
    if not may(user, Ability.SEE_ALL_INCIDENTS):
        where.append(
            f"(NOT i.restricted OR EXISTS (SELECT 1 FROM {MEMBERS} m"
            " WHERE m.incident_id = i.id AND m.user_id = %s))"
        )
        params.append(user.pk)
    for word in (filters.get("q") or "").lower().split()[:MAX_SEARCH_WORDS]:
        where.append("i.search_text LIKE %s ESCAPE '\\'")
        params.append(f"%{connection.ops.prep_for_like_query(word)}%")
    for column in ("status", "severity"):
        if filters.get(column):
            listed, values = _in(filters[column])
            where.append(f"i.{column} IN {listed}")
            params += values
    if filters.get("state") in ("open", "closed"):
        listed, values = _in(CLOSED_STATES)
        where.append(f"{'NOT ' if filters['state'] == 'open' else ''}i.status IN {listed}")
        params += values
    if filters.get("commander"):
        where.append("i.commander_id = %s")
        params.append(filters["commander"].pk)
    if filters.get("assignee"):
        where.append(f"i.id IN (SELECT a.incident_id FROM {ASSIGNEES} a WHERE a.user_id = %s)")
        params.append(filters["assignee"].pk)
    if filters.get("category"):
        # Correlated EXISTS: probed per incident along the sort order, which stops at the
        # page's end; IN let the planner scan every exposure of the category first.
        where.append(
            f"EXISTS (SELECT 1 FROM {EXPOSURE} e WHERE e.incident_id = i.id"
            " AND e.category_id = %s AND e.status <> %s)"
        )
        params += [filters["category"].pk, ExposureStatus.RULED_OUT.value]
    if filters.get("tag"):
        where.append(
            f"i.id IN (SELECT it.incident_id FROM {TAGGED} it"
            f" JOIN {TAG} t ON t.id = it.tag_id WHERE t.name = %s)"
        )
        params.append(filters["tag"])
    if filters.get("mine"):
        where.append(
            "(i.commander_id = %s OR i.id IN"
            f" (SELECT a.incident_id FROM {ASSIGNEES} a WHERE a.user_id = %s))"
        )
        params += [user.pk, user.pk]
    return where, params


def _row_columns() -> tuple[str, list[Any]]:
    """The ListRow columns over `i` joined to the commander `u`."""
    rotation_done, rotation_params = _in(ROTATION_DONE)
    finished, finished_params = _in(ITEM_FINISHED)
    sql = (
        "i.id, i.reference, i.title, i.severity, i.status, i.restricted, i.created_at,"
        " u.username,"
        f" (SELECT MIN(r.due_at) FROM {ROTATION} r WHERE r.incident_id = i.id"
        f"  AND r.due_at IS NOT NULL AND r.state NOT IN {rotation_done}),"
        f" (SELECT MIN(s.due_at) FROM {STEP} s WHERE s.incident_id = i.id"
        f"  AND s.due_at IS NOT NULL AND s.state NOT IN {finished}),"
        " i.next_duty_at"
    )
    return sql, rotation_params + finished_params


def _when(value: Any) -> datetime | None:
    """A timestamp as the database gave it (SQLite: text) -> aware datetime (UTC)."""
    if value is None:
        return None
    parsed: datetime | None = parse_datetime(value) if isinstance(value, str) else value
    if parsed is None:
        raise ValueError(f"not a timestamp: {value!r}")
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _row(values: Any) -> ListRow:
    pk, reference, title, severity, status, restricted, created, commander, rot, step, duty = values
    return ListRow(
        pk,
        reference,
        title,
        severity,
        status,
        bool(restricted),
        _when(created),  # type: ignore[arg-type]  # never null
        commander,
        _when(rot),
        _when(step),
        _when(duty),
    )


def _page_statement(
    where: list[str], order: str, cap: int, first: int, last: int
) -> tuple[str, list[Any]]:
    """Rows numbered first..last of the matching ones (at most `cap` of them, in order),
    with how many matched up to `cap` on every row (one row of NULLs if none is on it)."""
    columns, column_params = _row_columns()
    sql = (
        "WITH matching AS MATERIALIZED ("
        "  SELECT i.id, i.created_at, i.updated_at, i.severity, i.status, i.reference,"
        " i.next_duty_at"
        f"  FROM {INCIDENT} i WHERE {' AND '.join(where) or 'TRUE'}"
        f"  ORDER BY {order} LIMIT %s),"
        f" numbered AS (SELECT i.id, ROW_NUMBER() OVER (ORDER BY {order}) AS n FROM matching i)"
        f" SELECT c.matched, {columns}"
        " FROM (SELECT COUNT(*) AS matched FROM matching) c"
        " LEFT JOIN numbered p ON p.n >= %s AND p.n <= %s"
        f" LEFT JOIN {INCIDENT} i ON i.id = p.id"
        f" LEFT JOIN {USER} u ON u.id = i.commander_id"
        " ORDER BY p.n"
    )
    return sql, [cap, *column_params, first, last]


def incident_list_page(user: Any, filters: dict[str, Any], page_number: Any = 1) -> Page:
    """The page asked for (a bad number is page 1; past the end, the last page)."""
    if not may(user, Ability.USE):
        return CappedPage([], 1, KnownCount(0, LIST_PAGE), more=False)
    where, params = _conditions(user, filters)
    order = ORDER_BY.get(filters.get("sort") or "-created", ORDER_BY["-created"])
    try:
        number = int(page_number)
    except (TypeError, ValueError):
        number = 1
    if not 1 <= number <= MAX_PAGE:
        number = 1
    matched, rows = _read_page(where, params, order, number)
    if not rows and number > 1:  # past the end: `matched` is then the exact total
        number = max(1, math.ceil(matched / LIST_PAGE))
        matched, rows = _read_page(where, params, order, number)
    offset = (number - 1) * LIST_PAGE
    paginator = KnownCount(min(matched, COUNT_CAP + 1), LIST_PAGE)
    return CappedPage(rows, number, paginator, more=matched > offset + LIST_PAGE)


def _read_page(
    where: list[str], params: list[Any], order: str, number: int
) -> tuple[int, list[ListRow]]:
    offset = (number - 1) * LIST_PAGE
    # Enough rows to count to the cap and to know whether a page follows this one.
    cap = max(COUNT_CAP + 1, offset + LIST_PAGE + 1)
    sql, page_params = _page_statement(where, order, cap, offset + 1, offset + LIST_PAGE)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *page_params])  # the WHERE's values sit first
        fetched = cursor.fetchall()
    matched = int(fetched[0][0]) if fetched else 0
    return matched, [_row(values[1:]) for values in fetched if values[1] is not None]


def rows_among(user: Any, incident_ids: list[int]) -> list[ListRow]:
    """The rows of these incidents the user may see (the live list's changed rows)."""
    if not incident_ids or not may(user, Ability.USE):
        return []
    where, params = _conditions(user, {})
    listed, ids = _in(incident_ids)
    columns, column_params = _row_columns()
    sql = (
        f"SELECT {columns} FROM {INCIDENT} i LEFT JOIN {USER} u ON u.id = i.commander_id"
        f" WHERE {' AND '.join([*where, f'i.id IN {listed}'])}"
        f" ORDER BY {ORDER_BY['-created']}"  # newest first, as new rows go on top
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*column_params, *params, *ids])
        return [_row(values) for values in cursor.fetchall()]


def matching_among(user: Any, filters: dict[str, Any], incident_ids: list[int]) -> set[int]:
    """Which of these incidents the user may see and match the filters."""
    if not incident_ids or not may(user, Ability.USE):
        return set()
    where, params = _conditions(user, filters)
    listed, ids = _in(incident_ids)
    sql = f"SELECT i.id FROM {INCIDENT} i WHERE {' AND '.join([*where, f'i.id IN {listed}'])}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids])
        return {pk for (pk,) in cursor.fetchall()}
