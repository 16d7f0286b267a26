from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError

from sportello.notifications.services import send_email

pytestmark = pytest.mark.django_db


def test_health_reports_the_database_and_an_empty_email_queue(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "oldest_waiting_email_seconds": None}
    assert "no-cache" in response["Cache-Control"]


def test_health_reports_how_long_the_oldest_email_has_waited(client, clock):
    send_email(kind="login_code", to="x@example.com", context={"code": "1", "minutes": 1})
    clock.shift(timedelta(minutes=5))

    assert client.get("/healthz").json()["oldest_waiting_email_seconds"] == 300


def test_health_answers_503_when_the_database_does_not(client):
    with mock.patch("sportello.views.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"
