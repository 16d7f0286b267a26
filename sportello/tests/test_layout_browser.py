"""Every main page fits a 1366 × 768 laptop and a 390 × 844 phone, for each persona:
nothing scrolls sideways, the last column of every table row (or a card's link) is in
view, the dashboard's widgets are at least 300 px wide on the phone, and axe finds no
serious or critical violation. The screenshots go to var/screenshots/ (git-ignored), to
be looked at.

Issue 15, items 1-4 and "Done when"."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from sportello.accounts.models import SecurityEvent
from sportello.dashboard.models import Dashboard
from sportello.dashboard.widgets import CUSTOMER, OPERATOR, WIDGETS
from sportello.notifications.models import OutboundEmail
from sportello.testing.axe import assert_no_serious_violations
from sportello.testing.browser import sign_in_browser
from sportello.testing.fixtures import make_ticket, make_user
from sportello.tickets import services
from sportello.tickets.models import Area, Priority, Status, Ticket

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
SIZES = {"laptop": (1366, 768), "phone": (390, 844)}
LONG_TITLE = "La stampa dei documenti di trasporto si blocca dopo l'aggiornamento del driver della stampante"
LONG_TEXT = (
    "Buongiorno, dal modulo vendite la stampa dei DDT si interrompe con l'errore 0x8007 "
    "quando il documento supera le due pagine; succede su tutte le postazioni del magazzino."
)

# What each persona checks: for each page, whether it has a list whose filter panel opens.
MEASURE = """() => {
  const width = window.innerWidth;
  const outside = [];
  document.querySelectorAll("table tbody tr").forEach((row) => {
    const cell = row.lastElementChild;
    const box = cell && cell.getBoundingClientRect();
    if (box && box.width && (box.left < -0.5 || box.right > width + 0.5)) {
      outside.push(`${cell.textContent.trim().slice(0, 40)} (${Math.round(box.left)}–${Math.round(box.right)})`);
    }
  });
  return { scrollWidth: document.documentElement.scrollWidth, width, outside };
}"""


@dataclass
class Persona:
    name: str
    user: object
    tenant: object
    pages: list


@pytest.fixture
def world(acme, alice, bob, oscar, victor):
    """A company with long names and words, tickets in each state with a chat and files,
    every widget on each person's dashboard, an undelivered e-mail and security events."""
    acme.name = "ACME Distribuzione Componenti Industriali S.r.l."
    acme.save()
    make_user("giovanna.bernardini-castelli@acme.example.com", "Giovanna", "Bernardini Castelli")
    tickets = [
        make_ticket(acme, bob, title=LONG_TITLE, description=LONG_TEXT, priority=Priority.BLOCKING, area=Area.SYSTEMS),
        make_ticket(acme, alice, title="Registri IVA", description="Non tornano.", priority=Priority.HIGH),
        make_ticket(acme, bob, title="Ordine 77", description="Non si evade.", area=Area.MANAGEMENT),
    ]
    services.take(oscar, tickets[0])
    services.reply_as_operator(
        oscar, tickets[0], body=LONG_TEXT, files=[SimpleUploadedFile("registro-stampe-magazzino.log", b"x" * 3000)]
    )
    services.reply_as_operator(oscar, tickets[0], body="Nota per il team sviluppo.", internal=True)
    services.take(oscar, tickets[1])
    services.change_status(oscar, tickets[1], Status.CLOSED)
    for user, tenant, audience in (
        (bob, acme, CUSTOMER),
        (alice, acme, CUSTOMER),
        (oscar, None, OPERATOR),
        (victor, None, OPERATOR),
    ):
        kinds = [widget.kind for widget in WIDGETS.values() if widget.audience == audience]
        items = [
            {"id": f"w{n}", "kind": kind, "x": (n % 2) * 6, "y": (n // 2) * 4, "w": 6, "h": 4}
            for n, kind in enumerate(kinds)
        ]
        Dashboard.objects.create(user=user, tenant=tenant, items=items)
    OutboundEmail.objects.create(
        kind="ticket_opened",
        to="giovanna.bernardini-castelli@acme.example.com",
        subject=f"Ticket #{tickets[0].pk} aperto: {LONG_TITLE}",
        body_text="…",
        body_html="…",
        language="it",
        status=OutboundEmail.Status.FAILED,
        attempts=7,
        last_attempt_at=timezone.now(),
        last_error="550 5.1.1 <giovanna.bernardini-castelli@acme.example.com>: Recipient address rejected: "
        "User unknown in virtual mailbox table",
    )
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.LOGIN_FAILED,
        user=bob,
        tenant=None,
        email=bob.email,
        ip_address="2001:db8:85a3::8a2e:370:7334",
        detail="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36",
    )
    detail = tickets[0].pk
    customer = ["/dashboard/", "/tickets/", f"/tickets/{detail}/", "/tickets/new/", "/account/profile/"]
    desk = [
        "/dashboard/",
        "/desk/",
        f"/desk/tickets/{detail}/",
        "/desk/emails/",
        "/desk/security/",
        "/account/profile/",
    ]
    return {
        "technician": Persona("technician", bob, acme, [*customer, "/tenant/"]),
        "administrator": Persona(
            "administrator", alice, acme, [*customer, "/tenant/", "/tenant/invitations/", "/tenant/log/"]
        ),
        "operator": Persona("operator", oscar, None, desk),
        "vendor-administrator": Persona(
            "vendor-administrator",
            victor,
            None,
            [
                *desk,
                "/desk/companies/",
                f"/desk/companies/{acme.public_id}/",
                "/desk/companies/new/",
                "/desk/operators/",
            ],
        ),
    }


def assert_fits(page, where: str) -> None:
    found = page.evaluate(MEASURE)
    assert found["scrollWidth"] <= found["width"], f"{where} scrolls sideways: {found['scrollWidth']} px"
    assert not found["outside"], f"{where}: last cells outside the screen: {found['outside']}"


def screenshot(page, persona: str, size: str, url: str, suffix: str = "") -> None:
    slug = url.strip("/").replace("/", "-") or "home"
    page.screenshot(path=SCREENSHOTS / f"{persona}-{size}-{slug}{suffix}.png", full_page=True)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("persona", ["technician", "administrator", "operator", "vendor-administrator"])
def test_every_main_page_fits_the_screen_and_passes_axe(live_site, browser, world, persona, size):
    who = world[persona]
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    sign_in_browser(context, live_site, who.user, who.tenant)
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    for url in who.pages:
        page.goto(f"{live_site.url}{url}")
        where = f"{persona} at {width}×{height} on {url}"
        if url == "/dashboard/":
            expect(page.locator(".widget-body .muted", has_text="Caricamento")).to_have_count(0)
            expect(page.locator("canvas.status-chart").first).to_be_visible()
            widths = page.locator("#dashboard-grid > .grid-stack-item").evaluate_all(
                "(items) => items.map((item) => item.getBoundingClientRect().width)"
            )
            assert widths, where
            if size == "phone":
                assert min(widths) >= 300, f"{where}: widgets {widths} px wide"
        assert_fits(page, where)
        assert_no_serious_violations(page)
        screenshot(page, persona, size, url)

        panel = page.locator("details.list-filters")
        if panel.count() and not panel.evaluate("(details) => details.open"):
            panel.locator("summary").click()
            expect(panel.locator("form")).to_be_visible()
            assert_fits(page, f"{where} with the filters open")
            assert_no_serious_violations(page)
            screenshot(page, persona, size, url, "-filters")
    context.close()


def test_a_ticket_row_is_clickable_and_its_link_opens_a_new_tab(live_site, page, world):
    who = world["technician"]
    ticket = Ticket.objects.get(title=LONG_TITLE)
    sign_in_browser(page.context, live_site, who.user, who.tenant)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_site.url}/tickets/")
    row = page.locator("tbody tr", has_text=LONG_TITLE)

    with page.context.expect_page() as new_tab:
        row.get_by_role("link", name=f"Visualizza ticket #{ticket.pk}").click(button="middle")
    new_tab.value.wait_for_load_state()
    assert new_tab.value.url.endswith(f"/tickets/{ticket.pk}/")
    assert page.url.endswith("/tickets/")

    row.locator(".summary").click()
    expect(page).to_have_url(f"{live_site.url}/tickets/{ticket.pk}/")


def test_selecting_text_in_a_row_does_not_open_the_ticket(live_site, page, world):
    who = world["technician"]
    sign_in_browser(page.context, live_site, who.user, who.tenant)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_site.url}/tickets/")
    title = page.locator("tbody tr strong", has_text=LONG_TITLE)

    box = title.bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)  # drags across the title, as a person copying it
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()

    assert page.evaluate("() => String(window.getSelection())").strip()
    assert page.url.endswith("/tickets/")
