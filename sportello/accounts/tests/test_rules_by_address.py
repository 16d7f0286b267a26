"""Limits counted per client address, beside those per account: one address trying codes
or recovery links for many people is slowed down as a whole, while other addresses are
not (ASVS 5.0 V6.3.1)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sportello.accounts import services
from sportello.accounts.models import LoginCode
from sportello.accounts.services import CodeCheck, FirstFactor
from sportello.lib.audit import Audit
from sportello.testing.fixtures import PASSWORD, make_user

pytestmark = pytest.mark.django_db

# The limits of sportello.accounts.services, written out: a change to them shows here.
SIGN_INS_PER_ACCOUNT = 5
SIGN_INS_PER_ADDRESS = 30
CODES_PER_ADDRESS = 10
RECOVERIES_PER_ADDRESS = 3
ATTACKER = Audit("web", ip_address="198.51.100.66", user_agent="curl/8")
ELSEWHERE = Audit("web", ip_address="203.0.113.9", user_agent="Firefox")


def person_with_code(number: int, code: str = "123456"):
    """An activated person, number `number`, with a fresh login code `code`."""
    person = make_user(f"person{number}@acme.example.com")
    login_code = LoginCode(user=person, expires_at=timezone.now() + timedelta(minutes=10))
    login_code.set_code(code)
    login_code.save()
    return person


def test_wrong_codes_for_many_people_from_one_address_slow_that_address_down():
    # One wrong code each: no account reaches its own limit, only the address does.
    answers = [
        services.check_login_code(person_with_code(n), "654321", audit=ATTACKER)[0] for n in range(CODES_PER_ADDRESS)
    ]
    assert answers == [CodeCheck.WRONG] * CODES_PER_ADDRESS

    outcome, wait = services.check_login_code(person_with_code(100), "123456", audit=ATTACKER)
    assert outcome == CodeCheck.THROTTLED and wait > 0
    # The same person, from another address, is not slowed down by the attacker's tries.
    assert services.check_login_code(person_with_code(101), "123456", audit=ELSEWHERE) == (CodeCheck.ACCEPTED, 0)


def test_recovery_requests_for_many_addresses_from_one_client_are_limited(mailbox):
    for number in range(RECOVERIES_PER_ADDRESS):
        assert services.request_password_reset(f"someone{number}@acme.example.com", audit=ATTACKER) == 0

    assert services.request_password_reset("bob@acme.example.com", audit=ATTACKER) > 0
    # Another client asking for the same address is answered at once.
    assert services.request_password_reset("bob@acme.example.com", audit=ELSEWHERE) == 0


def test_wrong_passwords_for_many_people_from_one_address_slow_that_address_down():
    def sign_in(email, audit):
        return services.check_password_step(email, "wrong", device_token=None, audit=audit)[0]

    # One try each: no account reaches its own limit (5), only the address does.
    answers = [sign_in(f"someone{n}@acme.example.com", ATTACKER) for n in range(SIGN_INS_PER_ADDRESS)]
    assert answers == [FirstFactor.WRONG] * SIGN_INS_PER_ADDRESS

    assert sign_in("one.more@acme.example.com", ATTACKER) == FirstFactor.THROTTLED
    assert sign_in("one.more@acme.example.com", ELSEWHERE) == FirstFactor.WRONG


def test_five_wrong_passwords_slow_the_account_down_whatever_the_addresses(bob):
    def sign_in(password, number):
        audit = Audit("web", ip_address=f"198.51.100.{number}")
        return services.check_password_step(bob.email, password, device_token=None, audit=audit)[0]

    answers = [sign_in("wrong", n) for n in range(SIGN_INS_PER_ACCOUNT - 1)]
    assert answers == [FirstFactor.WRONG] * (SIGN_INS_PER_ACCOUNT - 1)
    assert sign_in("wrong", 50) == FirstFactor.WRONG  # the fifth
    assert sign_in(PASSWORD, 51) == FirstFactor.THROTTLED
