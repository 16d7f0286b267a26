"""Limits counted per account, not only per client address (issue 14, item 4; ASVS 5.0
V6.3.1, V6.6.3): wrong codes spread over many addresses, fresh codes on every correct
password, wrong current passwords on the profile."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from sportello.accounts.models import LoginCode, SecurityEvent
from sportello.testing.fixtures import PASSWORD, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.faults]
LOGIN = "/account/login/"
CODE = "/account/login/code/"
Event = SecurityEvent.Kind


def from_address(number: int) -> Client:
    """A browser of the attacker, each time behind another address."""
    return Client(REMOTE_ADDR=f"198.51.100.{number}")


def wrong_code_for(person, code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_thirty_wrong_codes_from_thirty_addresses_stop_at_the_accounts_limit(bob, mailbox, clock):
    answers = []
    for number in range(30):
        attacker = from_address(number)
        attacker.post(LOGIN, {"email": bob.email, "password": PASSWORD})
        code = mailbox.code(bob.email)
        answers.append(attacker.post(CODE, {"code": wrong_code_for(bob, code)}).status_code)
        clock.shift(timedelta(seconds=61))  # past the resend cool-down: a fresh code each time

    limit = settings.LOGIN_CODE_ACCOUNT_FAILURES
    assert answers[:limit] == [400] * limit
    # Then every try is refused unchecked, but one after each delay (5, 10, 20 … minutes).
    assert answers[limit : limit + 4] == [429] * 4
    assert answers.count(400) <= limit + 2
    # Even the right code is refused while the account's codes are blocked.
    owner = Client(REMOTE_ADDR="203.0.113.7")
    owner.post(LOGIN, {"email": bob.email, "password": PASSWORD})
    refused = owner.post(CODE, {"code": mailbox.code(bob.email)})
    assert refused.status_code == 429
    assert "_auth_user_id" not in owner.session
    failed = SecurityEvent.objects.filter(user=bob, kind=Event.CODE_FAILED).count()
    assert failed == answers.count(400)


def test_the_owner_is_told_once_by_email_and_in_the_security_log(bob, mailbox, clock):
    for number in range(settings.LOGIN_CODE_ACCOUNT_FAILURES + 5):
        attacker = from_address(number)
        attacker.post(LOGIN, {"email": bob.email, "password": PASSWORD})
        attacker.post(CODE, {"code": wrong_code_for(bob, mailbox.code(bob.email))})
        clock.shift(timedelta(seconds=61))

    warnings = [mail for mail in mailbox.to(bob.email) if "codici errati" in mail.subject]
    assert len(warnings) == 1
    assert "cambia la password" in warnings[0].text.lower()
    assert SecurityEvent.objects.filter(user=bob, kind=Event.CODES_BLOCKED).count() == 1


def test_the_blocked_codes_work_again_after_the_delay(bob, mailbox, clock):
    for number in range(settings.LOGIN_CODE_ACCOUNT_FAILURES):
        attacker = from_address(number)
        attacker.post(LOGIN, {"email": bob.email, "password": PASSWORD})
        attacker.post(CODE, {"code": wrong_code_for(bob, mailbox.code(bob.email))})
        clock.shift(timedelta(seconds=61))

    clock.shift(timedelta(minutes=5))
    owner = Client()
    owner.post(LOGIN, {"email": bob.email, "password": PASSWORD})
    assert owner.post(CODE, {"code": mailbox.code(bob.email)}).status_code == 302
    assert owner.session["_auth_user_id"] == str(bob.pk)


def test_a_locked_out_attacker_cannot_keep_the_owner_out_of_a_trusted_device(bob, mailbox, clock):
    owner = Client()
    owner.post(LOGIN, {"email": bob.email, "password": PASSWORD})
    owner.post(CODE, {"code": mailbox.code(bob.email), "trust_device": "on"})
    owner.post("/account/logout/")
    # Someone who knows the password hammers the account with wrong codes, then with wrong
    # passwords from many addresses, until the account itself is slowed down.
    for number in range(settings.LOGIN_CODE_ACCOUNT_FAILURES + 2):
        attacker = from_address(number)
        attacker.post(LOGIN, {"email": bob.email, "password": PASSWORD})
        attacker.post(CODE, {"code": wrong_code_for(bob, mailbox.code(bob.email))})
        clock.shift(timedelta(seconds=61))
    for number in range(8):
        from_address(100 + number).post(LOGIN, {"email": bob.email, "password": "wrong-password"})
    assert from_address(99).post(LOGIN, {"email": bob.email, "password": PASSWORD}).status_code == 429

    response = owner.post(LOGIN, {"email": bob.email, "password": PASSWORD})

    assert response.status_code == 302 and "/companies/start/" in response.url
    assert owner.session["_auth_user_id"] == str(bob.pk)


def test_a_correct_password_does_not_send_a_fresh_code_within_the_cool_down(bob, mailbox):
    for number in range(5):
        from_address(number).post(LOGIN, {"email": bob.email, "password": PASSWORD})

    assert LoginCode.objects.filter(user=bob).count() == 1
    assert len(mailbox.to(bob.email)) == 1


def test_a_code_is_sent_again_at_once_after_a_successful_sign_in(bob, mailbox):
    client = Client()
    client.post(LOGIN, {"email": bob.email, "password": PASSWORD})
    client.post(CODE, {"code": mailbox.code(bob.email)})
    client.post("/account/logout/")

    client.post(LOGIN, {"email": bob.email, "password": PASSWORD})

    assert LoginCode.objects.filter(user=bob).count() == 2


def test_wrong_current_passwords_on_the_profile_are_slowed_down(bob, acme):
    client = sign_in(Client(), bob, acme)
    data = {"old_password": "not-it", "new_password1": "Brand-new-pass-123", "new_password2": "Brand-new-pass-123"}

    answers = [client.post("/account/profile/password/", data).status_code for _ in range(8)]
    right = client.post("/account/profile/password/", {**data, "old_password": PASSWORD})

    assert answers[:5] == [400] * 5
    assert set(answers[5:]) == {429}
    assert right.status_code == 429, "the right password waits too while the delay runs"
    assert "Troppi tentativi" in right.text
    assert SecurityEvent.objects.filter(user=bob, kind=Event.PASSWORD_CHECK_FAILED).count() == 5
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)
