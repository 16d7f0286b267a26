import pytest
from django.core.management import call_command

from sportello.accounts.models import User
from sportello.tenants.models import Membership
from sportello.tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


def test_the_demo_data_loads_once_with_people_and_tickets_in_every_state(capsys):
    call_command("seed_demo")
    call_command("seed_demo")

    assert User.objects.filter(is_operator=True).count() == 2
    assert Membership.objects.count() == 2
    assert Ticket.objects.count() == 4
    assert set(Ticket.objects.values_list("status", flat=True)) == {
        Status.UNASSIGNED,
        Status.WAITING,
        Status.POSTPONED,
        Status.CLOSED,
    }
    output = capsys.readouterr().out
    assert "Demo data already loaded." in output
    assert "Sportello-demo-2026" in output and "/dev/emails/" in output
