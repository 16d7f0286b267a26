"""Sessions in the database (accounts.session_store): read back by one statement, and a
session that expired or is unknown reads as none, as with Django's own `db` backend."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

DASHBOARD = "/dashboard/"


def test_a_signed_in_page_reads_its_session_with_one_statement(client, bob, acme, login):
    login(client, bob, acme)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD).status_code == 200

    reads = [query["sql"] for query in queries.captured_queries if '"django_session"' in query["sql"]]
    assert len(reads) == 1 and reads[0].startswith('SELECT "session_data" FROM "django_session"')


def test_an_expired_session_signs_the_person_out(client, bob, acme, login):
    login(client, bob, acme)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response.url.startswith("/account/login/")


def test_an_unknown_session_key_is_nobodys(client, bob, acme, login):
    login(client, bob, acme)
    Session.objects.all().delete()

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response.url.startswith("/account/login/")
    assert settings.SESSION_ENGINE == "sportello.accounts.session_store"
