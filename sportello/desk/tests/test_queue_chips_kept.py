"""The queue's bar of counts kept per process (desk.templatetags.desk.queue_chips_bar):
written again for another language, other counts, another status chosen, Unassigned or
Mine chosen."""

import pytest
from django.utils import translation

from sportello.desk.forms import QueueFilterForm
from sportello.desk.templatetags.desk import _chips_bar, queue_chips_bar

COUNTS = {"open": 3, "unassigned": 1, "waiting": 2, "postponed": 0, "in_development": 0, "closed": 10}


@pytest.fixture(autouse=True)
def no_kept_bars():
    _chips_bar.cache_clear()
    with translation.override("it"):
        yield
    _chips_bar.cache_clear()


def bar(params=None, counts=COUNTS) -> str:
    return queue_chips_bar(QueueFilterForm(params), counts)


def test_a_kept_bar_is_per_language():
    assert "Aperto <strong>3</strong>" in bar()
    with translation.override("en"):
        assert "Open <strong>3</strong>" in bar()


def test_a_kept_bar_is_per_counts():
    assert "Aperto <strong>3</strong>" in bar()
    assert "Aperto <strong>4</strong>" in bar(counts={**COUNTS, "open": 4})
    assert "<strong>≈ 10</strong>" in bar(counts={**COUNTS, "closed_is_estimate": True})


def test_a_kept_bar_marks_the_status_chosen():
    assert 'href="?state=open" class="count-chip" aria-current="page"' in bar()
    chosen = bar({"state": "waiting"})
    assert 'href="?state=waiting" class="count-chip" aria-current="page"' in chosen
    assert 'href="?state=open" class="count-chip">' in chosen


def test_a_kept_bar_marks_unassigned_when_chosen():
    assert 'href="?unassigned=on" class="count-chip">' in bar()
    assert 'href="?unassigned=on" class="count-chip" aria-current="true"' in bar({"unassigned": "on"})


def test_a_kept_bar_marks_mine_when_chosen():
    assert 'href="?mine=on" class="count-chip">' in bar()
    assert 'href="?mine=on" class="count-chip" aria-current="true"' in bar({"mine": "on"})
