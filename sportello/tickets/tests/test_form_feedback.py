"""What the ticket forms say about a problem: an error summary at the top linking to each
field, the browser's checks in the server's own words, and the close checkbox shown
disabled, with the time it becomes possible, until the ticket may be closed (rule R9)."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sportello.testing.fixtures import make_ticket
from sportello.tickets.templatetags.tickets import closable_time, seconds_until_closable

pytestmark = pytest.mark.django_db
NEW = "/tickets/new/"


def summary_links(page: str) -> list[tuple[str, str]]:
    summary = page[
        page.index('<div class="error-summary"') : page.index("</div>", page.index('<div class="error-summary"'))
    ]
    return [(target, html.unescape(text)) for target, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)]


def test_an_empty_new_ticket_gets_a_summary_linking_to_each_missing_field_in_order(client, bob, acme, login):
    login(client, bob, acme)

    page = client.post(NEW, {"email": bob.email, "contact_preference": "web"}).text

    assert "C'è un problema" in page
    assert [target for target, _text in summary_links(page)] == [
        "id_request_type_0", "id_area_0", "id_priority_0", "id_title", "id_description",
    ]  # fmt: skip
    assert all(text == "Questo campo è obbligatorio." for _target, text in summary_links(page))
    for target, _text in summary_links(page):
        assert f'id="{target}"' in page, "each link leads to a control of the page"


def test_required_fields_carry_the_servers_message_for_the_browsers_check(client, bob, acme, login):
    login(client, bob, acme)

    page = client.get(NEW).text
    empty = client.post(NEW, {}).text

    for name in ("title", "description", "request_type", "area"):
        message = re.search(rf'data-required="([^"]+)"[^>]*>\s*(?:<legend>[^<]*<span|<label for="id_{name}")', page)
        assert message is not None, name
    browser_says = set(re.findall(r'data-required="([^"]+)"', page))
    server_says = {text for _target, text in summary_links(empty)}
    assert server_says <= {html.unescape(text) for text in browser_says}


def test_an_oversized_file_is_refused_in_the_same_words_the_browser_uses(client, bob, acme, login, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    login(client, bob, acme)
    browser_template = html.unescape(re.search(r'data-too-large="([^"]+)"', client.get(NEW).text).group(1))

    page = client.post(NEW, {"attachments": [SimpleUploadedFile("enorme.zip", b"x" * (1024 * 1024))]}).text

    expected = browser_template.replace("{file}", "enorme.zip")
    assert expected == "“enorme.zip” è troppo grande: è possibile allegare solo file di dimensioni inferiori a 1 MB."
    assert ("id_attachments", expected) in summary_links(page)


def test_the_reply_form_links_its_error_to_the_reply(client, bob, acme, ticket, login):
    login(client, bob, acme)

    page = client.post(f"/tickets/{ticket.pk}/reply/", {"body": ""}).text

    assert [target for target, _text in summary_links(page)] == ["id_body"]


def test_before_the_minutes_pass_the_close_checkbox_is_disabled_with_the_time_rounded_up(
    client, bob, acme, login, settings
):
    settings.TICKET_CLOSE_AFTER_MINUTES = 5
    created = timezone.localtime().replace(hour=13, minute=2, second=10, microsecond=0)
    with time_machine.travel(created, tick=False) as clock:
        ticket = make_ticket(acme, bob)
        login(client, bob, acme)
        clock.shift(timedelta(minutes=4, seconds=50))

        page = client.get(f"/tickets/{ticket.pk}/").text

        checkbox = re.search(r'<input type="checkbox" name="close"[^>]*>', page).group(0)
        assert "disabled" in checkbox and 'aria-describedby="close-from"' in checkbox
        assert "Potrai chiuderlo dalle 13:08." in page, "13:07:10 is shown as 13:08, never as 13:07"
        assert 'data-enable-in="10"' in page

        clock.shift(timedelta(seconds=10))
        page = client.get(f"/tickets/{ticket.pk}/").text
        checkbox = re.search(r'<input type="checkbox" name="close"[^>]*>', page).group(0)
        assert "disabled" not in checkbox and "Potrai chiuderlo" not in page


def test_a_closing_time_on_the_minute_is_shown_as_it_is(bob, acme, settings):
    settings.TICKET_CLOSE_AFTER_MINUTES = 5
    with time_machine.travel(timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0), tick=False):
        ticket = make_ticket(acme, bob)

        assert closable_time(ticket) == "09:05"
        assert seconds_until_closable(ticket) == 300
