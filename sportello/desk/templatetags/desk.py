"""Template helpers of the operators' console."""

from dataclasses import dataclass

from django import template
from django.utils.translation import gettext_lazy as _

from sportello.tickets.models import Status

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
    state = form["state"].value() or "open"
    chips = [Chip("state=open", _("Open"), str(counts["open"]), state == "open")]
    for status in Status:
        count = counts[status.value]
        if status == Status.CLOSED and counts.get("closed_is_estimate"):
            count = f"≈ {count}"
        chips.append(Chip(f"state={status.value}", status.label, str(count), state == status.value))
    return chips
