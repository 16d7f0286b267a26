"""The vendor administrators' list of companies."""

from django.db.models import Count

from sportello.tenants.models import Membership, Tenant
from sportello.tickets.models import Ticket


def count_people_and_open_tickets(tenants: list[Tenant]) -> list[Tenant]:
    """Sets `user_count` and `open_ticket_count` on each company of one page of the list.

    The counts are taken for the page's companies only, in two grouped queries: counting
    for every company in the query that pages them would count the open tickets of all
    of them (a million tickets) to show fifty."""
    ids = [tenant.pk for tenant in tenants]
    people = dict(Membership.objects.filter(tenant__in=ids).order_by().values_list("tenant").annotate(n=Count("*")))
    open_tickets = dict(
        Ticket.objects.open().filter(tenant__in=ids).order_by().values_list("tenant").annotate(n=Count("*"))
    )
    for tenant in tenants:
        tenant.user_count = people.get(tenant.pk, 0)
        tenant.open_ticket_count = open_tickets.get(tenant.pk, 0)
    return tenants
