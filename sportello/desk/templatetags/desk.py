"""Template helpers of the operators' console."""

from dataclasses import dataclass
from functools import lru_cache

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sportello.lib.partials import render_django_escaped
from sportello.lib.templatetags.fields import filter_fields
from sportello.lib.templatetags.shell import page_context
from sportello.tickets.models import Status
from sportello.tickets.templatetags.tickets import queue_rows

register = template.Library()


@dataclass(frozen=True)
class Chip:
    """One link of the queue's bar of counts: `query` is its address's query string."""

    query: str
    label: str
    count: str
    is_current: bool


@register.simple_tag
def queue_chips(form, counts: dict) -> list[Chip]:
    """The queue's status chips ("Aperti" and each status, with their counts), the current
    one marked: the status chosen in `form`, "Aperti" when none is."""
    return _chips(counts, form["state"].value() or "open")


def _chips(counts: dict, state: str) -> list[Chip]:
    chips = [Chip("state=open", _("Open"), str(counts["open"]), state == "open")]
    for status in Status:
        count = counts[status.value]
        if status == Status.CLOSED and counts.get("closed_is_estimate"):
            count = f"≈ {count}"
        chips.append(Chip(f"state={status.value}", status.label, str(count), state == status.value))
    return chips


@register.simple_tag(takes_context=True)
def queue_body(context):
    """The body of the operators' queue (desk/queue.html): its counts, filter panel and rows."""
    form = context["form"]
    fields = filter_fields("desk/queue_filters.html", form, operator_choices=context["operator_choices"])
    rows = queue_rows(context["page"].rows)
    body = page_context(context, chips_bar=queue_chips_bar(form, context["counts"]), rows=rows, filter_fields=fields)
    return render_django_escaped("desk/queue_body.html", body)


def queue_chips_bar(form, counts: dict):
    """The queue's bar of counts (desk/queue_chips.html): its chips (queue_chips()), and the
    Unassigned and Mine links, each marked when chosen in `form`. Kept per process (an LRU
    of 64 bars): it depends only on the language, the counts, the status chosen and whether
    Unassigned and Mine are, the same for every operator until the counts change."""
    return _chips_bar(
        get_language(),
        tuple(sorted(counts.items())),
        form["state"].value() or "open",
        bool(form["unassigned"].value()),
        bool(form["mine"].value()),
    )


@lru_cache(maxsize=64)
def _chips_bar(language: str, counts: tuple, state: str, unassigned: bool, mine: bool):
    chips = _chips(dict(counts), state)
    return render_django_escaped("desk/queue_chips.html", {"chips": chips, "unassigned": unassigned, "mine": mine})
