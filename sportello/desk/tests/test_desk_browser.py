"""A ticket between a customer and an operator, in two real browsers, with real e-mail."""

import re

import pytest
from playwright.sync_api import expect

from sportello.testing.browser import sign_in_browser
from sportello.tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db(transaction=True)
NOTE = "NOTA-RISERVATA: il cliente ha il contratto scaduto"


def test_a_customer_and_an_operator_work_a_ticket_to_its_close(live_site, browser, mailbox, bob, acme, oscar):
    customer = browser.new_context().new_page()
    sign_in_browser(customer.context, live_site, bob, acme)
    operator = browser.new_context().new_page()
    sign_in_browser(operator.context, live_site, oscar)

    # The customer opens a ticket.
    customer.goto(f"{live_site.url}/tickets/new/")
    customer.get_by_label("Richiesta di assistenza").check()
    customer.get_by_label(re.compile("Richiesta su altre tematiche gestionali")).check()
    customer.get_by_label("Titolo Ticket").fill("Ordine clienti bloccato")
    customer.get_by_label("Descrizione Ticket").fill("L'ordine 77 non si evade.")
    customer.get_by_role("button", name="Invia Ticket").click()
    expect(customer.get_by_text("è stato inviato al reparto di assistenza")).to_be_visible()
    ticket = Ticket.objects.get(title="Ordine clienti bloccato")

    # The operator finds it among the unassigned ones and takes it.
    operator.goto(f"{live_site.url}/dashboard/")
    operator.get_by_role("link", name="Coda ticket").click()
    operator.get_by_role("link", name="Non assegnati").click()
    row = operator.get_by_role("row", name=re.compile("Ordine clienti bloccato"))
    expect(row).to_contain_text("ACME S.r.l.")
    row.get_by_role("link", name=re.compile("Visualizza ticket")).click()
    operator.get_by_role("button", name="Prendi in carico").click()
    expect(operator.get_by_text("Oscar Orlando ha preso in carico il ticket.")).to_be_visible()

    # A reply, an internal note, then "Rinviato".
    operator.get_by_role("textbox", name="Messaggio").fill("Buongiorno, ci può indicare il numero di riga?")
    operator.get_by_role("button", name="Invia", exact=True).click()
    expect(operator.get_by_text("Risposta inviata al cliente.")).to_be_visible()
    operator.get_by_role("textbox", name="Messaggio").fill(NOTE)
    operator.get_by_label("Nota interna").check()
    operator.get_by_role("button", name="Invia", exact=True).click()
    expect(operator.get_by_text("Nota interna salvata.")).to_be_visible()
    expect(operator.locator(".internal-note")).to_contain_text(NOTE)
    operator.get_by_label("Cambia stato").select_option(label="Rinviato")
    operator.get_by_role("button", name="Applica").click()
    expect(operator.locator("#ticket-panel")).to_contain_text("Rinviato")

    # The customer sees the reply, not the note, and answers: the ticket is "In attesa" again.
    customer.reload()
    expect(customer.get_by_text("ci può indicare il numero di riga?")).to_be_visible()
    expect(customer.get_by_text("NOTA-RISERVATA")).to_have_count(0)
    customer.get_by_label("Risposta").fill("Riga 3, articolo ART-9.")
    customer.get_by_role("button", name="Invia", exact=True).click()
    expect(customer.locator("#ticket-panel")).to_contain_text("In attesa")
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING

    # The operator sees the answer with "Aggiorna" and closes the ticket.
    operator.get_by_role("button", name="Aggiorna").click()
    expect(operator.get_by_text("Riga 3, articolo ART-9.")).to_be_visible()
    operator.get_by_label("Cambia stato").select_option(label="Chiuso")
    operator.get_by_role("button", name="Applica").click()
    expect(operator.locator("#ticket-panel")).to_contain_text("Chiuso")

    customer_mail = mailbox.to(bob.email)
    subjects = [mail.subject for mail in customer_mail]
    assert f"Ticket #{ticket.pk} aperto: Ordine clienti bloccato" in subjects
    assert f"Nuova risposta sul ticket #{ticket.pk}: Ordine clienti bloccato" in subjects
    assert f"Il ticket #{ticket.pk} ora è “Rinviato”: Ordine clienti bloccato" in subjects
    assert f"Ticket #{ticket.pk} chiuso: Ordine clienti bloccato" in subjects
    for mail in customer_mail:
        assert "NOTA-RISERVATA" not in mail.text and "NOTA-RISERVATA" not in mail.html
    assert any("Riga 3, articolo ART-9." in mail.text for mail in mailbox.to(oscar.email))


def test_a_vendor_administrator_sets_an_operators_areas_from_the_operators_page(live_site, page, victor, oscar):
    sign_in_browser(page.context, live_site, victor)

    page.goto(f"{live_site.url}/dashboard/")
    page.get_by_role("navigation", name="Menu principale").get_by_role("link", name="Operatori").click()
    areas = page.get_by_role("group", name="Aree di Oscar Orlando")
    areas.get_by_label("Richiesta su tematiche di tipo sistemistico").check()
    page.get_by_role("button", name="Salva aree di Oscar Orlando").click()

    expect(page.get_by_text("Aree di Oscar Orlando salvate.")).to_be_visible()
    page.reload()
    expect(areas.get_by_label("Richiesta su tematiche di tipo sistemistico")).to_be_checked()
    expect(areas.get_by_label("Richiesta su tematiche gestionali di tipo amministrativo")).not_to_be_checked()
    assert list(oscar.operator_areas.values_list("area", flat=True)) == ["systems"]
