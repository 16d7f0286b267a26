import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sportello.testing.fixtures import make_ticket
from sportello.tickets.listing import SORTS, paginate
from sportello.tickets.models import Priority, Ticket
from sportello.tickets.search import search_tickets

PER_PAGE = 4


@pytest.fixture
def tied_tickets(acme, bob):
    """23 tickets whose first sort column repeats: four priorities, three creation times,
    waiting since one of two moments (or not waiting)."""
    moment = timezone.now().replace(microsecond=0)
    priorities = list(Priority.values)
    for i in range(23):
        ticket = make_ticket(acme, bob, priority=priorities[i % 4])
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=moment - timedelta(hours=i % 3),
            last_reply_at=moment - timedelta(hours=i % 3),
            awaiting_vendor_since=None if i % 5 == 0 else moment - timedelta(days=i % 2),
        )
    return Ticket.objects.for_tenant(acme)


def sorted_by(queryset, sort: str):
    """`queryset` as the list reads it in `sort`: the relevance sort ranks a search, here
    words every ticket's title has, so that every rank ties."""
    if sort == "relevance":
        return search_tickets(queryset, "fattura elettronica", include_internal=False)
    return queryset


def expected_order(queryset, sort: str) -> list[int]:
    columns, descending = SORTS[sort]
    if sort == "waiting":
        queryset = queryset.filter(awaiting_vendor_since__isnull=False)
    return list(queryset.order_by(*(f"-{c}" if descending else c for c in columns)).values_list("pk", flat=True))


@pytest.mark.parametrize("sort", SORTS)
def test_pages_forward_and_back_cover_every_row_once_even_with_ties(tied_tickets, sort):
    tied_tickets = sorted_by(tied_tickets, sort)
    expected = expected_order(tied_tickets, sort)
    pages, cursor = [], None
    while True:
        page = paginate(tied_tickets, sort, cursor, PER_PAGE)
        pages.append([t.pk for t in page.rows])
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert [pk for rows in pages for pk in rows] == expected

    back = []
    while page.previous_cursor:
        page = paginate(tied_tickets, sort, page.previous_cursor, PER_PAGE)
        back.insert(0, [t.pk for t in page.rows])
    assert back == pages[:-1]


@pytest.mark.parametrize("sort", SORTS)
def test_a_page_after_a_cursor_also_bounds_the_first_column_for_the_planner(tied_tickets, sort):
    tied_tickets = sorted_by(tied_tickets, sort)
    first = paginate(tied_tickets, sort, None, PER_PAGE)
    column = SORTS[sort][0][0]
    with CaptureQueriesContext(connection) as captured:
        paginate(tied_tickets, sort, first.next_cursor, PER_PAGE)
    sql = captured.captured_queries[-1]["sql"]
    # The rank is an expression (search.search_tickets), bounded as such.
    bounded = r"::float8\) [<>]= " if sort == "relevance" else rf'"tickets_ticket"\."{column}" [<>]= '
    assert re.search(bounded, sql), sql
