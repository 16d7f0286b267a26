"""Password recovery ("Recupera password"): one answer for everyone, a single-use expiring link."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from sportello.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
RECOVER = "/account/password/recover/"


def reset_link(mailbox, address) -> str:
    mail = mailbox.last(address, "nuova password")
    [link] = [link for link in mail.links() if "/account/password/reset/" in link]
    return link.removeprefix(settings.SITE_URL)


def test_the_answer_is_the_same_whether_the_address_exists_or_not(client, bob, mailbox):
    known = client.post(RECOVER, {"email": bob.email}, follow=True)
    unknown = client.post(RECOVER, {"email": "nobody@example.com"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert (
        known.text.replace(known.wsgi_request.META["CSRF_COOKIE"], "") != ""
        and known.status_code == unknown.status_code
    )
    assert "Controlla la tua e-mail" in known.text and "Controlla la tua e-mail" in unknown.text
    assert [m.envelope_to for m in mailbox.all()] == [[bob.email]]


def test_the_link_sets_a_new_password_once(client, bob, mailbox):
    client.post(RECOVER, {"email": bob.email})
    link = reset_link(mailbox, bob.email)

    form = client.get(link, follow=True)
    assert "Scegli la nuova password" in form.text
    set_password_url = form.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": "Recovered-secret-55", "new_password2": "Recovered-secret-55"}
    )
    assert response.url == "/account/login/"
    bob.refresh_from_db()
    assert bob.check_password("Recovered-secret-55")

    again = client.get(link, follow=True)
    assert "non è più valido" in again.text


def test_an_expired_link_is_refused(client, bob, mailbox):
    client.post(RECOVER, {"email": bob.email})
    link = reset_link(mailbox, bob.email)

    with time_machine.travel(timezone.localtime() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)):
        response = client.get(link, follow=True)

    assert "non è più valido" in response.text
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)


def test_accounts_not_yet_activated_get_no_link(client, mailbox):
    from sportello.accounts.models import User

    User.objects.create_user("pending@example.com", password="Whatever-12345")

    client.post(RECOVER, {"email": "pending@example.com"})

    assert mailbox.all() == []


def test_recovery_requests_are_limited(client, bob, mailbox):
    for _ in range(3):
        client.post(RECOVER, {"email": bob.email})

    response = client.post(RECOVER, {"email": bob.email})

    assert response.status_code == 429
    assert "Troppe richieste" in response.text
    assert len(mailbox.to(bob.email)) == 3


def test_a_bad_address_gets_a_clear_message(client):
    response = client.post(RECOVER, {"email": "not an address"})

    assert response.status_code == 200
    assert "Inserisci un indirizzo email valido" in response.text
