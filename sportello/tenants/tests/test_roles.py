"""Roles ("Ruoli Assegnati"), removing people, and the rule of the last administrator."""

import pytest
from django.test import Client

from sportello.accounts import services as accounts_services
from sportello.accounts.models import SecurityEvent
from sportello.lib.audit import Audit
from sportello.tenants import services
from sportello.tenants.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_an_administrator_changes_a_role(client, alice, bob, acme, login):
    login(client, alice, acme)

    client.post(f"/tenant/users/{bob.public_id}/role/", {"role": Role.ADMINISTRATOR})

    assert Membership.objects.get(user=bob).role == Role.ADMINISTRATOR
    assert SecurityEvent.objects.filter(kind="role_changed", user=bob, actor=alice, tenant=acme).exists()


def test_the_last_administrator_cannot_be_demoted(client, alice, bob, acme, login):
    login(client, alice, acme)

    response = client.post(f"/tenant/users/{alice.public_id}/role/", {"role": Role.TECHNICIAN}, follow=True)

    assert "almeno un amministratore" in response.text
    assert Membership.objects.get(user=alice).role == Role.ADMINISTRATOR


def test_the_last_administrator_cannot_be_removed(client, alice, bob, acme, login):
    Membership.objects.filter(user=bob).update(role=Role.ADMINISTRATOR)
    login(client, bob, acme)
    client.post(f"/tenant/users/{alice.public_id}/remove/")
    assert not Membership.objects.filter(user=alice).exists()

    response = client.post(f"/tenant/users/{bob.public_id}/remove/", follow=True)

    assert "almeno un amministratore" in response.text
    assert Membership.objects.filter(user=bob, role=Role.ADMINISTRATOR).exists()


def test_an_administrator_can_step_down_when_another_remains(client, alice, bob, acme, login):
    Membership.objects.filter(user=bob).update(role=Role.ADMINISTRATOR)
    login(client, alice, acme)

    client.post(f"/tenant/users/{alice.public_id}/role/", {"role": Role.TECHNICIAN})

    assert Membership.objects.get(user=alice).role == Role.TECHNICIAN
    assert client.get("/tenant/").status_code == 403, "a technician no longer administers"


def test_a_removed_person_can_no_longer_work_for_the_company(client, alice, bob, acme, login):
    bobs_client = login(Client(), bob, acme)
    assert bobs_client.get("/dashboard/").status_code == 200
    login(client, alice, acme)

    client.post(f"/tenant/users/{bob.public_id}/remove/")

    assert not Membership.objects.filter(user=bob).exists()
    assert bobs_client.get("/dashboard/").url == "/companies/start/"


def test_a_bad_role_is_refused_and_changes_nothing(client, alice, bob, acme, login):
    login(client, alice, acme)

    response = client.post(f"/tenant/users/{bob.public_id}/role/", {"role": "superuser"}, follow=True)

    assert "Scegli uno dei ruoli" in response.text
    assert Membership.objects.get(user=bob).role == Role.TECHNICIAN


def test_technicians_cannot_administer_the_company(client, bob, alice, acme, login):
    login(client, bob, acme)

    for url in ("/tenant/", "/tenant/invitations/", "/tenant/log/"):
        assert client.get(url).status_code == 403
    assert client.post(f"/tenant/users/{alice.public_id}/remove/").status_code == 403
    assert client.post(f"/tenant/users/{bob.public_id}/role/", {"role": Role.ADMINISTRATOR}).status_code == 403
    assert Membership.objects.get(user=bob).role == Role.TECHNICIAN
    assert "Gestione Tenant" not in client.get("/dashboard/").text


def test_administrators_see_the_menu_and_both_tabs(client, alice, bob, acme, login):
    login(client, alice, acme)

    dashboard = client.get("/dashboard/")
    users = client.get("/tenant/")

    assert "Gestione Tenant" in dashboard.text
    assert "Utenti Invitati" in users.text and "Utenti" in users.text
    assert bob.email in users.text


def test_the_security_log_shows_the_company_and_its_people_only(client, alice, bob, eve, acme, login):
    SecurityEvent.objects.create(kind="login_succeeded", user=bob)
    SecurityEvent.objects.create(kind="login_failed", user=eve, email="eve@globex.example.com")
    login(client, alice, acme)

    page = client.get("/tenant/log/")

    assert bob.email in page.text
    assert eve.email not in page.text


class LogDown(Exception):
    """The security log cannot be written (the database refused the row)."""


@pytest.mark.parametrize(
    "change",
    [
        lambda alice, bob, acme, audit: services.change_role(
            alice, Membership.objects.get(user=bob), Role.ADMINISTRATOR, audit=audit
        ),
        lambda alice, bob, acme, audit: services.remove_member(alice, Membership.objects.get(user=bob), audit=audit),
        lambda alice, bob, acme, audit: services.set_tenant_active(alice, acme, False, audit=audit),
    ],
    ids=["role", "removal", "deactivation"],
)
def test_a_change_whose_log_line_cannot_be_written_is_not_made(alice, bob, acme, monkeypatch, change):
    def refuse(*args, **kwargs):
        raise LogDown

    monkeypatch.setattr(accounts_services, "record_event", refuse)

    with pytest.raises(LogDown):
        change(alice, bob, acme, Audit("web", ip_address="192.0.2.5"))

    acme.refresh_from_db()
    assert acme.is_active
    assert Membership.objects.get(user=bob).role == Role.TECHNICIAN
