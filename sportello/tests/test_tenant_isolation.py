"""No request reaches another company's data: every URL that takes an identifier is asked,
by a member of ACME, with Globex's objects, and must answer as if they did not exist."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sportello.accounts.models import TrustedDevice
from sportello.tenants.models import Invitation, Membership, Role
from sportello.testing.access import check_access, request, url_patterns
from sportello.testing.fixtures import make_ticket, sign_in
from sportello.tickets.models import Attachment, Message, Ticket
from sportello.tickets.services import reply_as_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def globex_objects(globex, eve):
    eve.avatar.save("eve.png", ContentFile(b"\x89PNG fake"), save=True)
    ticket = make_ticket(globex, eve, title="Globex secret")
    reply_as_customer(eve, ticket, body="with a file", files=[SimpleUploadedFile("globex.txt", b"secret")])
    return {
        "ticket": ticket,
        "attachment": Attachment.objects.get(tenant=globex),
        "tenant": globex,
        "member": eve,
        "invitation": Invitation.objects.create(
            tenant=globex, email="someone@globex.example.com", role=Role.TECHNICIAN
        ),
        "device": TrustedDevice.objects.create(
            user=eve, token_hash="x" * 64, expires_at=timezone.now() + timedelta(days=1)
        ),
    }


# For every URL that takes an identifier: how to fill it with Globex's objects, the
# method, a body that a careless view would act on, and what ACME's administrator gets.
COVERED = {
    "accounts:remove_device": (lambda o: {"public_id": o["device"].public_id}, "post", {}, 404),
    "accounts:avatar": (lambda o: {"public_id": o["member"].public_id}, "get", {}, 404),
    "tenants:select": (lambda o: {"public_id": o["tenant"].public_id}, "post", {}, 404),
    "tenants:accept": (lambda o: {"public_id": o["invitation"].public_id}, "post", {}, 404),
    "tenants:resend_invitation": (lambda o: {"public_id": o["invitation"].public_id}, "post", {}, 404),
    "tenants:withdraw_invitation": (lambda o: {"public_id": o["invitation"].public_id}, "post", {}, 404),
    "tenants:change_invitation_role": (
        lambda o: {"public_id": o["invitation"].public_id},
        "post",
        {"role": Role.ADMINISTRATOR},
        404,
    ),
    "tenants:change_role": (lambda o: {"public_id": o["member"].public_id}, "post", {"role": Role.TECHNICIAN}, 404),
    "tenants:remove_member": (lambda o: {"public_id": o["member"].public_id}, "post", {}, 404),
    "tickets:detail": (lambda o: {"number": o["ticket"].pk}, "get", {}, 404),
    "tickets:chat": (lambda o: {"number": o["ticket"].pk}, "get", {}, 404),
    "tickets:reply": (lambda o: {"number": o["ticket"].pk}, "post", {"body": "intrusion", "close": "on"}, 404),
    "tickets:attachment": (lambda o: {"public_id": o["attachment"].public_id}, "get", {}, 404),
    # The operators' console is closed to every customer, whatever the identifier.
    "desk:company": (lambda o: {"public_id": o["tenant"].public_id}, "get", {}, 403),
    "desk:company_set_active": (lambda o: {"public_id": o["tenant"].public_id}, "post", {"active": "0"}, 403),
    "desk:ticket": (lambda o: {"number": o["ticket"].pk}, "get", {}, 403),
    "desk:ticket_chat": (lambda o: {"number": o["ticket"].pk}, "get", {}, 403),
    "desk:take": (lambda o: {"number": o["ticket"].pk}, "post", {}, 403),
    "desk:assign": (lambda o: {"number": o["ticket"].pk}, "post", {"operator": "1"}, 403),
    "desk:set_status": (lambda o: {"number": o["ticket"].pk}, "post", {"status": "closed"}, 403),
    "desk:reply": (lambda o: {"number": o["ticket"].pk}, "post", {"body": "intrusion"}, 403),
    "desk:attachment": (lambda o: {"public_id": o["attachment"].public_id}, "get", {}, 403),
    "notifications:send_again": (lambda o: {"public_id": "00000000-0000-0000-0000-000000000000"}, "post", {}, 403),
    "desk:operator_areas": (lambda o: {"public_id": o["member"].public_id}, "post", {"areas": ["systems"]}, 403),
}
# URLs with an identifier that is not a company's object, and why they are safe.
NOT_TENANT_DATA = {
    "accounts:reset_password": "guarded by a signed, single-use token, not by the company",
    "dashboard:widget": "a kind of widget, not an object: its content is read through for_tenant (dashboard tests)",
    "dev_outbox_email": "served only with DEBUG on (demo)",
    "dev_outbox_email_html": "served only with DEBUG on (demo)",
}


def test_every_url_with_an_identifier_is_covered_here():
    with_identifiers = {route.name for route in url_patterns() if route.arguments}

    uncovered = with_identifiers - COVERED.keys() - NOT_TENANT_DATA.keys()

    assert not uncovered, f"add these URLs to the tenant isolation test: {sorted(uncovered)}"


@pytest.mark.parametrize("name", sorted(COVERED))
def test_another_companys_objects_answer_as_if_they_did_not_exist(name, alice, acme, globex_objects):
    kwargs, method, data, status = COVERED[name]
    url = reverse(name, kwargs=kwargs(globex_objects))
    snapshot = _globex_state(globex_objects)

    response = request(sign_in(Client(), alice, acme), url, method, data)

    assert response.status_code == status, f"{method.upper()} {url}"
    assert _globex_state(globex_objects) == snapshot, "nothing of Globex changed"


def test_the_company_pages_show_only_the_current_company(alice, acme, eve, globex_objects):
    for url in (
        "/tenant/",
        "/tenant/invitations/",
        "/tenant/log/",
        "/dashboard/",
        "/tickets/",
        "/tickets/?state=any",
        f"/tickets/?number={globex_objects['ticket'].pk}",
        "/tickets/new/",
    ):
        response = sign_in(Client(), alice, acme).get(url)
        assert response.status_code == 200
        assert "Globex" not in response.text
        assert eve.email not in response.text
        assert "someone@globex" not in response.text
        assert "Globex secret" not in response.text


def test_the_company_administration_answers_the_standard_access_checks(alice, bob, eve, acme, globex):
    for url in ("/tenant/", "/tenant/invitations/", "/tenant/log/"):
        check_access(
            url,
            expected={None: "/account/login/", (alice, acme): 200, (bob, acme): 403, (eve, globex): 200},
        )


def _globex_state(objects):
    invitation = Invitation.objects.get(pk=objects["invitation"].pk)
    return (
        list(Membership.objects.filter(tenant=objects["tenant"]).values_list("user_id", "role")),
        (invitation.role, invitation.withdrawn_at, invitation.accepted_at, invitation.last_sent_at),
        TrustedDevice.objects.filter(pk=objects["device"].pk).exists(),
        objects["tenant"].__class__.objects.get(pk=objects["tenant"].pk).is_active,
        Ticket.objects.filter(pk=objects["ticket"].pk).values_list("status", "assignee", "priority").get(),
        Message.objects.filter(ticket=objects["ticket"]).count(),
    )
