"""The benchmark's scenarios (bench/scenarios.py) at a tiny size: each one's requests, sent the
way bench/cpu sends them, get the answer the benchmark expects, so that a changed page or form
breaks this test rather than a benchmark run."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.db.models import Count

from bench import cpu
from bench.scenarios import SCENARIOS, Population, requests_of
from sportello.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_bench", "--companies=4", "--users=12", "--operators=3", "--tickets=300", "--messages=900",
                 "--long-tickets=2", "--attachments=10", "--seed=5", "--no-embeddings", stdout=StringIO())  # fmt: skip
    # Pages small enough that the largest company has the hundred pages a deep page needs.
    largest = Ticket.objects.values("tenant").annotate(n=Count("id")).order_by("-n").first()["n"]
    settings.TICKETS_PER_PAGE = largest // 100


@pytest.fixture
def handler():
    """The WSGI handler bench/cpu sends requests to, kept off the test's connection as Django's
    test client keeps it (a request's end would otherwise close it mid-test)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield cpu.application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_scenario_gets_the_answer_it_expects(seeded, handler):
    spec = requests_of(Population(cpu.InProcessBrowser(handler)))

    assert set(spec) == {scenario.name for scenario in SCENARIOS}
    for scenario in SCENARIOS:
        lines = spec[scenario.name]
        assert lines, scenario.name
        for line in lines[:3]:
            status, headers, _body = cpu.send(handler, cpu.environ_for(line, b"%PDF-1.4\n" + b"x" * 1000))
            assert status == scenario.expected, (scenario.name, line["path"], status, headers)


def test_pages_are_read_with_the_csrf_cookie_a_browser_kept(seeded, handler):
    # A browser sends back the cookie its first page set, and its later pages keep that
    # secret (Django sets it again to renew its expiry); the benchmark's pages sent none, and
    # each made a new one.
    spec = requests_of(Population(cpu.InProcessBrowser(handler)))

    for name in ("list_p1_created", "queue_p1", "detail_200"):
        line = spec[name][0]
        status, headers, _body = cpu.send(handler, cpu.environ_for(line))
        assert status == 200 and line["csrf"]
        set_again = [value for header, value in headers if header == "Set-Cookie" and "csrftoken=" in value]
        assert set_again and all(value.startswith(f"csrftoken={line['csrf']};") for value in set_again), name
