"""Reading the desk's queue: every company's tickets, filtered and counted."""

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q

from sportello.accounts.models import User
from sportello.lib.shared_cache import refreshed_ahead
from sportello.tenants.models import Tenant
from sportello.tickets import search
from sportello.tickets.listing import filter_tickets
from sportello.tickets.models import Status, Ticket

COUNTS_CACHE_SECONDS = 30


def filter_queue(queryset, filters: dict, operator):
    """The queue's filters on top of the customers' ones (status, priority, type)."""
    state = filters.get("state", "open")
    if state in Status.values:
        queryset = queryset.filter(status=state)
    if state == "open" and filters.get("sort") == "waiting":
        # Only open tickets await the vendor (closing and postponing clear the date), and
        # the planner, taking the two conditions as independent, would misjudge how few
        # rows they leave and sort them all instead of reading the index in order.
        state = "any"
    queryset = filter_tickets(
        queryset,
        {
            "state": state if state not in Status.values else None,
            "priority": filters.get("priority"),
            "request_type": filters.get("request_type"),
        },
    )
    if filters.get("area"):
        queryset = queryset.filter(area=filters["area"])
    if filters.get("assignee"):
        queryset = queryset.filter(assignee=filters["assignee"])
    if filters.get("mine"):
        queryset = queryset.filter(assignee=operator)
    if filters.get("unassigned"):
        queryset = queryset.filter(assignee__isnull=True)
    companies = None
    if filters.get("company"):
        term = filters["company"].strip()
        # The companies' ids read first: as a subquery, the planner guessed a hundred tickets
        # per company and read every ticket of a large one to find a page.
        companies = list(
            Tenant.objects.filter(Q(name__icontains=term) | Q(vat_number__icontains=term.replace(" ", "")))
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        )
        queryset = queryset.filter(tenant__in=companies)
    if filters.get("q"):  # last: the newest matches are those of the filtered queue
        queryset = search.search_tickets(
            queryset,
            filters["q"],
            include_internal=True,
            newest_only=filters.get("sort") == "relevance",
            companies=companies,
        )
    return queryset


# Kept as (pickled value, fresh until) by lib.shared_cache (":3": not the (value, fresh
# until) nor the plain values earlier releases kept under the old keys, which their
# processes may still read during a deploy).
COUNTS_KEY = "desk:status_counts:3"
OPERATORS_KEY = "desk:operator_choices:3"
ASSIGNABLE_KEY = "desk:assignable_operators:3"
OPERATORS_CACHE_SECONDS = 60
# What the lists of operators show or filter by: a change to any of these forgets them.
OPERATOR_FIELDS = {"is_operator", "is_active", "activated_at", "first_name", "last_name", "email"}
# Past this many tickets the closed ones are not counted but estimated (see _count()).
EXACT_COUNT_LIMIT = 100_000


def queue_facts() -> tuple[dict, list[tuple[int, str]]]:
    """What every queue page shows besides its rows: the tickets per status and the
    operators of the "Operatore" filter (id, name). Both are kept a few seconds in the
    shared cache and read back with one query; working them out on every view is what
    makes queues slow. Once stale, one process works each out again while the others
    keep showing the stale one (lib.shared_cache): not every worker at the same moment."""
    found = cache.get_many([COUNTS_KEY, OPERATORS_KEY])
    counts = refreshed_ahead(COUNTS_KEY, _count, COUNTS_CACHE_SECONDS, entry=found.get(COUNTS_KEY))
    operators = refreshed_ahead(
        OPERATORS_KEY, _operator_choices, OPERATORS_CACHE_SECONDS, entry=found.get(OPERATORS_KEY)
    )
    return counts, operators


def _operator_choices() -> list[tuple[int, str]]:
    return User.objects.operators(include_inactive=True).order_by("first_name", "last_name").name_choices()


def assignable_operators() -> list[tuple[int, str]]:
    """The operators a ticket can be assigned to ("Assegna a"), as (id, name) in name order:
    kept a minute in the shared cache like the queue's, so a ticket's page reads one cache
    row instead of the accounts. Forgotten as soon as an operator changes (forget_operators)."""
    return refreshed_ahead(
        ASSIGNABLE_KEY,
        lambda: User.objects.operators().order_by("first_name", "last_name").name_choices(),
        OPERATORS_CACHE_SECONDS,
    )


def forget_operators(sender, instance, update_fields=None, **kwargs) -> None:
    """Receiver of User's post_save and post_delete (DeskConfig.ready): an operator added,
    activated, deactivated or renamed shows in the desk's lists at once, on every host. A
    save of other fields (the last sign-in) keeps them, and so does a customer's save. An
    operator made a customer again by a save of every field (the admin site) leaves the
    lists within OPERATORS_CACHE_SECONDS; AssignForm checks the database meanwhile."""
    if update_fields is not None and not OPERATOR_FIELDS.intersection(update_fields):
        return
    if instance.is_operator or (update_fields is not None and "is_operator" in update_fields):
        cache.delete_many([OPERATORS_KEY, ASSIGNABLE_KEY])


def status_counts() -> dict[str, int]:
    """How many tickets are in each status, across companies (see queue_facts())."""
    return queue_facts()[0]


def _count() -> dict:
    """Open tickets are few and counted exactly (an index-only scan of their statuses).
    Closed ones are nearly the whole table: counting a million rows takes half a second of
    both cores, so past EXACT_COUNT_LIMIT rows their number is PostgreSQL's own estimate of
    the table's size less the open ones, and the page says it is approximate."""
    open_rows = dict(Ticket.objects.open().values_list("status").annotate(total=Count("*")).order_by())
    counts = {status.value: 0 for status in Status} | open_rows
    counts["open"] = sum(open_rows.values())
    estimated_total = _estimated_rows(Ticket)
    if estimated_total > EXACT_COUNT_LIMIT:
        counts[Status.CLOSED.value] = max(estimated_total - counts["open"], 0)
        counts["closed_is_estimate"] = True
    else:
        counts[Status.CLOSED.value] = Ticket.objects.closed().count()
    return counts


def _estimated_rows(model) -> int:
    """The planner's estimate of a table's rows (kept by ANALYZE and autovacuum); 0 where
    there is none (SQLite, a table never analysed)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        row = cursor.fetchone()
    return max(row[0], 0) if row else 0
