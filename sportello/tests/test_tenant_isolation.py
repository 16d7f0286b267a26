"""No page of a company shows another company's data (R15). That every URL refuses
another company's objects is shown by the access table, test_access.py."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sportello.accounts.models import TrustedDevice
from sportello.tenants.models import Invitation, Role
from sportello.testing.fixtures import make_ticket, sign_in
from sportello.tickets.models import Attachment
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
