"""Reading the security log in pages: the desk's (every event) and a company's (its own
events and its people's)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sportello.accounts.models import SecurityEvent

pytestmark = pytest.mark.django_db


def _log_events(user, count, **fields):
    """`count` sign-ins of `user`, a minute apart, the newest first in `detail` order."""
    start = timezone.now() - timedelta(days=1)
    SecurityEvent.objects.bulk_create(
        SecurityEvent(
            kind="login_succeeded", user=user, created_at=start + timedelta(minutes=n), detail=f"e{n:03}", **fields
        )
        for n in range(count)
    )


def _read_all_pages(client, url):
    """Follows "Next" from the first page; returns each page's details and the queries
    each page took."""
    pages, queries = [], []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        queries.append(len(captured))
        pages.append(re.findall(r"<td[^>]*>(e\d{3})</td>", response.text))
        next_link = re.search(r'href="(\?cursor=[^"]+)"[^>]*>Successiva', response.text)
        url = url.split("?")[0] + next_link.group(1).replace("&amp;", "&") if next_link else None
    return pages, queries


def test_the_desk_reads_the_whole_log_newest_first_in_pages_of_fifty(client, victor, bob, login):
    _log_events(bob, 120)
    login(client, victor)

    pages, queries = _read_all_pages(client, "/desk/security/")

    assert [len(page) for page in pages] == [50, 50, 20]
    assert [detail for page in pages for detail in page] == [f"e{n:03}" for n in reversed(range(120))]
    assert len(set(queries)) == 1


def test_a_company_reads_its_own_events_and_its_peoples_in_pages(client, alice, bob, eve, acme, globex, login):
    _log_events(bob, 70)
    _log_events(eve, 30)
    SecurityEvent.objects.create(kind="role_changed", user=eve, tenant=globex, detail="globex")
    SecurityEvent.objects.create(kind="role_changed", user=bob, tenant=acme, detail="acme")
    login(client, alice, acme)

    pages, _queries = _read_all_pages(client, "/tenant/log/")
    first = client.get("/tenant/log/").text

    # 71 events of the company: the role change (the newest) and Bob's 70 sign-ins.
    assert [len(page) for page in pages] == [49, 21]
    assert [detail for page in pages for detail in page] == [f"e{n:03}" for n in reversed(range(70))]
    assert re.search(r"<td[^>]*>acme</td>", first)
    assert "globex" not in first and eve.email not in first


def test_a_forged_cursor_shows_the_first_page(client, victor, bob, login):
    _log_events(bob, 60)
    login(client, victor)

    response = client.get("/desk/security/?cursor=forged")

    assert response.status_code == 200
    assert re.findall(r"<td[^>]*>(e\d{3})</td>", response.text)[0] == "e059"
