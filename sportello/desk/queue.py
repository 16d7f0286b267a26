"""Reading the desk's queue: every company's tickets, filtered and counted."""

from django.core.cache import cache
from django.db.models import Count, Q

from sportello.tenants.models import Tenant
from sportello.tickets.listing import filter_tickets
from sportello.tickets.models import OPEN_STATUSES, Status, Ticket

COUNTS_CACHE_SECONDS = 30


def filter_queue(queryset, filters: dict, operator):
    """The queue's filters on top of the customers' ones (status, priority, type)."""
    state = filters.get("state", "open")
    if state in Status.values:
        queryset = queryset.filter(status=state)
    queryset = filter_tickets(
        queryset,
        {
            "state": state if state not in Status.values else None,
            "priority": filters.get("priority"),
            "request_type": filters.get("request_type"),
        },
    )
    if filters.get("area"):
        queryset = queryset.filter(area=filters["area"])
    if filters.get("assignee"):
        queryset = queryset.filter(assignee=filters["assignee"])
    if filters.get("mine"):
        queryset = queryset.filter(assignee=operator)
    if filters.get("unassigned"):
        queryset = queryset.filter(assignee__isnull=True)
    if filters.get("company"):
        term = filters["company"].strip()
        companies = Tenant.objects.filter(Q(name__icontains=term) | Q(vat_number__icontains=term.replace(" ", "")))
        queryset = queryset.filter(tenant__in=companies.values("pk")[:200])
    if filters.get("q"):
        queryset = _search(queryset, filters["q"])
    return queryset


def _search(queryset, text: str):
    """A ticket number (with or without #), or words that must all appear in the title."""
    text = text.strip()
    if text.lstrip("#").isdigit():
        return queryset.filter(pk=int(text.lstrip("#")))
    for word in text.split()[:8]:
        queryset = queryset.filter(title__icontains=word)
    return queryset


def status_counts() -> dict[str, int]:
    """How many tickets are in each status, across companies. Counting a million rows on
    every page view is what makes queues slow: the figures are kept for a few seconds."""
    counts = cache.get("desk:status_counts")
    if counts is None:
        rows = Ticket.objects.values_list("status").annotate(total=Count("id")).order_by()
        counts = {status.value: 0 for status in Status} | dict(rows)
        counts["open"] = sum(counts[status] for status in OPEN_STATUSES)
        cache.set("desk:status_counts", counts, COUNTS_CACHE_SECONDS)
    return counts
