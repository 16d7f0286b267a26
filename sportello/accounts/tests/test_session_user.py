"""The signed-in person is read back on every request with their membership of the session's
company, in one query whose SQL is written once per process (accounts.backends.AccountBackend),
and Django still verifies the session: its backend, the account active, the session hash."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sportello.accounts.backends import ACCOUNT_BACKEND, LEGACY_BACKEND
from sportello.accounts.models import User
from sportello.tenants.models import Membership
from sportello.testing.compiled import models_compiled

DASHBOARD = "/dashboard/"


def test_the_person_their_membership_and_company_are_one_query(client, bob, acme, login):
    login(client, bob, acme)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(DASHBOARD)

    assert page.status_code == 200
    assert page.wsgi_request.membership.user is page.wsgi_request.user._wrapped
    assert page.wsgi_request.tenant == acme
    reading_people = [query["sql"] for query in queries.captured_queries if '"accounts_user"' in query["sql"]]
    assert len(reading_people) == 1
    assert '"tenants_membership"' in reading_people[0] and '"tenants_tenant"' in reading_people[0]


def test_a_password_changed_elsewhere_ends_a_session_working_for_a_company(bob, acme, login):
    other = login(Client(), bob, acme)
    assert other.get(DASHBOARD).status_code == 200

    bob.set_password("Brand-new-secret-7")
    bob.save()

    response = other.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith("/account/login/")
    assert "_auth_user_id" not in other.session


def test_a_deactivated_account_working_for_a_company_is_signed_out(client, bob, acme, login):
    login(client, bob, acme)
    bob.is_active = False
    bob.save(update_fields=["is_active"])

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response.url.startswith("/account/login/")


def test_a_person_no_longer_in_the_company_stays_signed_in_without_it(client, bob, acme, login):
    login(client, bob, acme)
    Membership.objects.filter(user=bob).delete()

    response = client.get("/account/profile/")

    assert response.status_code == 200
    assert response.wsgi_request.user == bob
    assert response.wsgi_request.membership is None
    assert "sportello.tenant" not in client.session


def test_a_session_signed_in_before_the_account_backend_stays_signed_in(client, bob, acme, login):
    login(client, bob, acme)
    session = client.session
    session[BACKEND_SESSION_KEY] = LEGACY_BACKEND
    session.save()

    assert client.get(DASHBOARD).status_code == 200
    assert client.session[BACKEND_SESSION_KEY] == ACCOUNT_BACKEND


def test_the_persons_sql_is_written_once_per_process(client, bob, acme, oscar, login):
    login(client, bob, acme)
    client.get(DASHBOARD)

    assert not {User, Membership} & models_compiled(client, DASHBOARD)

    login(client, oscar)
    client.get("/account/profile/")

    assert User not in models_compiled(client, "/account/profile/")
