"""`manage.py create_operator`: operators invited from the command line, as from the desk."""

import pytest
from django.core.management import CommandError, call_command

from sportello.accounts.models import SecurityEvent, User
from sportello.desk.models import OperatorArea

pytestmark = pytest.mark.django_db


def test_it_invites_an_operator_with_the_desks_email_and_areas(mailbox):
    call_command(
        "create_operator", "Nuovo.Operatore@Vendor.example.com", "--first-name", "Nora", "--areas", "systems,management"
    )

    operator = User.objects.get(email="nuovo.operatore@vendor.example.com")
    assert operator.is_operator and not operator.is_staff and not operator.is_activated
    assert operator.first_name == "Nora"
    assert set(OperatorArea.objects.filter(user=operator).values_list("area", flat=True)) == {"systems", "management"}
    credentials = mailbox.last(operator.email)
    assert "credenziali provvisorie" in credentials.subject
    assert "seconda e-mail" not in credentials.text.lower(), "operators join no company"
    event = SecurityEvent.objects.get(kind="invitation_sent", user=operator)
    assert event.channel == "cli" and event.detail == "operator"


def test_admin_makes_a_vendor_administrator_who_serves_every_area(mailbox):
    call_command("create_operator", "capo@vendor.example.com", "--admin")

    operator = User.objects.get(email="capo@vendor.example.com")
    assert operator.is_operator and operator.is_staff
    assert not OperatorArea.objects.filter(user=operator).exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["not-an-address"], "not an e-mail address"),
        (["x@vendor.example.com", "--areas", "systems,kitchen"], "Unknown areas: kitchen"),
        (["oscar@vendor.example.com"], "ha già un account"),
    ],
)
def test_bad_arguments_are_refused_with_a_message_and_change_nothing(arguments, message, oscar):
    users = User.objects.count()

    with pytest.raises(CommandError, match=message):
        call_command("create_operator", *arguments)

    assert User.objects.count() == users


def test_the_operators_names_are_offered_at_first_access(client, mailbox):
    import re

    call_command("create_operator", "nora@vendor.example.com", "--first-name", "Nora", "--last-name", "Neri")
    password = re.search(r"Password provvisoria: (\S+)", mailbox.last("nora@vendor.example.com").text)
    client.post("/account/login/", {"email": "nora@vendor.example.com", "password": password.group(1)})

    page = client.get("/account/activate/").text

    assert 'value="Nora"' in page and 'value="Neri"' in page
