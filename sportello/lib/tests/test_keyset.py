import re
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sportello.testing.fixtures import make_ticket
from sportello.tickets.listing import CURSOR_SALT, SORTS, paginate
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


@pytest.mark.parametrize("per_page", [PER_PAGE, PER_PAGE + 1], ids=["even-page", "odd-page"])
@pytest.mark.parametrize("sort", SORTS)
def test_pages_forward_and_back_cover_every_row_once_even_with_ties(tied_tickets, sort, per_page):
    tied_tickets = sorted_by(tied_tickets, sort)
    expected = expected_order(tied_tickets, sort)
    # At most one page per row: a cursor that fails to move on ends the test, not the suite.
    most_pages = len(expected) + 1
    pages, page = [], paginate(tied_tickets, sort, None, per_page)
    for _ in range(most_pages):
        pages.append([t.pk for t in page.rows])
        if not page.next_cursor:
            break
        page = paginate(tied_tickets, sort, page.next_cursor, per_page)
    else:
        pytest.fail(f"still a next page after {most_pages} pages")
    assert [pk for rows in pages for pk in rows] == expected

    back = []
    for _ in range(most_pages):
        if not page.previous_cursor:
            break
        page = paginate(tied_tickets, sort, page.previous_cursor, per_page)
        back.insert(0, [t.pk for t in page.rows])
        # A page reached going back still leads forward again.
        assert page.next_cursor
    else:
        pytest.fail(f"still a previous page after {most_pages} pages")
    assert back == pages[:-1]
    assert page.previous_cursor is None


def test_going_back_to_a_first_page_that_lost_a_row_offers_no_page_before_it(tied_tickets):
    first = paginate(tied_tickets, "created", None, PER_PAGE)
    second = paginate(tied_tickets, "created", first.next_cursor, PER_PAGE)
    Ticket.objects.filter(pk=first.rows[0].pk).delete()

    back = paginate(tied_tickets, "created", second.previous_cursor, PER_PAGE)

    assert [t.pk for t in back.rows] == [t.pk for t in first.rows[1:]]
    assert back.previous_cursor is None
    assert back.next_cursor


def test_a_cursor_of_one_sort_given_to_another_shows_the_first_page(tied_tickets):
    # "created" orders by two columns, "priority" by three: the cursor cannot be applied.
    created_cursor = paginate(tied_tickets, "created", None, PER_PAGE).next_cursor
    first_by_priority = paginate(tied_tickets, "priority", None, PER_PAGE)

    page = paginate(tied_tickets, "priority", created_cursor, PER_PAGE)

    assert [t.pk for t in page.rows] == [t.pk for t in first_by_priority.rows]
    assert page.previous_cursor is None


@pytest.mark.parametrize(
    "payload",
    [["sideways", [None, 1]], ["after", "ab"], ["after", [1]], "not a pair"],
    ids=["unknown-direction", "values-not-a-list", "too-few-values", "not-a-pair"],
)
def test_a_well_signed_but_malformed_cursor_shows_the_first_page(tied_tickets, payload):
    cursor = signing.dumps(payload, salt=CURSOR_SALT)

    page = paginate(tied_tickets, "created", cursor, PER_PAGE)

    assert [t.pk for t in page.rows] == expected_order(tied_tickets, "created")[:PER_PAGE]
    assert page.previous_cursor is None


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
