"""The messages shown after an action read as sentences: a company name that ends with an
abbreviation's full stop does not get a second one ("Ti sei unito a ACME S.r.l.")."""

import pytest

from sportello.lib.templatetags.text import one_full_stop
from sportello.tenants.models import Invitation, Role

pytestmark = pytest.mark.django_db


def test_joining_a_company_named_with_an_abbreviation_says_one_full_stop(client, eve, acme, alice, login):
    invitation = Invitation.objects.create(tenant=acme, email=eve.email, role=Role.TECHNICIAN, invited_by=alice)
    login(client, eve)

    page = client.post(f"/companies/invitations/{invitation.public_id}/accept/", follow=True).text

    assert "Ti sei unito a ACME S.r.l.</p>" in page
    assert "S.r.l..</p>" not in page


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Ti sei unito a ACME S.r.l..", "Ti sei unito a ACME S.r.l."),
        ("Invito inviato a Globex S.p.A.. Grazie.", "Invito inviato a Globex S.p.A. Grazie."),
        ("Attendi...", "Attendi..."),
        ("Risposta inviata.", "Risposta inviata."),
    ],
)
def test_a_doubled_full_stop_becomes_one_and_an_ellipsis_stays(text, shown):
    assert one_full_stop(text) == shown
