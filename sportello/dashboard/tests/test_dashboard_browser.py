"""The dashboard in a real browser: drag a widget in, resize it, find it again; the same
with the keyboard only; remove it."""

import re

import pytest
from playwright.sync_api import expect

from sportello.dashboard.models import Dashboard
from sportello.testing.browser import sign_in_browser
from sportello.testing.fixtures import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def grid_items(page):
    return page.locator("#dashboard-grid > .grid-stack-item")


def geometry(item) -> tuple:
    """Where GridStack has the widget: column, row, width, height."""
    return tuple(item.evaluate("el => { const n = el.gridstackNode; return [n.x, n.y, n.w, n.h]; }"))


def wait_saved(page, before):
    page.wait_for_function(
        "(before) => (document.getElementById('dashboard').dataset.saved || '') !== before", arg=before
    )


def saved_marker(page):
    return page.evaluate("() => document.getElementById('dashboard').dataset.saved || ''")


def drag(page, source, target_x, target_y):
    box = source.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 15)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(
            box["x"] + 20 + (target_x - box["x"] - 20) * step / 10,
            box["y"] + 15 + (target_y - box["y"] - 15) * step / 10,
        )
    page.mouse.up()


def test_a_widget_is_dragged_in_resized_and_found_again_after_reload(live_site, page, alice, bob, acme):
    make_ticket(acme, bob, title="Primo ticket")
    sign_in_browser(page.context, live_site, alice, acme)
    page.goto(f"{live_site.url}/dashboard/")

    expect(grid_items(page)).to_have_count(0)
    page.get_by_role("button", name="Aggiungi", exact=True).click()
    palette = page.get_by_role("complementary", name="Widget disponibili")
    expect(palette).to_be_visible()
    expect(palette).to_contain_text("Elenco Ticket")

    grid_box = page.locator("#dashboard-grid").bounding_box()
    before = saved_marker(page)
    drag(page, palette.locator(".palette-item[data-kind=ticket_status] strong"), grid_box["x"] + 60, grid_box["y"] + 40)
    item = grid_items(page).first
    expect(item).to_contain_text("Stato Ticket")
    expect(item.locator("canvas.status-chart")).to_be_visible()
    expect(item.locator(".status-table")).to_contain_text("Non assegnato")
    wait_saved(page, before)

    width_before = geometry(item)[2]
    handle = item.locator(".ui-resizable-se")
    item.hover()
    box = handle.bounding_box()
    before = saved_marker(page)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(box["x"] + 20 * step, box["y"] + 12 * step)
    page.mouse.up()
    wait_saved(page, before)
    left = geometry(item)
    assert left[2] > width_before, "wider after the resize"

    page.reload()
    expect(grid_items(page)).to_have_count(1)
    assert geometry(grid_items(page).first) == left
    stored = Dashboard.objects.get(user=alice, tenant=acme).items
    assert [(i["kind"], i["x"], i["y"], i["w"], i["h"]) for i in stored] == [("ticket_status", *left)]


def test_everything_dragging_does_the_keyboard_does_too(live_site, page, alice, bob, acme):
    make_ticket(acme, bob, title="Ticket da tastiera")
    sign_in_browser(page.context, live_site, alice, acme)
    page.goto(f"{live_site.url}/dashboard/")

    page.get_by_role("button", name="Aggiungi", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Widget disponibili")).to_be_focused()
    add = page.get_by_role("button", name="Aggiungi Elenco Ticket")
    add.focus()
    before = saved_marker(page)
    page.keyboard.press("Enter")
    wait_saved(page, before)
    item = grid_items(page).first
    expect(item.get_by_role("heading", name="Elenco Ticket")).to_be_focused()
    expect(item.get_by_role("link", name=re.compile("Ticket da tastiera"))).to_be_visible()
    start = geometry(item)

    item.locator("summary").focus()
    page.keyboard.press("Enter")
    for name in ("Più largo", "Più alto", "Sposta in basso"):
        before = saved_marker(page)
        item.get_by_role("button", name=name).focus()
        page.keyboard.press("Enter")
        wait_saved(page, before)
    moved = geometry(item)
    assert moved == (start[0], start[1] + 1, start[2] + 1, start[3] + 1)

    page.reload()
    assert geometry(grid_items(page).first) == moved

    item = grid_items(page).first
    item.locator("summary").focus()
    page.keyboard.press("Enter")
    before = saved_marker(page)
    item.get_by_role("button", name="Rimuovi").focus()
    page.keyboard.press("Enter")
    wait_saved(page, before)
    page.reload()
    expect(grid_items(page)).to_have_count(0)
    expect(page.get_by_role("button", name="Aggiungi", exact=True)).to_be_visible()
    assert Dashboard.objects.get(user=alice, tenant=acme).items == []
