"""The API's documentation page works in a real browser under the portal's Content
Security Policy, from the files django-ninja ships (no CDN: the portal may have no
internet), and its "Try it out" calls the API with a token."""

import pytest

from sportello.testing.api import make_token
from sportello.testing.fixtures import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_documentation_shows_every_operation_and_tries_one_with_a_token(page, live_server, acme, bob):
    make_ticket(acme, bob, title="Stampa DDT")
    secret = make_token(bob, acme, scope="read")
    refused = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    elsewhere = []
    page.on(
        "request",
        lambda request: None if request.url.startswith((live_server.url, "data:")) else elsewhere.append(request.url),
    )

    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    page.get_by_role("button", name="Authorize").click()
    dialog = page.locator(".dialog-ux")
    dialog.locator("input").last.fill(secret)
    dialog.locator("button.authorize").click()
    dialog.locator("button.btn-done").click()
    page.locator("#operations-Company-listTickets").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".live-responses-table tbody .response-col_status").first.wait_for()

    assert page.locator(".opblock").count() == 16
    assert "Stampa DDT" in page.locator(".live-responses-table").inner_text()
    assert page.locator(".live-responses-table tbody .response-col_status").first.inner_text().strip().startswith("200")
    assert not [text for text in refused if "Content Security Policy" in text], refused
    assert not elsewhere, elsewhere
