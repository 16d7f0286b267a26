from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sportello.notifications.services import send_email
from sportello.notifications.tasks import sweep_waiting_emails
from sportello.testing.workers import make_heartbeat as worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def workers(db):
    """The two workers of a deployment, both alive."""
    return [worker("priority-1", "priority"), worker("mail-1", "default,email")]


def test_health_reports_the_database_the_workers_and_an_empty_email_queue(client, workers, django_assert_num_queries):
    with django_assert_num_queries(4):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failed": [],
        "database": "ok",
        "workers": "ok",
        "tasks": "ok",
        "oldest_waiting_email_seconds": None,
    }
    assert "no-cache" in response["Cache-Control"]


def test_health_reports_how_long_the_oldest_email_has_waited(client, workers, clock):
    send_email(kind="login_code", to="x@example.com", context={"code": "1", "minutes": 1})
    clock.shift(timedelta(minutes=5))

    assert client.get("/healthz").json()["oldest_waiting_email_seconds"] == 300


def test_health_answers_503_when_no_worker_has_shown_a_heartbeat(client, settings):
    settings.WORKER_LEASE_SECONDS = 60
    worker("gone", "*", seen_ago=timedelta(seconds=61))

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["workers"]
    assert body["workers"] == "no worker seen in the last 60 s for the queues default, email, priority"


def test_health_names_the_queue_that_has_no_live_worker(client, settings):
    worker("mail-1", "default,email")
    worker("priority-1", "priority", seen_ago=timedelta(minutes=5))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["workers"].endswith("for the queues priority")


def test_a_worker_serving_every_queue_is_enough(client, live_workers):
    assert client.get("/healthz").status_code == 200


def test_health_answers_503_when_a_task_runs_past_its_lease(client, workers, settings):
    settings.WORKER_LEASE_SECONDS = 60
    task = sweep_waiting_emails.enqueue().db_result
    task.claim("dead-worker")
    DBTaskResult.objects.filter(id=task.id).update(started_at=timezone.now() - timedelta(seconds=61))

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["tasks"]
    assert response.json()["tasks"] == "1 task(s) RUNNING past their lease of 60 s"


def test_a_task_running_on_a_live_worker_is_healthy_however_long_it_runs(client, workers):
    task = sweep_waiting_emails.enqueue().db_result
    task.claim("mail-1")
    DBTaskResult.objects.filter(id=task.id).update(started_at=timezone.now() - timedelta(hours=1))

    assert client.get("/healthz").status_code == 200


def test_health_answers_503_when_the_database_does_not(client):
    with mock.patch("django.db.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["failed"] == ["database"]


def test_readiness_for_the_balancer_needs_the_database_not_the_workers(client):
    """/readyz answers 200 with no worker at all: a balancer polling it keeps every web
    host in while the workers are down (/healthz says so to the monitoring)."""
    assert client.get("/healthz").status_code == 503
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok"}

    with mock.patch("django.db.connection.cursor", side_effect=OperationalError("connection refused")):
        assert client.get("/readyz").status_code == 503
