"""After "Crea utente" the sign-in page has the new account's e-mail written in, and the
cursor waits in the password."""

import re

import pytest

from sportello.accounts import services
from sportello.accounts.models import User

from .test_first_access import activation_data

pytestmark = pytest.mark.django_db
LOGIN = "/account/login/"


def test_after_creating_the_user_the_sign_in_page_has_the_email_written_in(client, mailbox):
    user = User.objects.create_user("new@acme.example.com", password=None)
    temporary = services.issue_temporary_credentials(user)
    client.post(LOGIN, {"email": user.email, "password": temporary})
    client.post("/account/activate/", activation_data())

    page = client.get(LOGIN).text

    email = re.search(r'<input type="email" name="email"[^>]*>', page).group(0)
    password = re.search(r'<input type="password" name="password"[^>]*>', page).group(0)
    assert 'value="new@acme.example.com"' in email and "autofocus" not in email
    assert "autofocus" in password
    assert 'value="new@acme.example.com"' not in client.get(LOGIN).text, "written in once, not for whoever comes next"


def test_an_ordinary_visit_of_the_sign_in_page_starts_empty(client):
    page = client.get(LOGIN).text

    email = re.search(r'<input type="email" name="email"[^>]*>', page).group(0)
    assert "value=" not in email and "autofocus" in email
