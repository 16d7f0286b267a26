"""The page shell in a real browser: the left menu, the icons top right, the language."""

import re

import pytest
from playwright.sync_api import expect

from sportello.testing.browser import sign_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_left_menu_hides_and_shows_and_remembers(live_server, page, alice, acme):
    sign_in_browser(page.context, live_server, alice, acme)
    page.goto(f"{live_server.url}/dashboard/")
    toggle = page.get_by_role("button", name="Nascondi menu")
    menu = page.get_by_role("navigation", name="Menu principale")

    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")

    toggle.click()
    expect(menu).to_be_hidden()
    show = page.get_by_role("button", name="Mostra menu")
    expect(show).to_have_attribute("aria-expanded", "false")

    page.reload()
    expect(menu).to_be_hidden()
    page.get_by_role("button", name="Mostra menu").click()
    expect(menu).to_be_visible()
    expect(page.get_by_role("button", name="Nascondi menu")).to_have_attribute("aria-expanded", "true")


def test_on_a_phone_the_menu_opens_over_the_page_and_closes_with_escape(live_server, browser, alice, acme):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in_browser(context, live_server, alice, acme)
    page.goto(f"{live_server.url}/dashboard/")
    menu = page.get_by_role("navigation", name="Menu principale")

    expect(menu).to_be_hidden()
    page.get_by_role("button", name="Mostra menu").click()
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Dashboard")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    context.close()


def test_the_user_icon_and_the_company_icon_sit_top_right(live_server, page, alice, acme):
    sign_in_browser(page.context, live_server, alice, acme)
    page.goto(f"{live_server.url}/dashboard/")

    company = page.get_by_role("link", name=re.compile("ACME S.r.l."))
    expect(company).to_have_attribute("href", "/companies/")
    user_icon = page.locator("#user-menu summary")
    company_box = company.bounding_box()
    user_box = user_icon.bounding_box()
    assert company_box["x"] < user_box["x"], "the user's icon is the rightmost, the company's beside it"

    user_icon.click()
    expect(page.get_by_role("link", name="Profilo")).to_be_visible()
    expect(page.get_by_role("button", name="Logout")).to_be_visible()
    page.get_by_role("link", name="Profilo").click()
    expect(page.get_by_role("heading", name="Profilo", exact=True)).to_be_visible()


def test_the_language_is_italian_by_default_and_english_can_be_chosen(live_server, browser, alice, acme):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    sign_in_browser(context, live_server, alice, acme)
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_role("button", name="Nascondi menu")).to_be_visible()

    page.locator("#user-menu summary").click()
    page.get_by_label("Lingua").select_option("en")
    page.get_by_role("button", name="Cambia").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Hide menu")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    alice.refresh_from_db()
    assert alice.language == "en"
    context.close()


def test_the_skip_link_leads_to_the_main_content(live_server, page, alice, acme):
    sign_in_browser(page.context, live_server, alice, acme)
    page.goto(f"{live_server.url}/dashboard/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Vai al contenuto")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
