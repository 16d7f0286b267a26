"""Choosing one's notifications in a real browser: from the link of an e-mail that arrived
through the real SMTP server, without signing in, and from the profile."""

import pytest
from playwright.sync_api import expect

from sportello.notifications.models import Category, RecipientPreference
from sportello.testing.axe import assert_no_serious_violations
from sportello.testing.browser import sign_in_browser
from sportello.tickets import services as tickets

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_customer_follows_the_link_of_an_email_and_chooses_without_signing_in(
    live_site, page, mailbox, bob, oscar, ticket
):
    tickets.reply_as_operator(oscar, ticket, body="Eccoci")
    [link] = [link for link in mailbox.last(bob.email, "Nuova risposta").links() if "/unsubscribe/" in link]

    page.goto(link)
    expect(page.get_by_role("heading", name="Notifiche e-mail")).to_be_visible()
    expect(page.get_by_text(f"E-mail a {bob.email}")).to_be_visible()
    expect(page.get_by_label("Risposte del reparto di assistenza")).to_be_checked()
    assert_no_serious_violations(page)
    page.get_by_label("Chiusura di un ticket").uncheck()
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Le tue scelte sono state salvate.")).to_be_visible()
    expect(page.get_by_label("Chiusura di un ticket")).not_to_be_checked()

    page.get_by_role("button", name="Non ricevere più queste e-mail: Risposte del reparto di assistenza").click()
    expect(page.get_by_text("non riceve più queste e-mail")).to_be_visible()
    assert_no_serious_violations(page)
    assert set(RecipientPreference.objects.get(email=bob.email).muted) == {
        Category.TICKET_CLOSED,
        Category.OPERATOR_REPLY,
    }


def test_an_operator_chooses_from_the_profile(live_site, page, oscar):
    sign_in_browser(page.context, live_site, oscar)

    page.goto(f"{live_site.url}/account/profile/")
    page.get_by_role("link", name="Scegli le tue notifiche").click()
    expect(page.get_by_role("heading", name="Notifiche e-mail")).to_be_visible()
    assert_no_serious_violations(page)
    page.get_by_label("Risposte dei clienti sui ticket non assegnati delle mie aree").uncheck()
    page.get_by_role("button", name="Salva").click()

    expect(page.get_by_text("Le tue scelte sono state salvate.")).to_be_visible()
    assert RecipientPreference.objects.get(email=oscar.email).muted == [Category.UNASSIGNED_REPLY]
