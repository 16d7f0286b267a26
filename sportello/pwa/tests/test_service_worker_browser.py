"""The installable app in a real browser (Chromium): the service worker registers, keeps
only the shell, and shows the offline page without a network; old browsers read their page."""

import pytest
from playwright.sync_api import expect

from sportello.testing.browser import sign_in_browser

pytestmark = pytest.mark.django_db(transaction=True)

IE_11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"
CACHED_URLS = """async () => {
  const entries = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) entries.push(new URL(request.url).pathname);
  }
  return entries;
}"""


def _wait_for_the_worker(page) -> dict:
    """Waits until the service worker is active and controls the page, and describes it."""
    # Service workers need a secure context: pytest-django's live server is on
    # http://localhost, which browsers treat as one.
    assert page.url.startswith("http://localhost:"), page.url
    # wait_for_function gives up after Playwright's timeout; `ready` alone would wait forever.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    registration = page.evaluate(
        "async () => { const r = await navigator.serviceWorker.ready;"
        " return {scope: r.scope, script: r.active.scriptURL}; }"
    )
    return registration


def test_the_service_worker_registers_and_becomes_active(live_server, page):
    page.goto(f"{live_server.url}/account/login/")

    registration = _wait_for_the_worker(page)

    assert registration == {"scope": f"{live_server.url}/", "script": f"{live_server.url}/sw.js"}
    page.wait_for_function("() => navigator.serviceWorker.controller.state === 'activated'")


def test_chromium_finds_nothing_that_stops_installing_the_portal_as_an_app(
    live_server, browser_type, browser_type_launch_args, tmp_path
):
    # A profile on disk: in the private windows of Playwright's usual contexts Chromium
    # refuses to install anything, and stops checking there.
    context = browser_type.launch_persistent_context(str(tmp_path), **browser_type_launch_args)
    page = context.new_page()
    page.goto(f"{live_server.url}/account/login/")
    _wait_for_the_worker(page)
    devtools = context.new_cdp_session(page)

    manifest = devtools.send("Page.getAppManifest")
    errors = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    context.close()

    assert manifest["url"] == f"{live_server.url}/manifest.webmanifest"
    assert manifest["errors"] == []
    assert errors == []


def test_after_pages_with_data_the_cache_holds_only_the_shell_and_the_offline_page(live_server, page, alice, acme):
    sign_in_browser(page.context, live_server, alice, acme)
    page.goto(f"{live_server.url}/dashboard/")
    _wait_for_the_worker(page)
    for url in ("/account/profile/", "/tenant/", "/tenant/invitations/", "/dashboard/"):
        page.goto(f"{live_server.url}{url}")  # through the worker, which now controls the page

    cached = page.evaluate(CACHED_URLS)
    offline_page = page.evaluate("async () => (await caches.match('/offline/', {ignoreVary: true})).text()")

    assert cached
    assert [url for url in cached if not url.startswith("/static/")] == ["/offline/"]
    assert "/static/css/sportello.css" in cached and "/static/pwa/icon-512.png" in cached
    assert "Sei offline" in offline_page
    assert alice.email not in offline_page and "ACME" not in offline_page


def test_without_a_network_a_page_shows_the_offline_page_with_its_style(live_server, page, alice, acme):
    sign_in_browser(page.context, live_server, alice, acme)
    page.goto(f"{live_server.url}/dashboard/")
    _wait_for_the_worker(page)

    page.context.set_offline(True)
    page.goto(f"{live_server.url}/account/profile/")

    expect(page.get_by_role("heading", name="Sei offline")).to_be_visible()
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.locator(".public-card")).to_have_css("border-radius", "8px")  # the stylesheet, from the cache

    page.context.set_offline(False)
    page.get_by_role("link", name="Riprova").click()
    expect(page.get_by_role("heading", name="Profilo", exact=True)).to_be_visible()


def test_an_old_browser_reads_its_page_styled_and_without_javascript(live_server, browser):
    context = browser.new_context(user_agent=IE_11, java_script_enabled=False)
    page = context.new_page()

    response = page.goto(f"{live_server.url}/dashboard/")

    assert response.status == 200 and response.url == f"{live_server.url}/dashboard/"
    expect(page.get_by_role("heading", name="Utilizzo di un Browser non supportato")).to_be_visible()
    expect(page.get_by_role("img", name="l'icona di Sportello")).to_be_visible()
    expect(page.locator(".public-card")).to_have_css("border-radius", "8px")
    page.get_by_label("Lingua").select_option("en")
    page.get_by_role("button", name="Cambia").click()
    expect(page.get_by_role("heading", name="Using a browser that is not supported")).to_be_visible()
    context.close()
