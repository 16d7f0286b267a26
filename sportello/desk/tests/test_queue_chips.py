"""The queue's bar of counts: one chip per status (and "Aperti"), the current one marked
with aria-current, each with its count."""

import re

import pytest

from sportello.testing.fixtures import make_ticket
from sportello.tickets import services

pytestmark = pytest.mark.django_db


def chips(page: str) -> list[tuple[str, str, str]]:
    bar = page[
        page.index('<nav class="status-counts"') : page.index("</nav>", page.index('<nav class="status-counts"'))
    ]
    return re.findall(r'<a href="\?([^"]+)" class="count-chip"( aria-current="[a-z]+")?>([^<]+)', bar)


def test_the_chips_count_each_status_and_mark_the_chosen_one(client, oscar, bob, acme, login):
    make_ticket(acme, bob)
    services.take(oscar, make_ticket(acme, bob))
    login(client, oscar)

    first = chips(client.get("/desk/").text)
    waiting = chips(client.get("/desk/", {"state": "waiting"}).text)

    assert [query for query, _current, _label in first] == [
        "state=open", "state=unassigned", "state=waiting", "state=postponed", "state=in_development", "state=closed",
        "unassigned=on", "mine=on",
    ]  # fmt: skip
    assert [(query, current) for query, current, _label in first if current] == [("state=open", ' aria-current="page"')]
    assert [query for query, current, _label in waiting if current] == ["state=waiting"]
    page = client.get("/desk/").text
    assert re.search(r'state=unassigned" class="count-chip">Non assegnato <strong>1</strong>', page)
    assert re.search(r'state=waiting" class="count-chip">In attesa <strong>1</strong>', page)


def test_the_mine_chip_is_marked_when_chosen(client, oscar, login):
    login(client, oscar)

    marked = [query for query, current, _label in chips(client.get("/desk/", {"mine": "on"}).text) if current]

    assert "mine=on" in marked
