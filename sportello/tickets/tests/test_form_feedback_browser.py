"""What a customer sees when a form has a problem, and the close checkbox before and after
the minutes of rule R9, in a real browser."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from sportello.testing.browser import sign_in_browser
from sportello.testing.fixtures import make_ticket
from sportello.tickets.models import Ticket
from sportello.tickets.templatetags.tickets import closable_time

pytestmark = pytest.mark.django_db(transaction=True)


def fill_new_ticket(page, *, title="Stampa DDT bloccata"):
    page.get_by_label("Richiesta di assistenza").check()
    page.get_by_label(re.compile("Richiesta su tematiche di tipo sistemistico")).check()
    page.get_by_label("Titolo Ticket").fill(title)
    page.get_by_label("Descrizione Ticket").fill("Dal modulo vendite la stampa si blocca.")


def test_sending_an_incomplete_form_moves_the_focus_to_a_summary_that_leads_to_each_field(live_site, page, bob, acme):
    sign_in_browser(page.context, live_site, bob, acme)
    page.goto(f"{live_site.url}/tickets/new/")

    page.get_by_role("button", name="Invia Ticket").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("C'è un problema")
    expect(summary.get_by_role("link")).to_have_count(4)  # type, area, title, description
    assert page.title().startswith("Errore: ")
    assert not Ticket.objects.exists(), "the browser sent nothing"
    expect(page.locator("#id_title_error")).to_have_text("Questo campo è obbligatorio.")
    expect(page.get_by_label("Titolo Ticket")).to_have_attribute("aria-invalid", "true")

    summary.get_by_role("link").nth(2).click()
    expect(page.get_by_label("Titolo Ticket")).to_be_focused()
    label_box = page.locator("label[for=id_title]").bounding_box()
    assert label_box["y"] > page.locator(".sticky-actions").bounding_box()["height"], "the label is not under the bar"


def test_the_servers_errors_come_in_a_focused_summary_and_go_when_the_browser_finds_a_new_problem(
    live_site, page, bob, acme
):
    sign_in_browser(page.context, live_site, bob, acme)
    page.goto(f"{live_site.url}/tickets/new/")
    fill_new_ticket(page)
    page.get_by_label("Numero di telefono").fill("")
    page.get_by_label(re.compile("^Telefono")).check()  # without a number: only the server knows that rule

    page.get_by_role("button", name="Invia Ticket").click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Inserisci il numero di telefono")
    expect(summary).to_be_focused()
    expect(page.locator("#id_phone_error")).to_be_visible()

    page.get_by_label("Numero di telefono").fill("+39 02 1234567")
    page.get_by_label("Allegati").set_input_files(
        [{"name": "enorme.zip", "mimeType": "application/zip", "buffer": b"0" * (4 * 1024 * 1024)}]
    )
    page.get_by_role("button", name="Invia Ticket").click()

    expect(page.locator(".error-summary")).to_have_count(1)
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary li")).to_have_text(
        ["“enorme.zip” è troppo grande: è possibile allegare solo file di dimensioni inferiori a 4 MB."]
    )
    expect(page.locator("#id_phone_error")).to_have_count(0)
    expect(page.get_by_text("Inserisci il numero di telefono")).to_have_count(0)
    assert not Ticket.objects.exists()


def test_the_close_checkbox_waits_for_its_time_then_is_enabled_without_a_reload(live_site, page, bob, acme, settings):
    settings.TICKET_CLOSE_AFTER_MINUTES = 5
    with time_machine.travel(timezone.localtime(), tick=True) as server_clock:
        ticket = make_ticket(acme, bob)
        sign_in_browser(page.context, live_site, bob, acme)
        page.clock.install()
        page.goto(f"{live_site.url}/tickets/{ticket.pk}/")

        close = page.get_by_label("Chiudere il ticket all'invio del messaggio")
        expect(close).to_be_disabled()
        expect(page.get_by_text(f"Potrai chiuderlo dalle {closable_time(ticket)}.")).to_be_visible()
        page.evaluate("() => { window.notReloaded = true; }")

        server_clock.shift(timedelta(minutes=5))
        page.clock.fast_forward("05:01")

        expect(close).to_be_enabled()
        expect(page.get_by_text("Potrai chiuderlo dalle")).to_be_hidden()
        assert page.evaluate("() => window.notReloaded") is True
        page.get_by_label("Risposta").fill("Buongiorno, ho già risolto in autonomia. Chiudo il quesito. Grazie.")
        close.check()
        page.get_by_role("button", name="Invia", exact=True).click()
        expect(page.get_by_text("Ticket chiuso.")).to_be_visible()
