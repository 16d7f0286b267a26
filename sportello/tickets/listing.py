"""Reading the ticket list: filters, sorts and keyset pagination (R7).

Pages are cut with a keyset (`sportello.lib.keyset`) rather than an OFFSET, so the
hundredth page costs what the first does; each sort has an index that starts with the
company. No exact count is taken over the whole set.
"""

from datetime import datetime, time
from functools import lru_cache

from django.conf import settings
from django.db.models import DateTimeField
from django.utils import timezone
from django.utils.translation import gettext as _

from sportello.accounts.models import display_name_of
from sportello.lib import keyset
from sportello.lib.compiled import BIGINT_RANGE, CompiledQuery

from . import search
from .models import Ticket

# What a row of the list shows (and its cursor needs): 25 tickets and their people are
# built on every view, and the full rows are three times as many fields.
PERSON_FIELDS = ["first_name", "last_name", "email", "is_operator"]
LIST_FIELDS = [
    "id", "tenant_id", "title", "summary", "status", "priority", "area", "created_at", "closed_at", "last_reply_at",
    "awaiting_vendor_since", "requester", "assignee",
    *(f"requester__{name}" for name in PERSON_FIELDS), *(f"assignee__{name}" for name in PERSON_FIELDS),
]  # fmt: skip

# The same for the pages' lists, read as plain values (TicketRow): a page of 25 tickets
# built 75 models (the tickets and their people) that the rows use only for these fields.
ROW_FIELDS = [
    "id", "title", "summary", "status", "priority", "area", "created_at", "closed_at", "last_reply_at",
    "awaiting_vendor_since", *(f"requester__{name}" for name in PERSON_FIELDS), "assignee_id",
    *(f"assignee__{name}" for name in PERSON_FIELDS),
]  # fmt: skip


class TicketRow:
    """A ticket as a row of the customers' list or of the desk's queue shows it
    (tickets/ticket_rows.html, tickets/queue_rows.html): its fields, the people's names
    worked out once, and the company's name (the queue's)."""

    __slots__ = (
        "area",
        "assignee_name",
        "awaiting_vendor_since",
        "closed_at",
        "company_name",
        "created_at",
        "last_reply_at",
        "pk",
        "priority",
        "requester_name",
        "search_snippet",
        "search_snippet_is_internal",
        "search_title",
        "status",
        "summary",
        "title",
    )  # fmt: skip

    def __init__(self, values: dict):
        self.pk, self.title, self.summary = values["id"], values["title"], values["summary"]
        self.status, self.priority, self.area = values["status"], values["priority"], values["area"]
        self.created_at, self.closed_at = values["created_at"], values["closed_at"]
        self.last_reply_at, self.awaiting_vendor_since = values["last_reply_at"], values["awaiting_vendor_since"]
        self.requester_name = _person_name(values, "requester")
        self.assignee_name = _person_name(values, "assignee") if values["assignee_id"] else None
        self.company_name = values.get("tenant__name")
        # Set by search.add_snippets() when words were searched.
        self.search_title = self.search_snippet = None
        self.search_snippet_is_internal = False


def _person_name(values: dict, role: str) -> str:
    return display_name_of(*(values[f"{role}__{name}"] for name in PERSON_FIELDS))


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
    """Applies the list's search filters (already validated by ListFilterForm) to
    `queryset`, one company's tickets when words (`q`) are given: they search the messages
    too, never internal notes (the desk's queue searches its words itself)."""
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
    if filters.get("q"):  # last: the newest matches are those of the filtered list
        queryset = search.search_tickets(
            queryset,
            filters["q"],
            include_internal=False,
            newest_only=filters.get("sort") == "relevance",
            one_company=True,
        )
    return queryset


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def paginate(queryset, sort: str, cursor: str | None, per_page: int) -> keyset.Page:
    """One page of `queryset` in `sort` order, after (or, for "previous", before) `cursor`."""
    queryset, columns, descending = _in_order(queryset, sort)
    return keyset.paginate(queryset, columns, descending, cursor, per_page, salt=CURSOR_SALT)


def _in_order(queryset, sort: str):
    """(queryset, columns, descending) of `sort`: by creation when there is no rank to sort
    by; only the tickets awaiting the vendor for "waiting"."""
    sort = _ranked_or_created(sort, "search_rank" in queryset.query.annotations)
    columns, descending = SORTS.get(sort, SORTS["created"])
    if sort == "waiting":
        queryset = queryset.filter(awaiting_vendor_since__isnull=False)
    return queryset, columns, descending


def _ranked_or_created(sort: str, ranked: bool) -> str:
    return "created" if sort == "relevance" and not ranked else sort


def _row_fields(with_company: bool) -> list[str]:
    return [*ROW_FIELDS, "tenant__name"] if with_company else [*ROW_FIELDS]


def paginate_rows(queryset, sort: str, cursor: str | None, per_page: int, *, with_company: bool = False) -> keyset.Page:
    """paginate() for the pages' lists: the page's rows as TicketRow, read as plain values
    (with the company's name for the desk's queue, and a search's rank for its cursor)."""
    fields = _row_fields(with_company)
    if "search_rank" in queryset.query.annotations:
        fields.append("search_rank")
    page = paginate(queryset.values(*fields), sort, cursor, per_page)
    page.rows = [TicketRow(values) for values in page.rows]
    return page


# The pages of lists without words: SQL written once per process for each list, set of
# filters and kind of page (the first; after or before a cursor, its first value null or not)
# (lib.compiled), the least recently used forgotten past this many.
PAGES = 128


@lru_cache(maxsize=PAGES)
def _page_query(
    build, filters: tuple, arguments: tuple, with_company: bool, per_page: int, direction: str, null_first: bool | None
) -> CompiledQuery:
    """The page `direction` of a cursor whose first value is null or not (`null_first`;
    None: the first page), as paginate_rows() reads it."""
    chosen = dict(filters)
    columns, _descending = _sort_columns(chosen["sort"])
    # The cursor's values, by name; a null first one is written in the SQL (NULL), not passed.
    names = ()
    if null_first is not None:
        names = tuple(None if null_first and index == 0 else _boundary_name(c) for index, c in enumerate(columns))

    def page(**values):
        boundary = tuple(values.pop(name) if name else None for name in names) or None
        queryset, columns, descending = _in_order(
            build(chosen, **values).values(*_row_fields(with_company)), chosen["sort"]
        )
        return keyset.page_queryset(queryset, columns, descending, direction, boundary, per_page)

    kinds = {name: _kind_of(column) for name, column in zip(names, columns, strict=False) if name}
    return CompiledQuery(page, *arguments, *kinds, kinds=kinds)


def _compiled_page(build, arguments: dict, filters: dict, cursor: str | None, with_company: bool, per_page: int):
    """paginate_rows()'s page read by _page_query(), or None for a cursor whose values are
    not of its columns' kinds (a forged one, or another sort's: the ORM reads that page)."""
    columns, _descending = _sort_columns(filters["sort"])
    direction, boundary = keyset.read_cursor(cursor, len(columns), CURSOR_SALT)
    values = dict(arguments)
    if boundary is not None:
        pairs = tuple(zip(columns, boundary, strict=True))
        if not all(_fits(value, column, first=index == 0) for index, (column, value) in enumerate(pairs)):
            return None
        values.update((_boundary_name(column), value) for column, value in pairs if value is not None)
    null_first = None if boundary is None else boundary[0] is None
    query = _page_query(
        build, tuple(sorted(filters.items())), tuple(arguments), with_company, per_page, direction, null_first
    )
    page = keyset.page_of(query.dicts(**values), columns, direction, boundary, per_page, CURSOR_SALT)
    page.rows = [TicketRow(row) for row in page.rows]
    return page


def _sort_columns(sort: str) -> tuple[tuple[str, ...], bool]:
    return SORTS.get(_ranked_or_created(sort, False), SORTS["created"])


def _boundary_name(column: str) -> str:
    return f"boundary_{column}"


def _kind_of(column: str) -> type:
    return datetime if isinstance(Ticket._meta.get_field(column), DateTimeField) else int


def _fits(value, column: str, first: bool) -> bool:
    """Whether a cursor's `value` is what CompiledQuery takes for `column` (or null, the
    first value only, as keyset.beyond() takes it)."""
    if value is None:
        return first
    if _kind_of(column) is datetime:
        return isinstance(value, datetime) and value.utcoffset() is not None
    return type(value) is int and BIGINT_RANGE[0] <= value <= BIGINT_RANGE[1]


def _plain(filters: dict) -> bool:
    """Filters whose SQL is the same every time they are chosen: not dates (each a moment in
    the time zone of the request), not people or other models."""
    return all(value is None or isinstance(value, (str, int)) for value in filters.values())


def search_page(
    build,
    arguments: dict,
    filters: dict,
    cursor: str | None,
    *,
    include_internal: bool,
    with_company: bool = False,
    fixed: bool = True,
):
    """The page of the list (or the desk's queue) to show, as paginate_rows() reads it,
    words searched under SEARCH_TIMEOUT_MS with their snippets (search.add_snippets), and
    the problem to tell the person (None, or a search stopped for taking too long: the page
    is then empty).

    `build(filters, **arguments)`: the list's tickets with the filters applied, a function of
    a module (never a new one per call), its `arguments` integers (the company, the
    operator). The pages of a list without words, for filters of plain values, are read by
    SQL written once per process for each list, set of filters and kind of page, unless
    `fixed` is false (building the list reads something that can change: the desk's
    companies)."""
    words = filters.get("q")
    per_page = settings.TICKETS_PER_PAGE
    if fixed and not words and _plain(filters):
        page = _compiled_page(build, arguments, filters, cursor, with_company, per_page)
        if page is not None:
            return page, None
    try:
        with search.time_bound(bool(words)):
            page = paginate_rows(
                build(filters, **arguments), filters["sort"], cursor, per_page, with_company=with_company
            )
            if words:
                search.add_snippets(page.rows, words, include_internal=include_internal)
    except search.SearchTooBroad:
        problem = _("The search found too many tickets to rank in time: add words, or narrow it with the filters.")
        return keyset.Page([], None, None), problem
    return page, None
