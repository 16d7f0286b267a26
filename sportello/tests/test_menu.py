"""The left menu marks the section of the page shown, from each page's URL name (no
guessing from slices of view names): exactly one entry, the right one."""

import re

import pytest

from sportello.testing.fixtures import make_ticket

pytestmark = pytest.mark.django_db


def current_entries(page: str) -> list[str]:
    menu = page[page.index('<ul class="menu">') : page.index("</ul>", page.index('<ul class="menu">'))]
    return re.findall(r'<a href="([^"]+)"[^>]*aria-current="page"', menu)


def test_each_customer_page_marks_its_own_menu_entry(client, alice, acme, login):
    ticket = make_ticket(acme, alice)
    login(client, alice, acme)

    for url, entry in (
        ("/dashboard/", "/dashboard/"),
        ("/tickets/new/", "/tickets/new/"),
        ("/tickets/", "/tickets/"),
        (f"/tickets/{ticket.pk}/", "/tickets/"),
        ("/tenant/", "/tenant/"),
        ("/tenant/invitations/", "/tenant/"),
        ("/tenant/log/", "/tenant/"),
        ("/account/profile/", None),
    ):
        assert current_entries(client.get(url).text) == ([entry] if entry else []), url


def test_each_desk_page_marks_its_own_menu_entry(client, victor, acme, bob, login):
    ticket = make_ticket(acme, bob)
    login(client, victor)

    for url, entry in (
        ("/desk/", "/desk/"),
        (f"/desk/tickets/{ticket.pk}/", "/desk/"),
        ("/desk/companies/", "/desk/companies/"),
        ("/desk/companies/new/", "/desk/companies/"),
        (f"/desk/companies/{acme.public_id}/", "/desk/companies/"),
        ("/desk/operators/", "/desk/operators/"),
        ("/desk/emails/", "/desk/emails/"),
        ("/desk/security/", "/desk/security/"),
    ):
        assert current_entries(client.get(url).text) == [entry], url
