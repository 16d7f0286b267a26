"""Searching the list and "Già risolto?" in a real browser."""

import pytest
from playwright.sync_api import expect

from sportello.testing.browser import sign_in_browser
from sportello.testing.fixtures import make_ticket
from sportello.tickets import services
from sportello.tickets.models import Deflection, Status

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def full_text_only(settings):
    settings.SEARCH_MEANING = False


def test_a_customer_sees_an_answer_while_writing_and_does_not_send_the_request(live_site, page, bob, oscar, acme):
    answered = make_ticket(acme, bob, title="Stampante di rete non stampa", description="Coda di stampa ferma.")
    services.reply_as_operator(oscar, answered, body="Riavviate il servizio spooler di stampa.")
    services.change_status(oscar, answered, Status.CLOSED)
    sign_in_browser(page.context, live_site, bob, acme)
    page.goto(f"{live_site.url}/tickets/new/")

    page.get_by_label("Titolo Ticket").fill("La stampante non stampa")

    suggestions = page.locator("#suggestions")
    expect(suggestions.get_by_role("heading", name="Già risolto?")).to_be_visible()
    link = suggestions.get_by_role("link", name=f"Stampante di rete non stampa #{answered.pk}")
    expect(link).to_have_attribute("target", "_blank")
    expect(suggestions.get_by_text("Riavviate il servizio spooler di stampa.")).to_be_visible()

    suggestions.get_by_role("button", name="Risponde alla mia domanda").click()

    expect(page.get_by_text(f"il ticket #{answered.pk} ha risposto alla tua domanda")).to_be_visible()
    assert Deflection.objects.get().ticket == answered


def test_the_list_finds_a_ticket_by_a_word_of_its_replies(live_site, page, bob, oscar, acme):
    ticket = make_ticket(acme, bob, title="Problema al gestionale", description="Non si apre.")
    services.reply_as_operator(oscar, ticket, body="L'antivirus bloccava il programma: aggiunta un'eccezione.")
    make_ticket(acme, bob, title="Altro problema", description="Altro.")
    sign_in_browser(page.context, live_site, bob, acme)
    page.goto(f"{live_site.url}/tickets/")

    page.get_by_text("Ordinamento e filtri di ricerca").click()
    page.get_by_label("Parole da cercare", exact=True).fill("antivirus")
    page.get_by_role("button", name="Cerca Ticket").click()

    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("mark")).to_have_text("antivirus", ignore_case=True)
