"""The queue's rows kept per process (tickets.templatetags.tickets._rows): a page of rows is
written again when anything it shows changes: a row's field, the language, the time zone,
the pages' address, how long ago a row's moments were as time_since() writes it."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import timezone, translation

from sportello.lib.partials import render_partial
from sportello.tickets.listing import TicketRow
from sportello.tickets.templatetags import tickets
from sportello.tickets.templatetags.tickets import _row_context, queue_rows, ticket_rows

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def row(**values) -> TicketRow:
    fields = {
        "id": 41, "title": "Stampa <b>bloccata</b>", "summary": "L'ordine & co.", "status": "waiting", "priority": 2,
        "area": "management", "created_at": NOW - timedelta(hours=3), "closed_at": None,
        "last_reply_at": NOW - timedelta(hours=1), "awaiting_vendor_since": NOW - timedelta(minutes=90),
        "requester__first_name": "Bob", "requester__last_name": "Bruni", "requester__email": "bob@example.com",
        "requester__is_operator": False, "assignee_id": None, "assignee__first_name": None,
        "assignee__last_name": None, "assignee__email": None, "assignee__is_operator": None,
        "tenant__name": "ACME <S.r.l.>",
    }  # fmt: skip
    return TicketRow(fields | values)


@pytest.fixture(autouse=True)
def at_noon(monkeypatch):
    tickets._kept_rows.cache_clear()
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    with translation.override("it"), timezone.override(ZoneInfo("Europe/Rome")):
        yield
    tickets._kept_rows.cache_clear()


@pytest.mark.parametrize("write, name, detail", [(queue_rows, "tickets/queue_rows.html", "desk:ticket")])
def test_kept_rows_are_what_writing_them_gives(write, name, detail):
    rows = [row(), row(id=42, status="closed", closed_at=NOW - timedelta(days=2), assignee_id=7)]

    assert write(rows) == write(rows) == render_partial(name, _row_context(rows, detail, 8))


def test_a_changed_field_writes_the_rows_again():
    assert "Stampa &lt;b&gt;bloccata" in queue_rows([row()])

    assert "Stampa sbloccata" in queue_rows([row(title="Stampa sbloccata")])
    assert "Rossi" in queue_rows([row(requester__last_name="Rossi")])


def test_a_companys_list_is_written_each_time():
    assert "Stampa &lt;b&gt;bloccata" in ticket_rows([row()])
    assert tickets._kept_rows.cache_info().currsize == 0


def test_kept_rows_are_per_language():
    assert "Azienda" in queue_rows([row()])
    with translation.override("en"):
        assert "Company" in queue_rows([row()])


def test_kept_rows_are_per_time_zone():
    assert "30/11/2026 10:00" in queue_rows([row()])  # 09:00 UTC in Rome
    with timezone.override(ZoneInfo("Europe/London")):
        assert "30/11/2026 09:00" in queue_rows([row()])


def test_kept_rows_say_how_long_a_ticket_waited_as_time_passes(monkeypatch):
    assert "1 ora" in queue_rows([row()])
    monkeypatch.setattr(timezone, "now", lambda: NOW + timedelta(minutes=30))  # 2 hours now

    assert "2 ore" in queue_rows([row()])


def test_kept_rows_of_old_tickets_are_not_written_again_every_minute(monkeypatch):
    old = [row(created_at=NOW - timedelta(days=9), awaiting_vendor_since=NOW - timedelta(days=3))]
    queue_rows(old)
    monkeypatch.setattr(timezone, "now", lambda: NOW + timedelta(minutes=1))

    assert "3 giorni" in queue_rows(old)
    assert tickets._kept_rows.cache_info().hits == 1


def test_kept_rows_link_to_the_pages_address():
    assert 'href="/desk/tickets/41/"' in queue_rows([row()])
    set_script_prefix("/sportello/")
    try:
        assert 'href="/sportello/desk/tickets/41/"' in queue_rows([row()])
    finally:
        clear_script_prefix()


def test_rows_that_are_not_ticket_rows_are_written_each_time():
    class Other:
        pass

    other = Other()
    for name in TicketRow.__slots__:
        setattr(other, name, getattr(row(), name))

    assert queue_rows([other]) == queue_rows([row()])
    assert tickets._kept_rows.cache_info().currsize == 1
