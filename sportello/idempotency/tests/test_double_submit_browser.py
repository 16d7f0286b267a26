"""In a real browser, a form on its way cannot be sent again by a second click (a courtesy:
the one-time key is the defence, see test_double_submit.py)."""

import pytest
from playwright.sync_api import expect

from sportello.testing.browser import sign_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_send_button_is_disabled_once_the_reply_leaves(live_site, page, context, bob, acme, ticket):
    sent = []
    # The answer is "204 No Content", which leaves the page where it is, as it looks while a
    # slow answer is awaited.
    page.route("**/reply/", lambda route: (sent.append(route.request.method), route.fulfill(status=204)))
    sign_in_browser(context, live_site, bob, acme)
    page.goto(f"{live_site.url}/tickets/{ticket.pk}/")
    page.get_by_label("Risposta").fill("Ci sono novità?")
    send = page.get_by_role("button", name="Invia", exact=True)

    send.click()

    expect(send).to_be_disabled()
    expect(page.locator("#reply-form")).to_have_attribute("aria-busy", "true")
    assert sent == ["POST"]
