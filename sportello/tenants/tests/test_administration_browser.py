"""An administrator invites a technician, who activates the account and appears among the users."""

import re

import pytest
from playwright.sync_api import expect

from sportello.testing.browser import sign_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_invites_a_technician_who_activates_the_account(
    live_site, page, browser, mailbox, alice, acme
):
    sign_in_browser(page.context, live_site, alice, acme)
    page.goto(f"{live_site.url}/dashboard/")
    page.get_by_role("link", name="Tenant", exact=True).click()
    page.get_by_role("link", name="Utenti Invitati").click()
    page.get_by_text("Invita utente").click()
    page.get_by_label("E-mail").fill("tom@acme.example.com")
    expect(page.get_by_role("group", name="Ruoli Assegnati")).to_be_visible()
    page.get_by_label("Tecnico").check()
    page.get_by_role("button", name="Invita", exact=True).click()
    expect(page.get_by_text("Invito inviato a tom@acme.example.com")).to_be_visible()
    expect(page.get_by_role("cell", name="tom@acme.example.com", exact=True)).to_be_visible()

    password = re.search(
        r"Password provvisoria: (\S+)", mailbox.last("tom@acme.example.com", "credenziali").text
    ).group(1)
    tom = browser.new_context().new_page()
    tom.goto(f"{live_site.url}/account/login/")
    tom.get_by_label("E-mail").fill("tom@acme.example.com")
    tom.get_by_label("Password").fill(password)
    tom.get_by_role("button", name="Accedi").click()
    tom.get_by_label("Nome", exact=True).fill("Tom")
    tom.get_by_label("Cognome").fill("Tecnici")
    tom.get_by_label("Telefono").fill("0212345678")
    tom.get_by_label("Password", exact=True).fill("Tom-has-a-new-secret-1")
    tom.get_by_label("Conferma password").fill("Tom-has-a-new-secret-1")
    tom.get_by_label("Ho letto e accetto").check()
    tom.get_by_role("button", name="Crea utente").click()
    tom.get_by_label("E-mail").fill("tom@acme.example.com")
    tom.get_by_label("Password").fill("Tom-has-a-new-secret-1")
    tom.get_by_role("button", name="Accedi").click()
    tom.get_by_label("Codice").fill(mailbox.code("tom@acme.example.com"))
    tom.get_by_role("button", name="Invia", exact=True).click()
    tom.get_by_role("button", name="Accetta").click()
    tom.get_by_role("button", name=re.compile("ACME")).click()
    expect(tom.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(tom.get_by_role("link", name="Tenant", exact=True)).to_have_count(0)

    page.get_by_role("link", name="Utenti", exact=True).click()
    row = page.get_by_role("row", name=re.compile("tom@acme.example.com"))
    expect(row).to_contain_text("Tom Tecnici")
    expect(row.get_by_label("Ruolo di Tom Tecnici")).to_have_value("technician")
