"""The API's pages in a real browser: a person makes a token from the profile, sees it
once and revokes it; a company administrator makes a company token and registers a
webhook; a vendor administrator sees the webhooks of every company. Each page passes
axe-core without a serious violation."""

import pytest
from playwright.sync_api import expect

from sportello.api.models import AccessToken, WebhookEndpoint
from sportello.testing.api import ApiClient
from sportello.testing.axe import assert_no_serious_violations
from sportello.testing.browser import sign_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_person_makes_a_token_from_the_profile_sees_it_once_and_revokes_it(live_server, page, bob, acme):
    sign_in_browser(page.context, live_server, bob, acme)
    page.goto(f"{live_server.url}/account/profile/")
    page.get_by_role("link", name="Gestisci i token API").click()
    assert_no_serious_violations(page)

    page.get_by_label("Nome").fill("Script IT")
    page.get_by_label("Lettura e scrittura").check()
    page.get_by_role("button", name="Crea token").click()
    secret = page.locator(".token-secret").inner_text()
    assert_no_serious_violations(page)

    assert ApiClient(secret).get("/api/v1/me").status_code == 200
    page.goto(f"{live_server.url}/account/api-tokens/")
    expect(page.locator(".token-secret")).to_have_count(0)
    expect(page.locator("td strong", has_text="Script IT")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoca Script IT").click()
    expect(page.get_by_text("Revocato", exact=True)).to_be_visible()
    assert ApiClient(secret).get("/api/v1/me").status_code == 401


def test_a_company_administrator_makes_a_company_token_and_a_webhook(live_server, page, alice, acme, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    sign_in_browser(page.context, live_server, alice, acme)
    page.goto(f"{live_server.url}/tenant/")
    page.get_by_role("link", name="API e webhook").click()
    page.get_by_label("Nome").fill("Gestionale")
    page.get_by_role("button", name="Crea token").click()
    expect(page.locator(".token-secret")).to_be_visible()
    assert_no_serious_violations(page)
    assert AccessToken.objects.get().kind == AccessToken.Kind.COMPANY

    page.get_by_role("link", name="Webhook", exact=True).click()
    page.get_by_label("Indirizzo").fill("http://127.0.0.1:9/hooks")
    page.get_by_role("button", name="Registra").click()
    expect(page.get_by_text("whsec_")).to_be_visible()
    assert_no_serious_violations(page)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.tenant == acme and len(endpoint.events) == 4


def test_a_vendor_administrator_sees_the_webhooks_of_every_company(live_server, page, victor):
    sign_in_browser(page.context, live_server, victor)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Webhook").click()
    expect(page.get_by_role("heading", name="Webhook", exact=True)).to_be_visible()
    assert_no_serious_violations(page)
