"""A customer's tickets in a real browser, with real e-mail and a clock the test moves."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from sportello.testing.browser import sign_in_browser
from sportello.testing.fixtures import PASSWORD, make_ticket
from sportello.tickets import services
from sportello.tickets.models import Priority, Status, Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_site, user, mailbox):
    page.goto(f"{live_site.url}/account/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_label("Codice").fill(mailbox.code(user.email))
    page.get_by_role("button", name="Invia", exact=True).click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_a_customer_opens_finds_follows_closes_and_reopens_a_ticket(live_site, page, mailbox, bob, acme, oscar):
    old_closed = make_ticket(acme, bob, title="Vecchio quesito chiuso")
    Ticket.objects.filter(pk=old_closed.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    make_ticket(acme, bob, title="Quesito urgente", priority=Priority.HIGH)

    with time_machine.travel(timezone.localtime(), tick=True) as clock:
        sign_in(page, live_site, bob, mailbox)

        # New request, with an attachment; a file of 4 MB is refused before it is sent.
        page.get_by_role("link", name="Nuova richiesta di assistenza").click()
        expect(page.get_by_label("E-mail")).to_have_value(bob.email)
        page.get_by_label("Richiesta di assistenza").check()
        page.get_by_label(re.compile("Richiesta su tematiche di tipo sistemistico")).check()
        page.get_by_label("Titolo Ticket").fill("La stampante non stampa i DDT")
        page.get_by_label("Descrizione Ticket").fill("Buongiorno,\ndal modulo vendite la stampa dei DDT si blocca.")
        page.get_by_label("Allegati").set_input_files(
            [{"name": "enorme.zip", "mimeType": "application/zip", "buffer": b"0" * (4 * 1024 * 1024)}]
        )
        expect(page.get_by_text("“enorme.zip” è troppo grande")).to_be_visible()
        page.get_by_role("button", name="Invia Ticket").click()
        expect(page.get_by_role("heading", name="Nuova richiesta di assistenza")).to_be_visible()
        assert not Ticket.objects.filter(title="La stampante non stampa i DDT").exists()
        page.get_by_label("Allegati").set_input_files(
            [{"name": "errore.txt", "mimeType": "text/plain", "buffer": b"Errore 42"}]
        )
        expect(page.get_by_text("è troppo grande")).to_be_hidden()
        page.get_by_role("button", name="Invia Ticket").click()
        expect(page.get_by_text("è stato inviato al reparto di assistenza")).to_be_visible()
        ticket = Ticket.objects.get(title="La stampante non stampa i DDT")
        expect(page.get_by_role("link", name="errore.txt")).to_be_visible()

        # The list: find it, filter, sort.
        page.get_by_role("link", name="Elenco richieste di assistenza").click()
        row = page.get_by_role("row", name=re.compile("La stampante non stampa i DDT"))
        expect(row).to_contain_text(f"#{ticket.pk}")
        expect(row).to_contain_text("Non assegnato")
        expect(page.locator("tr.row-closed")).to_contain_text("Vecchio quesito chiuso")
        page.get_by_text("Ordinamento e filtri di ricerca").click()
        page.get_by_label("Aperto").check()
        page.get_by_label("Priorità", exact=True).check()
        page.get_by_role("button", name="Cerca Ticket").click()
        expect(page.locator("tbody tr")).to_have_count(2)
        expect(page.locator("tbody tr").first).to_contain_text("Quesito urgente")

        # The filters come back after signing out and in again.
        page.locator("#user-menu summary").click()
        page.get_by_role("button", name="Logout").click()
        clock.shift(timedelta(minutes=1))
        sign_in(page, live_site, bob, mailbox)
        page.get_by_role("link", name="Elenco richieste di assistenza").click()
        expect(page.locator(".filters-chosen")).to_contain_text("Stato richiesta: Aperto")
        expect(page.get_by_label("Aperto")).to_be_checked()
        expect(page.get_by_label("Priorità", exact=True)).to_be_checked()
        expect(page.get_by_text("Vecchio quesito chiuso")).to_be_hidden()

        # Ctrl+click opens the detail in a new tab, keeping the list.
        with page.context.expect_page() as new_tab:
            page.get_by_role("link", name=f"Visualizza ticket #{ticket.pk}").click(modifiers=["Control"])
        detail = new_tab.value
        detail.wait_for_load_state()
        expect(page.get_by_role("heading", name="Elenco richieste di assistenza")).to_be_visible()
        expect(detail.get_by_role("heading", name=re.compile("La stampante non stampa i DDT"))).to_be_visible()

        # Enlarge the chat, then bring the panel back.
        panel = detail.locator("#ticket-panel")
        detail.get_by_role("button", name="Ingrandisci/Riduci chat").click()
        expect(panel).to_be_hidden()
        detail.get_by_role("button", name="Ingrandisci/Riduci chat").click()
        expect(panel).to_be_visible()

        # A reply that also raises the priority; "Bloccante" is refused whatever is posted.
        detail.get_by_label("Risposta").fill("Aggiungo: succede anche con le fatture.")
        detail.get_by_label("Priorità").select_option(label="Alta")
        detail.get_by_role("button", name="Invia", exact=True).click()
        expect(detail.get_by_text("Aggiungo: succede anche con le fatture.")).to_be_visible()
        expect(detail.get_by_text("ha cambiato la priorità da “Normale” a “Alta”")).to_be_visible()
        detail.evaluate(
            "() => { const s = document.getElementById('id_priority');"
            " s.add(new Option('Bloccante', '4')); s.value = '4'; }"
        )
        detail.get_by_label("Risposta").fill("Ora è bloccante!")
        detail.get_by_role("button", name="Invia", exact=True).click()
        expect(detail.locator(".error-summary")).to_contain_text("non è possibile impostare la priorità “Bloccante”")
        expect(detail.locator(".error-summary")).to_be_focused()
        ticket.refresh_from_db()
        assert ticket.priority == Priority.HIGH

        # "Aggiorna" shows the operator's answer without reloading the page.
        services.reply_as_operator(oscar, ticket, body="Buongiorno, verifichiamo il driver.")
        detail.evaluate("() => { window.notReloaded = true; }")
        detail.get_by_role("button", name="Aggiorna").click()
        expect(detail.get_by_text("Buongiorno, verifichiamo il driver.")).to_be_visible()
        assert detail.evaluate("() => window.notReloaded") is True

        # Closing: not offered before the minimum age, then possible.
        detail.goto(f"{live_site.url}/tickets/{ticket.pk}/")
        expect(detail.get_by_label("Chiudere il ticket all'invio del messaggio")).to_be_disabled()
        expect(detail.get_by_text("Potrai chiuderlo dalle")).to_be_visible()
        clock.shift(timedelta(minutes=5))
        detail.reload()
        detail.get_by_label("Risposta").fill("Buongiorno, ho già risolto in autonomia. Chiudo il quesito. Grazie.")
        detail.get_by_label("Chiudere il ticket all'invio del messaggio").check()
        detail.get_by_role("button", name="Invia", exact=True).click()
        expect(detail.get_by_text("Ticket chiuso.")).to_be_visible()
        expect(detail.locator("#ticket-panel")).to_contain_text("Chiuso")

        # A reply within 15 days reopens it.
        clock.shift(timedelta(days=3))
        detail.get_by_label("Risposta").fill("Il problema è tornato.")
        detail.get_by_role("button", name="Invia", exact=True).click()
        expect(detail.get_by_text("Risposta inviata.")).to_be_visible()
        ticket.refresh_from_db()
        assert ticket.status == Status.WAITING

        # Read while the clock is still moved: the e-mails are written when it says they are due.
        subjects = [mail.subject for mail in mailbox.to(bob.email)]
    assert f"Ticket #{ticket.pk} aperto: La stampante non stampa i DDT" in subjects
    assert f"Nuova risposta sul ticket #{ticket.pk}: La stampante non stampa i DDT" in subjects
    # Bob closed and reopened the ticket himself: he is not e-mailed about it (issue 15, item 9).
    assert f"Ticket #{ticket.pk} chiuso: La stampante non stampa i DDT" not in subjects
    assert f"Il ticket #{ticket.pk} ora è “In attesa”: La stampante non stampa i DDT" not in subjects


def test_the_erp_deep_link_lands_on_the_new_ticket_form_after_the_login(live_site, page, mailbox, bob):
    page.goto(
        f"{live_site.url}/tickets/new/?program=BNVEBOLL&version=2026.2&error=Errore%20%3Cscript%3Ealert(1)%3C/script%3E"
    )
    page.get_by_label("E-mail").fill(bob.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.get_by_label("Codice").fill(mailbox.code(bob.email))
    page.get_by_role("button", name="Invia", exact=True).click()

    expect(page.get_by_role("heading", name="Nuova richiesta di assistenza")).to_be_visible()
    context = page.locator(".erp-context")
    expect(context).to_contain_text("BNVEBOLL")
    expect(context).to_contain_text("Errore <script>alert(1)</script>")


def test_the_panel_toggle_and_refresh_are_reachable_with_the_keyboard(live_site, page, bob, acme, ticket):
    sign_in_browser(page.context, live_site, bob, acme)
    page.goto(f"{live_site.url}/tickets/{ticket.pk}/")

    toggle = page.get_by_role("button", name="Ingrandisci/Riduci chat")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#ticket-panel")).to_be_hidden()
