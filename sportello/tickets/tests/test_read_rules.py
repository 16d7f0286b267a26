"""The read rules of tickets, written once as QuerySet methods."""

import pytest
from django.db import connection

from sportello.testing.fixtures import make_ticket
from sportello.tickets import services
from sportello.tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


def test_open_and_closed_split_the_tickets_by_the_closed_status(acme, bob, oscar):
    waiting = make_ticket(acme, bob)
    services.take(oscar, waiting)
    closed = make_ticket(acme, bob)
    services.change_status(oscar, closed, Status.CLOSED)
    unassigned = make_ticket(acme, bob)

    assert set(Ticket.objects.open()) == {waiting, unassigned}
    assert set(Ticket.objects.closed()) == {closed}
    assert [t.is_closed for t in (waiting, unassigned)] == [False, False]
    assert Ticket.objects.get(pk=closed.pk).is_closed


def test_open_is_the_condition_of_the_desks_partial_indexes():
    """A query filtered by open() says what the partial indexes say, so PostgreSQL can use them."""
    sql = str(Ticket.objects.open().order_by("-created_at", "-id").query)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'ticket_open_created'")
        (definition,) = cursor.fetchone()

    assert "NOT (" in sql and "status" in sql
    assert "WHERE (NOT ((status)::text = 'closed'::text))" in definition
