"""Onboarding and deactivating companies, inviting operators (vendor administrators)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sportello.accounts.models import User
from sportello.desk.models import OperatorArea
from sportello.tenants.models import Invitation, Membership, Role, Tenant
from sportello.testing.fixtures import make_ticket, make_user
from sportello.tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


def test_a_vendor_administrator_creates_a_company_and_invites_its_administrator(client, victor, login, mailbox):
    login(client, victor)

    response = client.post(
        "/desk/companies/new/",
        {"name": "Initech S.r.l.", "vat_number": "09876540122", "admin_email": "boss@initech.example.com"},
    )

    tenant = Tenant.objects.get()
    assert response.url == f"/desk/companies/{tenant.public_id}/"
    assert tenant.vat_number == "IT09876540122"
    assert Invitation.objects.get(tenant=tenant).email == "boss@initech.example.com"
    assert len(mailbox.to("boss@initech.example.com")) == 2


def _company_rows(html: str) -> dict[str, tuple[str, str]]:
    """The list's rows as {company name: (users, open tickets)}."""
    rows = re.findall(
        r"<tr>\s*<td[^>]*><a [^>]*>([^<]+)</a></td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>",
        html,
    )
    return {name: (users, open_tickets) for name, users, open_tickets in rows}


def test_the_list_of_companies_counts_each_ones_people_and_open_tickets(
    client, victor, acme, alice, bob, globex, eve, login
):
    make_ticket(acme, bob)
    make_ticket(acme, alice)
    Ticket.objects.filter(pk=make_ticket(acme, bob).pk).update(status=Status.CLOSED)
    make_ticket(globex, eve)
    Tenant.objects.create(name="Initech S.r.l.", vat_number="IT09876540122")
    login(client, victor)

    response = client.get("/desk/companies/")

    assert _company_rows(response.text) == {
        "ACME S.r.l.": ("2", "2"),
        "Globex S.p.A.": ("1", "1"),
        "Initech S.r.l.": ("0", "0"),
    }


def test_the_list_of_companies_takes_the_same_queries_whatever_their_number(client, victor, acme, bob, login):
    login(client, victor)
    make_ticket(acme, bob)
    client.get("/desk/companies/")
    with CaptureQueriesContext(connection) as few:
        client.get("/desk/companies/")

    for n in range(60):
        tenant = Tenant.objects.create(name=f"Azienda {n:02} S.r.l.", vat_number=f"IT{n:011}")
        person = make_user(f"person{n}@example.com", "Pia", "Rossi")
        Membership.objects.create(tenant=tenant, user=person, role=Role.ADMINISTRATOR)
        make_ticket(tenant, person)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/desk/companies/")

    assert len(_company_rows(response.text)) == 50
    assert "?page=2" in response.text
    assert len(many) == len(few)


def test_a_bad_vat_number_is_refused_with_a_clear_message(client, victor, login):
    login(client, victor)

    response = client.post(
        "/desk/companies/new/", {"name": "Bad", "vat_number": "IT12345678901", "admin_email": "x@example.com"}
    )

    assert response.status_code == 400
    assert "non è una partita IVA valida" in response.text
    assert not Tenant.objects.exists()


def test_operators_and_customers_cannot_onboard_companies(client, oscar, alice, acme, login):
    for user, tenant in ((oscar, None), (alice, acme)):
        other = login(Client(), user, tenant)
        assert other.get("/desk/companies/").status_code == 403
        assert (
            other.post(
                "/desk/companies/new/", {"name": "X", "vat_number": "09876540122", "admin_email": "x@example.com"}
            ).status_code
            == 403
        )
    assert Tenant.objects.count() == 1


def test_a_deactivated_companys_users_cannot_work_for_it(client, victor, bob, acme, login):
    bobs = login(Client(), bob, acme)
    login(client, victor)

    client.post(f"/desk/companies/{acme.public_id}/active/", {"active": "0"})

    acme.refresh_from_db()
    assert not acme.is_active
    assert bobs.get("/dashboard/").url == "/companies/start/"
    choice = bobs.get("/companies/")
    assert "ACME" not in choice.text
    assert bobs.post(f"/companies/{acme.public_id}/select/").status_code == 404

    client.post(f"/desk/companies/{acme.public_id}/active/", {"active": "1"})
    assert bobs.get("/companies/start/").url == "/dashboard/"


def test_a_vendor_administrator_invites_an_operator(client, victor, login, mailbox):
    login(client, victor)

    client.post("/desk/operators/", {"email": "new.operator@vendor.example.com"})

    operator = User.objects.get(email="new.operator@vendor.example.com")
    assert operator.is_operator and not operator.is_staff
    assert "credenziali provvisorie" in mailbox.last(operator.email).subject


def _areas_checked(html: str, operator) -> list[str]:
    """The areas ticked in `operator`'s row of the operators page."""
    row = re.search(rf"<tr>(?:(?!</tr>).)*{re.escape(operator.email)}(?:(?!</tr>).)*</tr>", html, re.S).group(0)
    return re.findall(r'name="areas" value="(\w+)" checked', row)


def test_a_vendor_administrator_sets_the_areas_an_operator_serves(client, victor, oscar, login):
    login(client, victor)
    url = f"/desk/operators/{oscar.public_id}/areas/"

    client.post(url, {"areas": ["systems", "management"]})
    page = client.get("/desk/operators/").text
    client.post(url, {"areas": ["administrative"]})

    assert sorted(_areas_checked(page, oscar)) == ["management", "systems"]
    assert list(OperatorArea.objects.filter(user=oscar).values_list("area", flat=True)) == ["administrative"]
    assert _areas_checked(client.get("/desk/operators/").text, oscar) == ["administrative"]
    client.post(url, {})
    assert not OperatorArea.objects.filter(user=oscar).exists()


def test_an_unknown_area_is_refused_and_changes_nothing(client, victor, oscar, login):
    OperatorArea.objects.create(user=oscar, area="systems")
    login(client, victor)

    response = client.post(f"/desk/operators/{oscar.public_id}/areas/", {"areas": ["payroll"]}, follow=True)

    assert "payroll non è tra quelle disponibili" in response.text
    assert list(OperatorArea.objects.filter(user=oscar).values_list("area", flat=True)) == ["systems"]


def test_an_operator_invited_with_areas_serves_them(client, victor, login, mailbox):
    login(client, victor)

    client.post("/desk/operators/", {"email": "areas@vendor.example.com", "areas": ["systems"]})

    operator = User.objects.get(email="areas@vendor.example.com")
    assert list(operator.operator_areas.values_list("area", flat=True)) == ["systems"]


def test_only_vendor_administrators_set_areas(client, oscar, login):
    login(client, oscar)

    response = client.post(f"/desk/operators/{oscar.public_id}/areas/", {"areas": ["systems"]})

    assert response.status_code == 403
    assert not OperatorArea.objects.exists()


def test_the_operators_page_comes_in_pages_with_constant_queries(client, victor, login):
    login(client, victor)
    client.get("/desk/operators/")
    with CaptureQueriesContext(connection) as few:
        client.get("/desk/operators/")
    for n in range(60):
        operator = make_user(f"operator{n:02}@vendor.example.com", "Olga", f"Operatrice {n:02}", is_operator=True)
        OperatorArea.objects.create(user=operator, area="systems")

    with CaptureQueriesContext(connection) as many:
        response = client.get("/desk/operators/")

    assert response.text.count('name="areas" value="systems" checked') == 50
    assert "?page=2" in response.text
    assert len(many) == len(few)
