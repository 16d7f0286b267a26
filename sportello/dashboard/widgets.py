"""The widgets a dashboard can hold, and the live data each shows.

Customers' widgets read the current company only (through `for_tenant`); the desk's
widgets are for operators and read across companies.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sportello.access import is_operator
from sportello.desk.queue import status_counts
from sportello.tickets.models import AREA_SHORT_LABELS, Area, Deflection, Status, Ticket

CUSTOMER, OPERATOR = "customer", "operator"
TICKETS, COUNTS = "dashboard/widgets/tickets.html", "dashboard/widgets/counts.html"


@dataclass(frozen=True)
class Widget:
    kind: str
    title: str
    description: str
    audience: str
    width: int
    height: int
    data: Callable
    template: str


class Bar(NamedTuple):
    """One bar of a counts widget: its short `label`, the `count`, and the full name (the
    label's tooltip and what screen readers read) when the label is a short form."""

    label: str
    count: int
    full_name: str = ""


def _rows_for(height_rows: int) -> int:
    return max(1, min(int(height_rows), 30))


def ticket_list(request, rows):
    tickets = Ticket.objects.for_tenant(request.tenant).select_related("assignee").order_by("-created_at", "-id")
    return {"tickets": tickets[: _rows_for(rows)]}


def ticket_status(request, rows):
    counts = dict(Ticket.objects.for_tenant(request.tenant).values_list("status").annotate(n=Count("*")).order_by())
    return {"bars": [Bar(status.label, counts.get(status.value, 0)) for status in Status]}


def desk_status(request, rows):
    counts = status_counts()
    return {"bars": [Bar(status.label, counts.get(status.value, 0)) for status in Status]}


def desk_mine(request, rows):
    tickets = (
        Ticket.objects.open().filter(assignee=request.user).select_related("tenant").order_by("-last_reply_at", "-id")
    )
    return {"tickets": tickets[: _rows_for(rows)], "operator": True}


def desk_unassigned_by_area(request, rows):
    counts = dict(Ticket.objects.filter(status=Status.UNASSIGNED).values_list("area").annotate(n=Count("*")).order_by())
    return {"bars": [Bar(AREA_SHORT_LABELS[area], counts.get(area.value, 0), area.label) for area in Area]}


def desk_waiting_longest(request, rows):
    tickets = (
        Ticket.objects.open()
        .filter(awaiting_vendor_since__isnull=False)
        .select_related("tenant")
        .order_by("awaiting_vendor_since", "id")
    )
    return {"tickets": tickets[: _rows_for(rows)], "operator": True, "waiting": True}


DEFLECTION_PERIODS = {7: _("7 days"), 30: _("30 days"), 365: _("12 months")}


def desk_deflections(request, rows):
    """The vendor's figure of "Già risolto?": requests not sent because a suggested closed
    ticket answered them, over the last week, month and year (one query)."""
    since = {days: timezone.now() - timedelta(days=days) for days in DEFLECTION_PERIODS}
    counts = Deflection.objects.filter(created_at__gte=since[365]).aggregate(
        **{f"d{days}": Count("pk", filter=Q(created_at__gte=moment)) for days, moment in since.items()}
    )
    return {"bars": [Bar(str(label), counts[f"d{days}"]) for days, label in DEFLECTION_PERIODS.items()]}


WIDGETS = {
    widget.kind: widget
    for widget in (
        Widget(
            "ticket_list",
            _("Ticket list"),
            _("The latest tickets of your company."),
            CUSTOMER,
            6,
            4,
            ticket_list,
            TICKETS,
        ),
        Widget(
            "ticket_status",
            _("Ticket status"),
            _("How many tickets are in each status."),
            CUSTOMER,
            6,
            4,
            ticket_status,
            COUNTS,
        ),
        Widget(
            "desk_status",
            _("Tickets per status"),
            _("Every company's tickets, by status."),
            OPERATOR,
            6,
            4,
            desk_status,
            COUNTS,
        ),
        Widget(
            "desk_mine", _("My tickets"), _("The open tickets assigned to you."), OPERATOR, 6, 4, desk_mine, TICKETS
        ),
        Widget(
            "desk_unassigned_by_area",
            _("Unassigned by area"),
            _("Tickets nobody has taken yet, by application area."),
            OPERATOR,
            6,
            4,
            desk_unassigned_by_area,
            COUNTS,
        ),
        Widget(
            "desk_waiting_longest",
            _("Waiting longest"),
            _("The open tickets that have waited longest for us."),
            OPERATOR,
            6,
            4,
            desk_waiting_longest,
            TICKETS,
        ),
        Widget(
            "desk_deflections",
            _("Solved by suggestions"),
            _("New requests not sent because a suggested closed ticket answered them."),
            OPERATOR,
            6,
            4,
            desk_deflections,
            COUNTS,
        ),
    )
}


def audience_of(request) -> str:
    return OPERATOR if is_operator(request.user) and request.tenant is None else CUSTOMER


def available(request) -> list[Widget]:
    audience = audience_of(request)
    return [widget for widget in WIDGETS.values() if widget.audience == audience]
