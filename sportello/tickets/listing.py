"""Reading the ticket list: filters, sorts and keyset pagination (R7).

Pages are cut with a keyset (`sportello.lib.keyset`) rather than an OFFSET, so the
hundredth page costs what the first does; each sort has an index that starts with the
company. No exact count is taken over the whole set.
"""

from datetime import datetime, time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from sportello.lib import keyset

from . import search

# What a row of the list shows (and its cursor needs): 25 tickets and their people are
# built on every view, and the full rows are three times as many fields.
PERSON_FIELDS = ["first_name", "last_name", "email", "is_operator"]
LIST_FIELDS = [
    "id", "tenant_id", "title", "summary", "status", "priority", "area", "created_at", "closed_at", "last_reply_at",
    "awaiting_vendor_since", "requester", "assignee",
    *(f"requester__{name}" for name in PERSON_FIELDS), *(f"assignee__{name}" for name in PERSON_FIELDS),
]  # fmt: skip

# The columns of each sort, most significant first, and whether the order is descending;
# the primary key breaks ties so that every row has one place.
SORTS = {
    "created": (("created_at", "id"), True),
    "last_reply": (("last_reply_at", "id"), True),
    "priority": (("priority", "created_at", "id"), True),
    # The desk's "waiting longest": only tickets awaiting the vendor, oldest first.
    "waiting": (("awaiting_vendor_since", "id"), False),
    # With words searched (tickets/search.py): the best matches first. The rank is computed
    # for each matching ticket, which the company's part of the search index keeps few.
    "relevance": (("search_rank", "id"), True),
}
CURSOR_SALT = "sportello.tickets.list"


def filter_tickets(queryset, filters: dict):
    """Applies the list's search filters (already validated by ListFilterForm); words
    (`q`) search the messages too, never internal notes."""
    if filters.get("q"):
        queryset = search.search_tickets(queryset, filters["q"], include_internal=False)
    if filters.get("number"):
        queryset = queryset.filter(pk=filters["number"])
    if filters.get("state") == "open":
        queryset = queryset.open()
    elif filters.get("state") == "closed":
        queryset = queryset.closed()
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


def paginate(queryset, sort: str, cursor: str | None, per_page: int) -> keyset.Page:
    """One page of `queryset` in `sort` order, after (or, for "previous", before) `cursor`."""
    if sort == "relevance" and "search_rank" not in queryset.query.annotations:
        sort = "created"
    elif sort == "relevance":
        queryset = search.newest_matches(queryset)
    columns, descending = SORTS.get(sort, SORTS["created"])
    if sort == "waiting":
        queryset = queryset.filter(awaiting_vendor_since__isnull=False)
    return keyset.paginate(queryset, columns, descending, cursor, per_page, salt=CURSOR_SALT)


def search_page(queryset, filters: dict, cursor: str | None, *, include_internal: bool):
    """The page of the list (or the desk's queue) to show, words searched under
    SEARCH_TIMEOUT_MS with their snippets (search.add_snippets), and the problem to tell
    the person (None, or a search stopped for taking too long: the page is then empty)."""
    words = filters.get("q")
    try:
        with search.time_bound(bool(words)):
            page = paginate(queryset, filters["sort"], cursor, settings.TICKETS_PER_PAGE)
            if words:
                search.add_snippets(page.rows, words, include_internal=include_internal)
    except search.SearchTooBroad:
        problem = _("The search found too many tickets to rank in time: add words, or narrow it with the filters.")
        return keyset.Page([], None, None), problem
    return page, None
