"""A database that drops the connection in the middle of a request gives a 503 page with
Retry-After, not a 500 (issue 14, item 7)."""

import psycopg
import pytest
from django.core.signals import request_started
from django.db import close_old_connections, connection
from django.test import Client

from sportello.testing.fixtures import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]


def end_this_connection(**kwargs):
    """Ends, from another connection, the database session this process's requests use:
    after Django's health check at the start of the request, so the view meets the fault."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname=settings["NAME"]
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_connection_ended_mid_request_gives_the_503_page_and_the_next_request_works(bob, acme):
    # As a browser sees it: the test client would otherwise raise the view's exception.
    client = sign_in(Client(raise_request_exception=False), bob, acme)
    request_started.connect(end_this_connection)
    try:
        response = client.get("/tickets/")
    finally:
        request_started.disconnect(end_this_connection)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Portale momentaneamente non disponibile" in response.text
    # Outside tests Django checks its connections at the start of every request (the test
    # client turns that off); the broken one is then replaced and the next request works.
    close_old_connections()
    assert client.get("/tickets/").status_code == 200


def test_the_database_server_notices_within_two_minutes_a_host_that_vanished_under_its_connections():
    # A web or worker host that loses power closes nothing: unless the server probes the
    # connection itself, the session, and the row locks of its open transaction, stay for
    # the kernel's two hours (the scale-out test's power cut shows what they hold up).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting::int FROM pg_settings WHERE name IN "
            "('tcp_keepalives_idle', 'tcp_keepalives_interval', 'tcp_keepalives_count', 'tcp_user_timeout')"
        )
        server = dict(cursor.fetchall())

    assert 0 < server["tcp_keepalives_idle"] + server["tcp_keepalives_interval"] * server["tcp_keepalives_count"] <= 120
    assert server["tcp_keepalives_interval"] > 0 and server["tcp_keepalives_count"] > 0
    assert 0 < server["tcp_user_timeout"] <= 120_000  # ms: data the host never acknowledged
