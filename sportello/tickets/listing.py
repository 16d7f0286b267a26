"""Reading the ticket list: filters, sorts and keyset pagination (R7).

Pages are cut with a keyset ("the rows after this one in this order") rather than an
OFFSET, so the hundredth page costs what the first does; each sort has an index that
starts with the company. No exact count is taken over the whole set.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.core import signing
from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.utils import timezone

from .models import Status

# The columns of each sort, most significant first, and whether the order is descending;
# the primary key breaks ties so that every row has one place.
SORTS = {
    "created": (("created_at", "id"), True),
    "last_reply": (("last_reply_at", "id"), True),
    "priority": (("priority", "created_at", "id"), True),
    # The desk's "waiting longest": only tickets awaiting the vendor, oldest first.
    "waiting": (("awaiting_vendor_since", "id"), False),
}
_CURSOR_SALT = "sportello.tickets.list"


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None


def filter_tickets(queryset, filters: dict):
    """Applies the list's search filters (already validated by ListFilterForm)."""
    if filters.get("number"):
        queryset = queryset.filter(pk=filters["number"])
    if filters.get("state") == "open":
        queryset = queryset.exclude(status=Status.CLOSED)
    elif filters.get("state") == "closed":
        queryset = queryset.filter(status=Status.CLOSED)
    if filters.get("priority"):
        queryset = queryset.filter(priority=filters["priority"])
    if filters.get("request_type"):
        queryset = queryset.filter(request_type=filters["request_type"])
    if filters.get("created_from"):
        queryset = queryset.filter(created_at__gte=_day_start(filters["created_from"]))
    if filters.get("created_to"):
        queryset = queryset.filter(created_at__lt=_day_start(filters["created_to"]) + timezone.timedelta(days=1))
    return queryset


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def paginate(queryset, sort: str, cursor: str | None, per_page: int) -> Page:
    """One page of `queryset` in `sort` order, after (or, for "previous", before) `cursor`."""
    columns, descending = SORTS.get(sort, SORTS["created"])
    if sort == "waiting":
        queryset = queryset.filter(awaiting_vendor_since__isnull=False)
    keys = Tuple(*(F(column) for column in columns))
    direction, boundary = _read_cursor(cursor, len(columns))
    forward = [F(column).desc() if descending else F(column).asc() for column in columns]
    backward = [F(column).asc() if descending else F(column).desc() for column in columns]
    after, before = (TupleLessThan, TupleGreaterThan) if descending else (TupleGreaterThan, TupleLessThan)

    if direction == "before":
        rows = list(queryset.filter(before(keys, boundary)).order_by(*backward)[: per_page + 1])
        has_more_before = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        has_more_after = True
    else:
        if boundary is not None:
            queryset = queryset.filter(after(keys, boundary))
        rows = list(queryset.order_by(*forward)[: per_page + 1])
        has_more_after = len(rows) > per_page
        rows = rows[:per_page]
        has_more_before = boundary is not None

    return Page(
        rows=rows,
        next_cursor=_make_cursor("after", rows[-1], columns) if rows and has_more_after else None,
        previous_cursor=_make_cursor("before", rows[0], columns) if rows and has_more_before else None,
    )


def _make_cursor(direction: str, row, columns) -> str:
    values = [getattr(row, column) for column in columns]
    return signing.dumps(
        [direction, [v.isoformat() if isinstance(v, datetime) else v for v in values]], salt=_CURSOR_SALT
    )


def _read_cursor(cursor: str | None, width: int):
    """The direction and the boundary values of a cursor; a missing, forged or stale
    cursor means the first page."""
    if not cursor:
        return "after", None
    try:
        direction, values = signing.loads(cursor, salt=_CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return "after", None
    if direction not in ("after", "before") or not isinstance(values, list) or len(values) != width:
        return "after", None
    return direction, tuple(datetime.fromisoformat(v) if isinstance(v, str) else v for v in values)
