"""The manual's "Elenco richieste di assistenza" (R7): columns, filters, sorts, remembered
choices, pages that cost the same however deep, and a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sportello.testing.compiled import models_compiled
from sportello.testing.fixtures import make_ticket
from sportello.tickets.models import ListPreference, Priority, RequestType, Status, Ticket

pytestmark = pytest.mark.django_db
LIST = "/tickets/"


def numbers_in(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/tickets/(\d+)/"', page)]


def bulk_tickets(tenant, requester, count, **fields):
    """Many tickets at once, created a day apart (newest last)."""
    start = timezone.now() - timedelta(days=count + 1)
    tickets = [
        Ticket(
            tenant=tenant,
            requester=requester,
            contact_person=requester,
            email=requester.email,
            request_type=RequestType.ASSISTANCE,
            area="administrative",
            title=f"Ticket {i}",
            description=f"Riga {i}",
            summary=f"Riga {i}",
            created_at=start + timedelta(days=i),
            last_reply_at=start + timedelta(days=i),
            **fields,
        )
        for i in range(count)
    ]
    return Ticket.objects.bulk_create(tickets)


def test_each_row_shows_what_the_manual_lists(client, bob, alice, oscar, acme, login, clock):
    ticket = make_ticket(acme, alice, title="Registri IVA", description="Non tornano i registri\nseconda riga")
    Ticket.objects.filter(pk=ticket.pk).update(assignee=oscar, status=Status.WAITING, priority=Priority.HIGH)
    clock.shift(timedelta(days=2, hours=3, minutes=10))
    login(client, bob, acme)

    page = client.get(LIST).text

    row = page[page.index("Registri IVA") - 200 : page.index(f'href="/tickets/{ticket.pk}/"') + 200]
    for expected in (
        f"#{ticket.pk}",
        "Creato il",
        "Alice Amato",
        "in attesa da",
        "2 giorni",
        "Richiesta su tematiche gestionali di tipo amministrativo",
        "Non tornano i registri",
        "In attesa",
        "Alta",
        "Oscar Orlando",
        "Visualizza ticket",
    ):
        assert expected in row, expected
    assert "seconda riga" not in row


def test_closed_rows_show_the_closing_date_and_are_grey(client, bob, acme, login, clock):
    ticket = make_ticket(acme, bob)
    closed_at = timezone.now() + timedelta(days=1)
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED, closed_at=closed_at)
    clock.shift(timedelta(days=1, hours=5))
    login(client, bob, acme)

    page = client.get(LIST).text

    assert 'class="ticket-row row-closed"' in page
    assert "Chiuso il" in page and timezone.localtime(closed_at).strftime("%d/%m/%Y %H:%M") in page
    assert "chiuso da" in page and "5 ore" in page


def test_view_ticket_is_a_real_link(client, bob, acme, ticket, login):
    login(client, bob, acme)

    page = client.get(LIST).text

    assert re.search(rf'<a class="[^"]*" href="/tickets/{ticket.pk}/">Visualizza ticket', page)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "open"}, {"open-normal", "open-high"}),
        ({"state": "closed"}, {"closed"}),
        ({"priority": Priority.HIGH.value}, {"open-high"}),
        ({"request_type": RequestType.APPOINTMENT}, {"closed"}),
        ({"state": "any"}, {"open-normal", "open-high", "closed"}),
    ],
)
def test_the_filters_narrow_the_list(client, bob, acme, login, params, expected):
    make_ticket(acme, bob, title="open-normal")
    make_ticket(acme, bob, title="open-high", priority=Priority.HIGH)
    closed = make_ticket(acme, bob, title="closed", request_type=RequestType.APPOINTMENT)
    Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    login(client, bob, acme)

    page = client.get(LIST, params).text

    shown = {title for title in ("open-normal", "open-high", "closed") if f"<strong>{title}</strong>" in page}
    assert shown == expected


def test_the_ticket_code_and_the_creation_dates_filter(client, bob, acme, login):
    _first, second, third = bulk_tickets(acme, bob, 3)
    login(client, bob, acme)

    assert numbers_in(client.get(LIST, {"number": second.pk}).text) == [second.pk]
    day = timezone.localtime(second.created_at).date()
    assert numbers_in(client.get(LIST, {"created_from": day, "created_to": day}).text) == [second.pk]
    assert set(numbers_in(client.get(LIST, {"created_from": day}).text)) == {second.pk, third.pk}


def test_bad_filters_get_a_clear_message(client, bob, acme, login):
    login(client, bob, acme)

    response = client.post(
        "/tickets/search/", {"created_from": "2026-05-10", "created_to": "2026-05-01", "number": "abc"}
    )

    assert response.status_code == 400
    assert "La data finale precede quella iniziale" in response.text
    assert "Inserisci un numero intero" in response.text


def test_the_sorts_follow_creation_last_reply_and_priority(client, bob, acme, login):
    old, middle, new = bulk_tickets(acme, bob, 3)
    Ticket.objects.filter(pk=old.pk).update(last_reply_at=timezone.now(), priority=Priority.HIGH)
    Ticket.objects.filter(pk=new.pk).update(priority=Priority.LOW)
    login(client, bob, acme)

    assert numbers_in(client.get(LIST, {"sort": "created"}).text) == [new.pk, middle.pk, old.pk]
    assert numbers_in(client.get(LIST, {"sort": "last_reply"}).text) == [old.pk, new.pk, middle.pk]
    assert numbers_in(client.get(LIST, {"sort": "priority"}).text) == [old.pk, middle.pk, new.pk]


def test_the_chosen_filters_come_back_at_the_next_visit_and_login(client, bob, alice, acme, login):
    make_ticket(acme, bob, title="aperto")
    closed = make_ticket(acme, bob, title="chiuso")
    Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    login(client, bob, acme)

    response = client.post("/tickets/search/", {"state": "closed", "sort": "priority"})
    assert response.url == "/tickets/?sort=priority&state=closed"

    later = login(Client(), bob, acme).get(LIST).text
    assert "<strong>chiuso</strong>" in later and "<strong>aperto</strong>" not in later
    assert re.search(r'value="closed"[^>]*checked', later)
    others = login(Client(), alice, acme).get(LIST).text
    assert "<strong>aperto</strong>" in others, "each person keeps their own choice"


def test_the_saved_filters_sql_is_written_once_per_process(client, bob, acme, login):
    login(client, bob, acme)
    client.post("/tickets/search/", {"state": "closed", "sort": "priority"})
    client.get(LIST)

    assert ListPreference not in models_compiled(client, LIST)
    assert 'value="closed"' in client.get(LIST).text


def test_reading_the_list_with_filters_in_the_address_does_not_change_the_saved_ones(client, bob, acme, login):
    login(client, bob, acme)
    client.post("/tickets/search/", {"state": "closed"})

    client.get(LIST, {"state": "open"})

    assert 'value="closed"' in client.get(LIST).text and re.search(r'value="closed"[^>]*checked', client.get(LIST).text)


def test_pages_follow_each_other_by_keyset(client, bob, acme, login, settings):
    settings.TICKETS_PER_PAGE = 5
    tickets = bulk_tickets(acme, bob, 12)
    newest_first = [t.pk for t in reversed(tickets)]
    login(client, bob, acme)

    first = client.get(LIST, {"sort": "created"}).text
    assert numbers_in(first) == newest_first[:5]
    next_link = re.search(r'href="\?([^"]*cursor=[^"]+)">[^<]*Successiva', first.replace("&amp;", "&")).group(1)
    second = client.get(f"{LIST}?{next_link}").text
    assert numbers_in(second) == newest_first[5:10]
    third_link = re.search(r'href="\?([^"]*cursor=[^"]+)">[^<]*Successiva', second.replace("&amp;", "&")).group(1)
    third = client.get(f"{LIST}?{third_link}").text
    assert numbers_in(third) == newest_first[10:]
    assert "Successiva" not in third
    back_link = re.search(r'href="\?([^"]*cursor=[^"]+)">.*?Precedente', third.replace("&amp;", "&"), re.S).group(1)
    assert numbers_in(client.get(f"{LIST}?{back_link}").text) == newest_first[5:10]


def test_the_first_pages_sql_is_written_once_per_process_for_each_company(client, bob, eve, acme, globex, login):
    ours, theirs = bulk_tickets(acme, bob, 3), bulk_tickets(globex, eve, 2)
    login(client, bob, acme)
    client.get(LIST, {"sort": "priority", "state": "open"})

    assert Ticket not in models_compiled(client, f"{LIST}?sort=priority&state=open")
    assert numbers_in(client.get(LIST, {"sort": "priority", "state": "open"}).text) == [t.pk for t in reversed(ours)]
    login(client, eve, globex)
    assert numbers_in(client.get(LIST, {"sort": "priority", "state": "open"}).text) == [t.pk for t in reversed(theirs)]


def test_the_first_page_leads_to_the_next_as_before(client, bob, acme, login, settings):
    settings.TICKETS_PER_PAGE = 2
    tickets = bulk_tickets(acme, bob, 5)
    login(client, bob, acme)

    first = client.get(LIST).text
    cursor = re.search(r'href="[^"]*cursor=([^"&]+)', first).group(1)
    second = client.get(f"{LIST}?cursor={cursor}").text

    assert numbers_in(first) + numbers_in(second) == [t.pk for t in reversed(tickets)][:4]


def test_a_forged_cursor_shows_the_first_page(client, bob, acme, login):
    tickets = bulk_tickets(acme, bob, 3)
    login(client, bob, acme)

    page = client.get(LIST, {"cursor": "not-a-real-cursor"}).text

    assert numbers_in(page) == [t.pk for t in reversed(tickets)]


def test_another_companys_tickets_never_appear(client, bob, acme, eve, globex, login):
    make_ticket(globex, eve, title="Segreto Globex")
    login(client, bob, acme)

    for params in ({}, {"state": "any"}, {"number": Ticket.objects.get().pk}):
        assert "Segreto Globex" not in client.get(LIST, params).text


def _queries_for_list(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_the_same_number_of_queries_with_10_and_500_rows(
    client, bob, alice, oscar, acme, login, settings
):
    settings.TICKETS_PER_PAGE = 500
    login(client, bob, acme)
    bulk_tickets(acme, bob, 10, assignee=oscar)
    with_ten = _queries_for_list(client, LIST)
    bulk_tickets(acme, alice, 490)
    with_five_hundred = _queries_for_list(client, LIST)

    assert with_ten == with_five_hundred
    assert with_ten <= 6


def test_the_list_page_takes_four_queries(client, bob, oscar, acme, login, django_assert_num_queries):
    bulk_tickets(acme, bob, 30, assignee=oscar)
    login(client, bob, acme)
    client.get(LIST)

    # session, person with their membership and company, the saved filters, the page (people joined)
    with django_assert_num_queries(4):
        assert client.get(LIST).status_code == 200
