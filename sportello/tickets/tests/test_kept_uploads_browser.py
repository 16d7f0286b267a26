"""In a real browser: files chosen for a form that the server sends back with an error are
still there, listed as already attached, and go with the form when it is sent again."""

import re

import pytest
from playwright.sync_api import expect

from sportello.testing.browser import sign_in_browser
from sportello.tickets.models import Attachment, Ticket
from sportello.tickets.tests.test_form_feedback_browser import fill_new_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_files_chosen_before_a_server_error_are_kept_for_the_next_try(live_site, page, bob, acme, tmp_path):
    chosen = []
    for name in ("errore.log", "schermata.txt"):
        (tmp_path / name).write_text(f"contenuto di {name}")
        chosen.append(tmp_path / name)
    sign_in_browser(page.context, live_site, bob, acme)
    page.goto(f"{live_site.url}/tickets/new/")
    fill_new_ticket(page, title="Con due allegati")
    page.get_by_label("Allegati").set_input_files(chosen)
    page.get_by_label("Numero di telefono").fill("")
    page.get_by_label(re.compile("^Telefono")).check()  # only the server knows this rule

    page.get_by_role("button", name="Invia Ticket").click()

    expect(page.locator(".error-summary")).to_contain_text("Inserisci il numero di telefono")
    kept = page.get_by_role("group", name="Già allegati: non serve sceglierli di nuovo")
    expect(kept).to_contain_text("errore.log")
    expect(kept).to_contain_text("schermata.txt")
    page.get_by_label("Numero di telefono").fill("+39 02 1234567")
    kept.get_by_label("Rimuovi schermata.txt").check()
    page.get_by_role("button", name="Invia Ticket").click()

    expect(page.get_by_role("heading", name=re.compile("Con due allegati"))).to_be_visible()
    ticket = Ticket.objects.get(title="Con due allegati")
    assert list(Attachment.objects.filter(message__ticket=ticket).values_list("original_name", flat=True)) == [
        "errore.log"
    ]
