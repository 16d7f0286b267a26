"""The manual's "Primo Accesso", in a real browser, with the e-mails from a real SMTP server."""

import re

import pytest
from playwright.sync_api import expect

from sportello.lib.audit import SYSTEM
from sportello.tenants import services as tenants
from sportello.tenants.models import Role

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PERSON = "nina@acme.example.com"
PASSWORD = "Nina-chooses-a-good-one-7"


def temporary_password(mail) -> str:
    return re.search(r"Password provvisoria: (\S+)", mail.text).group(1)


def sign_in(page, email, password):
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Accedi").click()


def test_an_invited_person_activates_the_account_and_reaches_the_dashboard(live_site, page, mailbox, alice, acme):
    tenants.invite(alice, acme, NEW_PERSON, Role.TECHNICIAN, audit=SYSTEM)

    credentials = mailbox.last(NEW_PERSON, "credenziali provvisorie")
    invitation = mailbox.last(NEW_PERSON, "Invito a unirti a ACME S.r.l.")
    assert "Accedi al portale" in invitation.text or "accesso con le credenziali provvisorie" in invitation.text
    [portal_link] = [link for link in credentials.links() if link.endswith("/account/login/")]

    page.goto(portal_link)
    sign_in(page, NEW_PERSON, temporary_password(credentials))

    expect(page.get_by_role("heading", name="Creazione Utente")).to_be_visible()
    page.get_by_label("Nome", exact=True).fill("Nina")
    page.get_by_label("Cognome").fill("Neri")
    page.get_by_label("Telefono").fill("+39 02 555 1234")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Conferma password").fill(PASSWORD)
    page.get_by_label("Ho letto e accetto l'informativa sulla privacy").check()
    page.get_by_role("button", name="Crea utente").click()

    expect(page.get_by_text("Il tuo utente è stato creato")).to_be_visible()
    sign_in(page, NEW_PERSON, PASSWORD)

    expect(page.get_by_role("heading", name="Autenticazione a 2 fattori")).to_be_visible()
    page.get_by_label("Codice").fill(mailbox.code(NEW_PERSON))
    page.get_by_label("Dispositivo sicuro").check()
    page.get_by_role("button", name="Invia", exact=True).click()

    expect(page.get_by_role("heading", name="Scelta Tenant")).to_be_visible()
    page.get_by_role("button", name="Accetta").click()
    page.get_by_role("button", name=re.compile("ACME S.r.l.")).click()

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("ACME S.r.l."))).to_be_visible()

    # A second sign-in from the same browser: no code (trusted device), no company choice.
    page.locator("#user-menu summary").click()
    page.get_by_role("button", name="Logout").click()
    sign_in(page, NEW_PERSON, PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    # Removing the device in the profile brings the code back.
    page.locator("#user-menu summary").click()
    page.get_by_role("link", name="Profilo").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("^Rimuovi")).first.click()
    expect(page.get_by_text("Il dispositivo è stato rimosso")).to_be_visible()
    page.get_by_role("button", name="Logout").last.click()
    sign_in(page, NEW_PERSON, PASSWORD)
    expect(page.get_by_role("heading", name="Autenticazione a 2 fattori")).to_be_visible()

    # Trusted again, then the browser's data is cleared: the code comes back too.
    page.get_by_label("Codice").fill(mailbox.code(NEW_PERSON))
    page.get_by_label("Dispositivo sicuro").check()
    page.get_by_role("button", name="Invia", exact=True).click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.context.clear_cookies()
    page.goto(f"{live_site.url}/account/login/")
    sign_in(page, NEW_PERSON, PASSWORD)
    expect(page.get_by_role("heading", name="Autenticazione a 2 fattori")).to_be_visible()


def test_a_forgotten_password_is_recovered_from_the_login_page(live_site, page, mailbox, bob):
    page.goto(f"{live_site.url}/account/login/")
    page.get_by_role("link", name="Recupera password").click()
    page.get_by_label("E-mail").fill(bob.email)
    page.get_by_role("button", name="Invia il link").click()
    expect(page.get_by_role("heading", name="Controlla la tua e-mail")).to_be_visible()

    mail = mailbox.last(bob.email, "nuova password")
    [link] = [link for link in mail.links() if "/password/reset/" in link]
    page.goto(link)
    page.get_by_label("Password", exact=True).fill("Recovered-in-the-browser-3")
    page.get_by_label("Conferma password").fill("Recovered-in-the-browser-3")
    page.get_by_role("button", name="Salva la password").click()

    expect(page.get_by_text("La nuova password è impostata")).to_be_visible()
    sign_in(page, bob.email, "Recovered-in-the-browser-3")
    page.get_by_label("Codice").fill(mailbox.code(bob.email))
    page.get_by_role("button", name="Invia", exact=True).click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.goto(link)
    expect(page.get_by_text("non è più valido")).to_be_visible()


def test_closing_the_tab_after_signing_in_with_the_temporary_credentials_does_not_spend_them(
    live_site, browser, mailbox, alice, acme
):
    """Issue 15, item 5: sign in with them, close the browser, come back: "Creazione Utente"
    is still there; once the user is created they no longer work."""
    tenants.invite(alice, acme, NEW_PERSON, Role.TECHNICIAN, audit=SYSTEM)
    temporary = temporary_password(mailbox.last(NEW_PERSON, "credenziali provvisorie"))

    first = browser.new_context()
    page = first.new_page()
    page.goto(f"{live_site.url}/account/login/")
    sign_in(page, NEW_PERSON, temporary)
    expect(page.get_by_role("heading", name="Creazione Utente")).to_be_visible()
    first.close()  # the tab, and the browser, closed before "Crea utente"

    later = browser.new_context()
    page = later.new_page()
    page.goto(f"{live_site.url}/account/login/")
    sign_in(page, NEW_PERSON, temporary)
    expect(page.get_by_role("heading", name="Creazione Utente")).to_be_visible()
    page.get_by_label("Nome", exact=True).fill("Nina")
    page.get_by_label("Cognome").fill("Neri")
    page.get_by_label("Telefono").fill("+39 02 555 1234")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Conferma password").fill(PASSWORD)
    page.get_by_label("Ho letto e accetto l'informativa sulla privacy").check()
    page.get_by_role("button", name="Crea utente").click()
    expect(page.get_by_text("Il tuo utente è stato creato")).to_be_visible()

    page.get_by_label("Password").fill(temporary)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_text("E-mail o password non corretti.")).to_be_visible()
    later.close()
