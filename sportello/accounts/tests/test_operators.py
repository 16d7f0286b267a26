"""Who counts as an operator: one QuerySet method and its row-level twin."""

import pytest

from sportello.access import is_operator
from sportello.accounts.models import User
from sportello.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def test_operators_are_the_active_operators_who_completed_their_first_access(oscar, victor, bob):
    invited = User.objects.create_user("new-operator@vendor.example.com", None, is_operator=True)
    former = make_user("former@vendor.example.com", is_operator=True, is_active=False)

    assert set(User.objects.operators()) == {oscar, victor}
    assert set(User.objects.operators(include_inactive=True)) == {oscar, victor, invited, former}
    assert [person.can_work_tickets for person in (oscar, victor, invited, former, bob)] == [
        True, True, False, False, False,
    ]  # fmt: skip
    assert is_operator(oscar) and not is_operator(former) and not is_operator(bob)
