"""The widgets as people see them: "Aggiungi" offers only the widgets not placed yet, and
the desk's "Non assegnati per area" draws readable horizontal bars (issue 15 item 4)."""

import pytest
from playwright.sync_api import expect

from sportello.dashboard.models import Dashboard
from sportello.testing.browser import sign_in_browser
from sportello.testing.fixtures import make_ticket
from sportello.tickets.models import Area

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_widget_list_offers_only_what_is_not_on_the_dashboard(live_site, page, alice, acme):
    Dashboard.objects.create(
        user=alice, tenant=acme, items=[{"id": "w1", "kind": "ticket_list", "x": 0, "y": 0, "w": 6, "h": 4}]
    )
    sign_in_browser(page.context, live_site, alice, acme)
    page.goto(f"{live_site.url}/dashboard/")
    page.get_by_role("button", name="Aggiungi", exact=True).click()
    palette = page.get_by_role("complementary", name="Widget disponibili")

    expect(palette.get_by_role("button", name="Aggiungi Elenco Ticket")).to_be_hidden()
    palette.get_by_role("button", name="Aggiungi Stato Ticket").click()
    expect(palette.get_by_role("button", name="Aggiungi Stato Ticket")).to_be_hidden()
    expect(palette.get_by_text("Tutti i widget sono già sulla dashboard.")).to_be_visible()

    widget = page.locator(".grid-stack-item", has=page.get_by_role("heading", name="Elenco Ticket"))
    widget.locator("summary").click()
    widget.get_by_role("button", name="Rimuovi").click()
    page.get_by_role("button", name="Aggiungi", exact=True).click()
    expect(palette.get_by_role("button", name="Aggiungi Elenco Ticket")).to_be_visible()
    expect(palette.get_by_text("Tutti i widget sono già sulla dashboard.")).to_be_hidden()


def test_unassigned_tickets_by_area_are_horizontal_bars_with_short_labels(live_site, page, oscar, acme, bob):
    make_ticket(acme, bob, area=Area.SYSTEMS)
    make_ticket(acme, bob, area=Area.SYSTEMS)
    make_ticket(acme, bob, area=Area.ADMINISTRATIVE)
    Dashboard.objects.create(
        user=oscar, tenant=None, items=[{"id": "w1", "kind": "desk_unassigned_by_area", "x": 0, "y": 0, "w": 4, "h": 4}]
    )
    sign_in_browser(page.context, live_site, oscar)
    page.goto(f"{live_site.url}/dashboard/")
    canvas = page.locator("canvas.status-chart")
    expect(canvas).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas.status-chart'))")

    chart = canvas.evaluate(
        """(canvas) => {
          const chart = Chart.getChart(canvas);
          return {
            axis: chart.options.indexAxis,
            labels: chart.data.labels,
            lengths: chart.getDatasetMeta(0).data.map((bar) => Math.round(Math.abs(bar.x - bar.base))),
          };
        }"""
    )

    assert chart["axis"] == "y"
    assert chart["labels"] == ["Amministrativa", "Gestionale", "Sistemistica"]
    administrative, management, systems = chart["lengths"]
    assert management == 0 and 0 < administrative < systems
