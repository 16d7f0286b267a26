"""The main pages pass axe-core without a serious or critical violation: sign-in, code,
first access, dashboard (with its widgets), new ticket, list, detail, company
administration, the operators' desk, and the public pages."""

import pytest
from playwright.sync_api import expect

from sportello.accounts import services as accounts
from sportello.accounts.models import User
from sportello.testing.axe import assert_no_serious_violations
from sportello.testing.browser import sign_in_browser
from sportello.testing.fixtures import PASSWORD, make_ticket
from sportello.tickets import services as tickets

pytestmark = pytest.mark.django_db(transaction=True)


def _submit_login(page, email, password):
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Accedi").click()


def test_the_public_pages_have_no_serious_accessibility_violation(live_server, page, browser, alice):
    for url in ("/account/login/", "/assistenza/assistenzaUTF.php", "/browser-not-supported/", "/offline/"):
        page.goto(f"{live_server.url}{url}")
        assert_no_serious_violations(page)

    page.goto(f"{live_server.url}/account/login/")
    _submit_login(page, alice.email, PASSWORD)
    expect(page.get_by_role("heading", name="Autenticazione a 2 fattori")).to_be_visible()
    assert_no_serious_violations(page)

    newcomer = User.objects.create_user("nina@acme.example.com", password=None)
    temporary = accounts.issue_temporary_credentials(newcomer)
    other = browser.new_context().new_page()
    other.goto(f"{live_server.url}/account/login/")
    _submit_login(other, newcomer.email, temporary)
    expect(other.get_by_role("heading", name="Creazione Utente")).to_be_visible()
    assert_no_serious_violations(other)
    other.context.close()


def test_the_pages_of_a_signed_in_administrator_have_no_serious_accessibility_violation(
    live_server, page, alice, bob, acme
):
    # Bob is there so that the users' table has a row with a role to change and a button to remove.
    sign_in_browser(page.context, live_server, alice, acme)
    for url in ("/dashboard/", "/account/profile/", "/tenant/", "/tenant/invitations/", "/companies/"):
        page.goto(f"{live_server.url}{url}")
        assert_no_serious_violations(page)

    page.goto(f"{live_server.url}/dashboard/")
    page.locator("#user-menu summary").click()
    expect(page.get_by_role("link", name="Profilo")).to_be_visible()
    assert_no_serious_violations(page)


def test_the_ticket_pages_and_the_dashboard_widgets_have_no_serious_accessibility_violation(
    live_server, page, alice, bob, acme, oscar
):
    ticket = make_ticket(acme, bob, title="Stampa bloccata")
    tickets.reply_as_operator(oscar, ticket, body="Verifichiamo.")
    closed = make_ticket(acme, bob, title="Chiuso")
    tickets.change_status(oscar, closed, "closed")
    sign_in_browser(page.context, live_server, alice, acme)

    for url in ("/tickets/new/?program=BNVEBOLL&error=Errore", "/tickets/", f"/tickets/{ticket.pk}/"):
        page.goto(f"{live_server.url}{url}")
        assert_no_serious_violations(page)

    page.goto(f"{live_server.url}/tickets/new/")
    page.get_by_role("button", name="Invia Ticket").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_no_serious_violations(page)

    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("button", name="Aggiungi", exact=True).click()
    page.get_by_role("button", name="Aggiungi Elenco Ticket").click()
    page.get_by_role("button", name="Aggiungi Stato Ticket").click()
    expect(page.locator(".widget-tickets")).to_contain_text("Stampa bloccata")
    expect(page.locator(".status-table")).to_be_visible()
    assert_no_serious_violations(page)


def test_the_desk_pages_have_no_serious_accessibility_violation(live_server, page, bob, acme, oscar):
    ticket = make_ticket(acme, bob, title="Ordine bloccato")
    tickets.reply_as_operator(oscar, ticket, body="Nota", internal=True)
    sign_in_browser(page.context, live_server, oscar)

    for url in ("/desk/", f"/desk/tickets/{ticket.pk}/", "/desk/emails/", "/desk/security/"):
        page.goto(f"{live_server.url}{url}")
        assert_no_serious_violations(page)
