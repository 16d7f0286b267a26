"""First access: temporary credentials → "Creazione Utente" → back to the login."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from sportello.accounts import services
from sportello.accounts.models import User

pytestmark = pytest.mark.django_db
LOGIN = "/account/login/"
ACTIVATE = "/account/activate/"


@pytest.fixture
def invitee(db, mailbox):
    user = User.objects.create_user("new@acme.example.com", password=None)
    password = services.issue_temporary_credentials(user)
    user.temporary = password
    return user


def activation_data(**overrides):
    data = {
        "first_name": "Nina",
        "last_name": "Nuovi",
        "phone": "+39 02 333333",
        "new_password1": "A-much-longer-secret-42",
        "new_password2": "A-much-longer-secret-42",
        "accept_privacy": "on",
    }
    data.update(overrides)
    return data


def test_the_temporary_credentials_email_carries_the_password_and_the_portal_link(invitee, mailbox):
    mail = mailbox.last(invitee.email, "credenziali provvisorie")

    assert invitee.temporary in mail.text
    assert f"{settings.SITE_URL}/account/login/" in mail.links()
    assert f'<a href="{settings.SITE_URL}/account/login/">portale</a>' in mail.html
    assert invitee.check_password(invitee.temporary)


def test_temporary_credentials_lead_to_user_creation(client, invitee):
    response = client.post(LOGIN, {"email": invitee.email, "password": invitee.temporary})

    assert response.url == ACTIVATE
    page = client.get(ACTIVATE)
    assert "Creazione Utente" in page.text
    assert "Crea utente" in page.text
    assert "informativa sulla privacy" in page.text
    assert "_auth_user_id" not in client.session


def test_creating_the_user_records_data_password_and_privacy_then_returns_to_login(client, invitee):
    client.post(LOGIN, {"email": invitee.email, "password": invitee.temporary})
    with time_machine.travel(timezone.localtime(), tick=False):
        response = client.post(ACTIVATE, activation_data())
        now = timezone.now()

    assert response.url == LOGIN
    invitee.refresh_from_db()
    assert (invitee.first_name, invitee.last_name, invitee.phone) == ("Nina", "Nuovi", "+39 02 333333")
    assert invitee.check_password("A-much-longer-secret-42")
    assert invitee.is_activated
    assert invitee.privacy_accepted_at == now
    assert invitee.privacy_version == settings.PRIVACY_NOTICE_VERSION
    assert "_auth_user_id" not in client.session
    assert "Il tuo utente è stato creato" in client.get(LOGIN).text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"accept_privacy": ""}, "obbligatorio accettare"),
        ({"new_password2": "Something-else-42"}, "Le due password non coincidono"),
        ({"new_password1": "short", "new_password2": "short"}, "troppo corta"),
        ({"new_password1": "new@acme.example.com", "new_password2": "new@acme.example.com"}, "simile"),
        ({"new_password1": "ninanuovi99", "new_password2": "ninanuovi99", "first_name": "Ninanuovi"}, "simile"),
        ({"first_name": ""}, "obbligatorio"),
        ({"phone": "call me"}, "numero di telefono"),
    ],
)
def test_user_creation_refuses_bad_input_and_changes_nothing(client, invitee, overrides, message):
    client.post(LOGIN, {"email": invitee.email, "password": invitee.temporary})

    response = client.post(ACTIVATE, activation_data(**overrides))

    assert response.status_code == 200
    assert message in response.text
    invitee.refresh_from_db()
    assert not invitee.is_activated
    assert invitee.privacy_accepted_at is None


def test_temporary_credentials_keep_working_until_the_user_is_created(client, invitee):
    """Signing in with them and closing the tab does not spend them: "Crea utente" does."""
    client.post(LOGIN, {"email": invitee.email, "password": invitee.temporary})
    client.cookies.clear()

    response = client.post(LOGIN, {"email": invitee.email, "password": invitee.temporary})

    assert response.status_code == 302 and response.url == ACTIVATE


def test_temporary_credentials_expire(client, invitee):
    with time_machine.travel(timezone.localtime() + timedelta(days=settings.TEMPORARY_CREDENTIALS_DAYS, seconds=1)):
        response = client.post(LOGIN, {"email": invitee.email, "password": invitee.temporary})

    assert "scadute" in response.text
    assert ACTIVATE not in response.get("Location", "")


def test_temporary_credentials_stop_working_once_the_user_is_created(client, invitee):
    client.post(LOGIN, {"email": invitee.email, "password": invitee.temporary})
    client.post(ACTIVATE, activation_data())

    response = client.post(LOGIN, {"email": invitee.email, "password": invitee.temporary})

    assert "E-mail o password non corretti." in response.text


def test_user_creation_is_only_reachable_through_temporary_credentials(client, bob, login):
    assert client.get(ACTIVATE).url == LOGIN
    login(client, bob)
    assert client.get(ACTIVATE).url == LOGIN


def test_the_privacy_notice_is_a_page_of_the_portal_with_its_version(client):
    response = client.get("/account/privacy/")

    assert response.status_code == 200
    assert settings.PRIVACY_NOTICE_VERSION in response.text
