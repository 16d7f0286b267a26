"""Signing in: password, then the e-mailed code, unless the browser is a trusted device."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sportello.accounts import services
from sportello.accounts.models import LoginCode, SecurityEvent, TrustedDevice
from sportello.lib.audit import Audit
from sportello.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = "/account/login/"
CODE = "/account/login/code/"


def enter_password(client, user, password=PASSWORD, **extra):
    return client.post(LOGIN, {"email": user.email, "password": password, **extra})


def enter_code(client, code, trust=False):
    data = {"code": code}
    if trust:
        data["trust_device"] = "on"
    return client.post(CODE, data)


def test_the_login_page_is_italian_whatever_the_browser_prefers(client):
    response = client.get(LOGIN, headers={"accept-language": "en-US,en;q=0.9"})

    assert response.status_code == 200
    assert 'lang="it"' in response.text
    assert "Accedi" in response.text
    assert "Recupera password" in response.text


def test_a_wrong_password_is_refused_with_one_message_for_every_case(client, bob):
    wrong = enter_password(client, bob, "not-the-password")
    unknown = client.post(LOGIN, {"email": "nobody@example.com", "password": "whatever"})

    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "E-mail o password non corretti." in response.text
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind="login_failed").count() == 2


def test_the_right_password_sends_a_code_and_does_not_log_in_yet(client, bob, mailbox):
    response = enter_password(client, bob)

    assert response.status_code == 302
    assert response.url == CODE
    assert "_auth_user_id" not in client.session
    code_email = mailbox.last(bob.email, "codice")
    assert len(mailbox.code(bob.email)) == 6
    assert code_email.to == bob.email
    assert client.get("/dashboard/").status_code == 302


def test_the_code_completes_the_login_rotates_the_session_and_lands_on_the_dashboard(client, bob, mailbox):
    enter_password(client, bob)
    session_before = client.session.session_key

    response = enter_code(client, mailbox.code(bob.email))

    assert response.status_code == 302
    assert response.url == reverse("tenants:landing")
    assert client.session["_auth_user_id"] == str(bob.pk)
    assert client.session.session_key != session_before
    landing = client.get(response.url)
    assert landing.url == reverse("dashboard:home")
    assert client.get(landing.url).status_code == 200


def test_the_code_is_stored_hashed(client, bob, mailbox):
    enter_password(client, bob)
    code = mailbox.code(bob.email)

    stored = LoginCode.objects.get(user=bob)
    assert code not in stored.code_hash
    assert stored.matches(code)
    assert not stored.matches("000000" if code != "000000" else "111111")


def test_the_code_hash_is_keyed_by_the_secret_key_and_survives_its_rotation(bob, settings):
    login_code = LoginCode(user=bob)
    login_code.set_code("123456")
    other = LoginCode(user=bob)
    other.set_code("123456")
    assert login_code.code_hash != other.code_hash, "each row has its own salt"

    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert not login_code.matches("123456"), "without the secret key the row is useless"

    settings.SECRET_KEY_FALLBACKS = ["unrelated", *settings.SECRET_KEY_FALLBACKS]
    assert not login_code.matches("123456")


def test_a_code_sent_before_the_secret_key_rotated_still_matches(bob, settings):
    login_code = LoginCode(user=bob)
    login_code.set_code("123456")
    old_key = settings.SECRET_KEY

    settings.SECRET_KEY = "the-new-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]

    assert login_code.matches(" 123456 ")
    assert not login_code.matches("654321")


def test_a_malformed_stored_hash_matches_nothing(bob):
    for stored in ["", "123456", "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA", "hmac-sha256$$"]:
        assert not LoginCode(user=bob, code_hash=stored).matches("123456")


def test_a_wrong_code_is_refused_and_the_sixth_try_is_refused_even_when_right(client, bob, mailbox):
    enter_password(client, bob)
    code = mailbox.code(bob.email)
    wrong = "000000" if code != "000000" else "111111"

    for attempt in range(1, 6):
        response = enter_code(client, wrong)
        assert response.status_code == 400
        if attempt < 5:
            assert "Il codice non è corretto" in response.text
    assert "Troppi tentativi errati" in response.text

    response = enter_code(client, code)
    assert response.status_code == 400
    assert "Troppi tentativi errati" in response.text
    assert "_auth_user_id" not in client.session


def test_a_code_expires_after_ten_minutes(client, bob, mailbox):
    with time_machine.travel(timezone.localtime(), tick=False) as clock:
        enter_password(client, bob)
        code = mailbox.code(bob.email)
        clock.shift(timedelta(minutes=10, seconds=1))
        response = enter_code(client, code)

    assert response.status_code == 400
    assert "Il codice è scaduto" in response.text


def test_a_code_works_once(client, bob, mailbox):
    enter_password(client, bob)
    code = mailbox.code(bob.email)
    enter_code(client, code)
    client.post("/account/logout/")

    enter_password(client, bob)
    response = enter_code(client, code)

    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_new_code_waits_for_the_cool_down_and_retires_the_old_one(client, bob, mailbox):
    with time_machine.travel(timezone.localtime(), tick=False) as clock:
        enter_password(client, bob)
        first = mailbox.code(bob.email)

        too_soon = client.post("/account/login/code/new/", follow=True)
        assert "Attendi" in too_soon.text
        assert LoginCode.objects.filter(user=bob).count() == 1

        clock.shift(timedelta(seconds=settings.LOGIN_CODE_RESEND_SECONDS))
        client.post("/account/login/code/new/")
        second = mailbox.code(bob.email)

        assert LoginCode.objects.filter(user=bob).count() == 2
        if first != second:
            assert enter_code(client, first).status_code == 400
        assert enter_code(client, second).status_code == 302


def test_the_cool_down_left_is_counted_in_whole_seconds_rounded_up(client, bob, mailbox):
    with time_machine.travel(timezone.localtime(), tick=False) as clock:
        enter_password(client, bob)
        clock.shift(timedelta(seconds=0.5))

        assert services.code_resend_wait(bob) == settings.LOGIN_CODE_RESEND_SECONDS  # 59.5 s: "60"
        clock.shift(timedelta(seconds=settings.LOGIN_CODE_RESEND_SECONDS - 1))
        assert services.code_resend_wait(bob) == 1  # half a second left
        clock.shift(timedelta(seconds=0.5))
        assert services.code_resend_wait(bob) == 0


def test_the_code_page_without_a_password_first_sends_back_to_the_login(client):
    response = client.get(CODE)

    assert response.status_code == 302
    assert response.url == LOGIN


def test_a_trusted_device_skips_the_code_until_it_is_removed(client, bob, mailbox):
    enter_password(client, bob)
    response = enter_code(client, mailbox.code(bob.email), trust=True)

    cookie = response.cookies[settings.TRUSTED_DEVICE_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert int(cookie["max-age"]) == settings.TRUSTED_DEVICE_DAYS * 24 * 3600
    device = TrustedDevice.objects.get(user=bob)
    assert cookie.value not in device.token_hash

    client.post("/account/logout/")
    response = enter_password(client, bob)
    assert response.url == reverse("tenants:landing")
    assert client.session["_auth_user_id"] == str(bob.pk)

    client.post(f"/account/profile/devices/{device.public_id}/remove/")
    client.post("/account/logout/")
    assert enter_password(client, bob).url == CODE


def test_a_trusted_device_cookie_does_not_help_another_person(client, alice, bob, mailbox):
    enter_password(client, bob)
    enter_code(client, mailbox.code(bob.email), trust=True)
    client.post("/account/logout/")

    assert enter_password(client, alice).url == CODE


def test_a_trusted_device_expires(client, bob, mailbox):
    with time_machine.travel(timezone.localtime(), tick=False) as clock:
        enter_password(client, bob)
        enter_code(client, mailbox.code(bob.email), trust=True)
        client.post("/account/logout/")
        clock.shift(timedelta(days=settings.TRUSTED_DEVICE_DAYS, seconds=1))

        assert enter_password(client, bob).url == CODE


def test_repeated_wrong_passwords_slow_the_account_down_with_growing_delays(client, bob):
    with time_machine.travel(timezone.localtime(), tick=False) as clock:
        for _ in range(6):
            enter_password(client, bob, "wrong-password")

        throttled = enter_password(client, bob)
        assert throttled.status_code == 429
        assert "Troppi tentativi" in throttled.text
        assert "_auth_user_id" not in client.session
        assert not LoginCode.objects.filter(user=bob).exists(), "nothing happens while throttled"

        clock.shift(timedelta(seconds=3))
        enter_password(client, bob, "wrong-again")
        clock.shift(timedelta(seconds=3))
        assert enter_password(client, bob).status_code == 429, "the second delay is longer"
        clock.shift(timedelta(seconds=2))
        assert enter_password(client, bob).url == CODE


def test_the_destination_survives_both_steps_and_foreign_ones_are_ignored(client, bob, mailbox):
    client.get("/account/login/?next=/account/profile/")
    response = client.post(LOGIN, {"email": bob.email, "password": PASSWORD, "next": "/account/profile/"})
    assert response.url == CODE
    response = enter_code(client, mailbox.code(bob.email))
    assert response.url == reverse("tenants:landing") + "?next=%2Faccount%2Fprofile%2F"
    assert client.get(response.url).url == "/account/profile/"

    client.post("/account/logout/")
    response = client.post(LOGIN, {"email": bob.email, "password": PASSWORD, "next": "https://evil.example.net/"})
    response = enter_code(client, mailbox.code(bob.email))
    assert response.url == reverse("tenants:landing")


def test_logout_only_answers_post(client, bob, login):
    login(client, bob)

    assert client.get("/account/logout/").status_code == 405
    client.post("/account/logout/")
    assert "_auth_user_id" not in client.session


def test_an_inactive_account_cannot_sign_in(client, bob):
    bob.is_active = False
    bob.save()

    response = enter_password(client, bob)

    assert "E-mail o password non corretti." in response.text


def test_a_code_with_more_wrong_tries_than_now_allowed_stays_dead(bob, settings):
    # The limit was lowered while the code was alive: the right digits no longer open it.
    login_code = LoginCode(user=bob, expires_at=timezone.now() + timedelta(minutes=10), failed_attempts=4)
    login_code.set_code("123456")
    login_code.save()
    settings.LOGIN_CODE_MAX_ATTEMPTS = 3

    outcome = services.check_login_code(bob, "123456", audit=Audit("web", ip_address="192.0.2.7"))

    assert outcome == (services.CodeCheck.EXHAUSTED, 0)
