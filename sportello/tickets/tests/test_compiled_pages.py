"""Pages after a cursor read by SQL the ORM wrote once per process (issue 20): the same
rows, order and cursors as the ORM's own paginate_rows(), for every sort, both ways."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from sportello.desk.forms import QueueFilterForm
from sportello.desk.views import queue_tickets
from sportello.testing.compiled import models_compiled
from sportello.testing.fixtures import make_ticket
from sportello.tickets import listing
from sportello.tickets.forms import ListFilterForm
from sportello.tickets.listing import CURSOR_SALT, TicketRow
from sportello.tickets.models import Priority, Status, Ticket
from sportello.tickets.views import company_tickets

PER_PAGE = 4
LIST_SORTS = ["created", "last_reply", "priority"]
QUEUE_SORTS = [*LIST_SORTS, "waiting"]


@pytest.fixture
def tickets(acme, globex, bob, eve, oscar, settings):
    """Tickets whose first sort column repeats (four priorities, three moments), some
    closed, some not waiting, some Oscar's, in two companies."""
    settings.TICKETS_PER_PAGE = PER_PAGE
    moment = timezone.now().replace(microsecond=0)
    priorities, statuses = list(Priority.values), [Status.UNASSIGNED, Status.WAITING, Status.CLOSED]
    first = make_ticket(acme, bob)
    tickets = []
    for i in range(26):
        tenant, requester = (acme, bob) if i % 4 else (globex, eve)
        ticket = Ticket.objects.get(pk=first.pk)
        ticket.pk, ticket.tenant, ticket.requester, ticket.contact_person = None, tenant, requester, requester
        ticket.priority, ticket.status, ticket.assignee = priorities[i % 4], statuses[i % 3], oscar if i % 2 else None
        ticket.created_at = ticket.last_reply_at = moment - timedelta(hours=i % 3)
        ticket.awaiting_vendor_since = None if i % 5 == 0 else moment - timedelta(days=i % 2)
        tickets.append(ticket)
    first.delete()
    Ticket.objects.bulk_create(tickets)


def list_page(filters, cursor, tenant):
    return listing.search_page(company_tickets, {"tenant": tenant.pk}, filters, cursor, include_internal=False)[0]


def list_page_by_orm(filters, cursor, tenant):
    return listing.paginate_rows(company_tickets(filters, tenant=tenant.pk), filters["sort"], cursor, PER_PAGE)


def queue_page(filters, cursor, operator):
    arguments = {"operator": operator.pk} if filters.get("mine") else {}
    return listing.search_page(queue_tickets, arguments, filters, cursor, include_internal=True, with_company=True)[0]


def queue_page_by_orm(filters, cursor, operator):
    build = queue_tickets(filters, operator.pk)
    return listing.paginate_rows(build, filters["sort"], cursor, PER_PAGE, with_company=True)


def seen(page) -> tuple:
    """The page's rows and its cursors' values (a cursor's signature holds the second it was
    made in)."""
    rows = [{name: getattr(row, name) for name in TicketRow.__slots__} for row in page.rows]
    cursors = [
        cursor and signing.loads(cursor, salt=CURSOR_SALT) for cursor in (page.next_cursor, page.previous_cursor)
    ]
    return rows, cursors


def compiled(read, filters, cursor, whose):
    """The page `read` gives, with the ORM's pages refused (paginate_rows)."""
    with mock.patch.object(listing, "paginate_rows", side_effect=AssertionError("read by the ORM")):
        return read(filters, cursor, whose)


def walk(read, read_by_orm, filters, whose) -> int:
    """Every page forward from the first, then back: each compiled page as the ORM's.
    Returns the pages seen."""
    cursor, way = None, "next_cursor"
    for pages in range(1, 40):
        page = compiled(read, filters, cursor, whose)
        assert seen(page) == seen(read_by_orm(filters, cursor, whose)), (filters, pages)
        cursor = getattr(page, way)
        if cursor is None and way == "next_cursor":
            way, cursor = "previous_cursor", page.previous_cursor
        if cursor is None:
            return pages
    raise AssertionError("the pages never end")


def list_filters(**chosen) -> dict:
    form = ListFilterForm(chosen)
    assert form.is_valid(), form.errors
    return form.cleaned_data


def queue_filters(**chosen) -> dict:
    form = QueueFilterForm(chosen)
    assert form.is_valid(), form.errors
    return form.cleaned_data


@pytest.mark.parametrize("sort", LIST_SORTS)
@pytest.mark.parametrize("chosen", [{}, {"state": "open"}, {"state": "open", "priority": "2"}])
def test_the_lists_pages_after_and_before_a_cursor_are_the_orms(tickets, acme, sort, chosen):
    assert walk(list_page, list_page_by_orm, list_filters(sort=sort, **chosen), acme) > (1 if chosen else 4)


@pytest.mark.parametrize("sort", QUEUE_SORTS)
@pytest.mark.parametrize("chosen", [{}, {"state": "any"}, {"mine": "on"}, {"unassigned": "on", "priority": "1"}])
def test_the_queues_pages_after_and_before_a_cursor_are_the_orms(tickets, oscar, sort, chosen):
    assert walk(queue_page, queue_page_by_orm, queue_filters(sort=sort, **chosen), oscar) > 1


@pytest.mark.parametrize("sort", QUEUE_SORTS)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_cursor_whose_first_value_is_null_reads_what_the_orm_reads(tickets, acme, oscar, sort, direction):
    columns, _descending = listing.SORTS[sort]
    some = Ticket.objects.filter(tenant=acme).order_by("pk")[3]
    values = [None, *(getattr(some, column) for column in columns[1:])]
    cursor = signing.dumps([direction, [getattr(v, "isoformat", lambda v=v: v)() for v in values]], salt=CURSOR_SALT)
    queue = queue_filters(sort=sort, state="any")

    assert seen(compiled(queue_page, queue, cursor, oscar)) == seen(queue_page_by_orm(queue, cursor, oscar))
    if sort in LIST_SORTS:
        chosen = list_filters(sort=sort)
        assert seen(compiled(list_page, chosen, cursor, acme)) == seen(list_page_by_orm(chosen, cursor, acme))


def test_a_cursor_the_compiled_sql_cannot_take_is_read_by_the_orm(tickets, acme):
    # An id past 64 bits: the ORM compares it as a number, where CompiledQuery would take
    # it for a key that no row has and match nothing.
    newest = Ticket.objects.filter(tenant=acme).order_by("-created_at", "-id")[2]
    cursor = signing.dumps(["after", [newest.created_at.isoformat(), 2**70]], salt=CURSOR_SALT)
    filters = list_filters(sort="created")

    page = list_page(filters, cursor, acme)

    assert seen(page) == seen(list_page_by_orm(filters, cursor, acme))
    assert page.rows[0].created_at == newest.created_at


def test_a_deep_pages_sql_is_written_once_per_process(client, tickets, bob, oscar, acme, login):
    login(client, bob, acme)
    path = f"/tickets/?sort=priority&cursor={list_page(list_filters(sort='priority'), None, acme).next_cursor}"
    client.get(path)
    assert Ticket not in models_compiled(client, path)

    login(client, oscar)
    path = f"/desk/?sort=waiting&cursor={queue_page(queue_filters(sort='waiting'), None, oscar).next_cursor}"
    client.get(path)
    assert Ticket not in models_compiled(client, path)
