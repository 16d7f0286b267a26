"""Inviting people to a company ("Invita utente") and accepting ("Accetta")."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sportello.accounts import services as accounts_services
from sportello.accounts.models import SecurityEvent, User
from sportello.idempotency.models import IdempotencyKey
from sportello.lib.audit import Audit
from sportello.tenants import services
from sportello.tenants.models import Invitation, Membership, Role, Tenant

pytestmark = pytest.mark.django_db
INVITE = "/tenant/invitations/new/"
AUDIT = Audit("web", ip_address="192.0.2.6")


def test_inviting_a_new_person_sends_the_two_emails_of_the_manual(client, alice, acme, login, mailbox):
    login(client, alice, acme)

    response = client.post(INVITE, {"email": "Nuovo@Acme.example.com", "role": Role.TECHNICIAN})

    assert response.url == "/tenant/invitations/"
    user = User.objects.get(email="nuovo@acme.example.com")
    assert not user.is_activated
    subjects = sorted(mail.subject for mail in mailbox.to(user.email))
    assert subjects == [
        "Invito a unirti a ACME S.r.l. sul portale di assistenza",
        "Le tue credenziali provvisorie per il portale di assistenza",
    ]
    invitation = Invitation.objects.get(email=user.email)
    assert (invitation.tenant, invitation.role, invitation.invited_by) == (acme, Role.TECHNICIAN, alice)
    assert SecurityEvent.objects.filter(kind="invitation_sent", tenant=acme, user=user, actor=alice).exists()


def test_inviting_someone_who_has_an_account_sends_only_the_invitation(client, eve, acme, alice, login, mailbox):
    login(client, alice, acme)

    client.post(INVITE, {"email": eve.email, "role": Role.ADMINISTRATOR})

    [mail] = mailbox.to(eve.email)
    assert "Invito a unirti a ACME S.r.l." in mail.subject
    assert "Amministratore" in mail.text


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("bob@acme.example.com", "fa già parte"),
        ("not-an-address", "indirizzo email valido"),
        ("oscar@vendor.example.com", "personale del fornitore"),
    ],
)
def test_bad_invitations_are_refused_with_a_clear_message(client, alice, bob, oscar, acme, login, email, message):
    login(client, alice, acme)

    response = client.post(INVITE, {"email": email, "role": Role.TECHNICIAN})

    assert response.status_code == 400
    assert message in response.text
    assert not Invitation.objects.exists()


def test_a_pending_invitation_is_not_sent_twice_by_mistake(client, alice, acme, login):
    login(client, alice, acme)
    client.post(INVITE, {"email": "twice@example.com", "role": Role.TECHNICIAN})

    response = client.post(INVITE, {"email": "twice@example.com", "role": Role.TECHNICIAN})

    assert "è già stato invitato" in response.text
    assert Invitation.objects.count() == 1


def test_only_administrators_may_invite(client, bob, acme, login):
    login(client, bob, acme)

    assert client.post(INVITE, {"email": "x@example.com", "role": Role.TECHNICIAN}).status_code == 403
    assert client.get("/tenant/invitations/").status_code == 403
    assert not Invitation.objects.exists()


def test_resending_renews_the_temporary_credentials_of_someone_not_yet_active(client, alice, acme, login, mailbox):
    login(client, alice, acme)
    client.post(INVITE, {"email": "slow@example.com", "role": Role.TECHNICIAN})
    invitation = Invitation.objects.get()
    first_password = _temporary_password(mailbox, "slow@example.com")

    client.post(f"/tenant/invitations/{invitation.public_id}/resend/")

    second_password = _temporary_password(mailbox, "slow@example.com")
    assert second_password != first_password
    user = User.objects.get(email="slow@example.com")
    assert user.check_password(second_password)
    assert not user.check_password(first_password)
    assert len(mailbox.to("slow@example.com")) == 4


def test_withdrawing_ends_the_invitation_and_its_temporary_credentials(client, alice, acme, login, mailbox):
    login(client, alice, acme)
    client.post(INVITE, {"email": "gone@example.com", "role": Role.TECHNICIAN})
    invitation = Invitation.objects.get()
    password = _temporary_password(mailbox, "gone@example.com")

    client.post(f"/tenant/invitations/{invitation.public_id}/withdraw/")

    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    response = Client().post("/account/login/", {"email": "gone@example.com", "password": password})
    assert "scadute" in response.text


def test_withdrawing_one_of_two_invitations_keeps_the_temporary_credentials_for_the_other(
    client, alice, acme, eve, globex, login, mailbox
):
    login(client, alice, acme)
    client.post(INVITE, {"email": "wanted@example.com", "role": Role.TECHNICIAN})
    password = _temporary_password(mailbox, "wanted@example.com")
    login(Client(), eve, globex).post(INVITE, {"email": "wanted@example.com", "role": Role.TECHNICIAN})
    invitation = Invitation.objects.get(tenant=acme)

    client.post(f"/tenant/invitations/{invitation.public_id}/withdraw/")

    response = Client().post("/account/login/", {"email": "wanted@example.com", "password": password})
    assert response.status_code == 302 and "scadute" not in response.text


def test_the_role_of_a_pending_invitation_can_be_changed(client, alice, acme, login):
    login(client, alice, acme)
    client.post(INVITE, {"email": "later@example.com", "role": Role.TECHNICIAN})
    invitation = Invitation.objects.get()

    client.post(f"/tenant/invitations/{invitation.public_id}/role/", {"role": Role.ADMINISTRATOR})

    invitation.refresh_from_db()
    assert invitation.role == Role.ADMINISTRATOR


def test_an_invited_user_accepts_and_chooses_the_company_then_never_sees_the_choice_again(
    client, eve, acme, alice, login
):
    Invitation.objects.create(tenant=acme, email=eve.email, role=Role.TECHNICIAN, invited_by=alice)
    login(client, eve)

    landing = client.get("/companies/start/")
    assert landing.url == "/companies/"
    page = client.get("/companies/")
    assert "Scelta Tenant" in page.text and "Accetta" in page.text
    invitation = Invitation.objects.get()

    client.post(f"/companies/invitations/{invitation.public_id}/accept/")
    membership = Membership.objects.get(tenant=acme, user=eve)
    assert membership.role == Role.TECHNICIAN
    response = client.post(f"/companies/{acme.public_id}/select/")
    assert response.url == "/dashboard/"
    assert "ACME S.r.l." in client.get("/dashboard/").text


def test_a_user_of_one_company_goes_straight_to_work(client, bob, login):
    login(client, bob)

    response = client.get("/companies/start/")

    assert response.url == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_a_user_of_several_companies_chooses_at_each_sign_in(client, bob, globex, login):
    Membership.objects.create(tenant=globex, user=bob, role=Role.TECHNICIAN)
    login(client, bob)

    assert client.get("/companies/start/").url == "/companies/"
    client.post(f"/companies/{globex.public_id}/select/")
    assert "Globex S.p.A." in client.get("/dashboard/").text


def test_nobody_accepts_an_invitation_meant_for_someone_else(client, bob, eve, acme, login):
    invitation = Invitation.objects.create(tenant=acme, email=eve.email, role=Role.ADMINISTRATOR)
    login(client, bob)

    assert client.post(f"/companies/invitations/{invitation.public_id}/accept/").status_code == 404
    assert not Membership.objects.filter(user=eve).filter(tenant=acme).exists()


def test_nobody_selects_a_company_they_do_not_belong_to(client, bob, globex, login):
    login(client, bob)

    assert client.post(f"/companies/{globex.public_id}/select/").status_code == 404


def test_the_invite_tenant_command_creates_the_company_and_invites_its_administrator(mailbox):
    call_command("invite_tenant", name="Initech S.r.l.", vat="it 0987 6540 122", admin_email="boss@initech.example.com")

    tenant = Tenant.objects.get(name="Initech S.r.l.")
    assert tenant.vat_number == "IT09876540122"
    invitation = Invitation.objects.get(tenant=tenant)
    assert (invitation.email, invitation.role) == ("boss@initech.example.com", Role.ADMINISTRATOR)
    assert len(mailbox.to("boss@initech.example.com")) == 2


@pytest.mark.parametrize("vat", ["IT01234567890", "12345", "XX123"])
def test_the_invite_tenant_command_refuses_a_bad_vat_number(vat):
    with pytest.raises(CommandError, match=r"non è una partita IVA valida|not a valid VAT"):
        call_command("invite_tenant", name="Bad S.r.l.", vat=vat, admin_email="x@example.com")
    assert not Tenant.objects.exists()


def test_the_invite_tenant_command_refuses_a_known_vat_number(acme):
    with pytest.raises(CommandError):
        call_command("invite_tenant", name="Copy", vat=acme.vat_number, admin_email="x@example.com")
    assert not Invitation.objects.exists()


def _temporary_password(mailbox, address) -> str:
    mail = mailbox.last(address, "credenziali provvisorie")
    [line] = [line for line in mail.text.splitlines() if line.startswith("Password provvisoria:")]
    return line.split(":", 1)[1].strip()


@pytest.mark.parametrize("change", ["resend", "withdraw", "accept"])
def test_an_invitation_change_whose_log_line_cannot_be_written_is_not_made(
    alice, acme, eve, mailbox, monkeypatch, change
):
    invitation = services.invite(alice, acme, eve.email, Role.TECHNICIAN, audit=AUDIT)
    sent = invitation.last_sent_at
    monkeypatch.setattr(accounts_services, "record_event", refuse_to_log)

    with pytest.raises(LogDown):
        if change == "resend":
            services.resend_invitation(alice, invitation, audit=AUDIT, idempotency_key="resend-1")
        elif change == "withdraw":
            services.withdraw_invitation(alice, invitation, audit=AUDIT)
        else:
            services.accept_invitation(eve, invitation, audit=AUDIT)

    invitation.refresh_from_db()
    assert invitation.is_pending and invitation.last_sent_at == sent
    assert not Membership.objects.filter(tenant=acme, user=eve).exists()
    assert not IdempotencyKey.objects.exists()


class LogDown(Exception):
    """The security log cannot be written (the database refused the row)."""


def refuse_to_log(*args, **kwargs):
    raise LogDown
