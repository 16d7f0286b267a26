"""A ticket read for its page (the customers' and the operators'), with its people and, for
the desk, its company, and the options of its contact person, by SQL the ORM writes once per
process (lib.compiled): what select_related() reads, without building the query with three
joins on every view."""

from sportello.accounts.models import NAME_CHOICE_FIELDS, User, name_choices_of
from sportello.lib.compiled import CompiledQuery, fields_of
from sportello.tenants.models import Tenant

from .models import Ticket, contact_people_of

# The ticket's people, in the order their fields follow the ticket's in a row.
PEOPLE = ("requester", "contact_person", "assignee")
_PEOPLE_FIELDS = [name for person in PEOPLE for name in fields_of(User, f"{person}__")]

OF_COMPANY = CompiledQuery(
    lambda tenant, number: (
        Ticket.objects.for_tenant(tenant).filter(pk=number).values_list(*fields_of(Ticket), *_PEOPLE_FIELDS)[:1]
    ),
    "tenant",
    "number",
)
ANY_COMPANY = CompiledQuery(
    lambda number: Ticket.objects.filter(pk=number).values_list(
        *fields_of(Ticket), *_PEOPLE_FIELDS, *fields_of(Tenant, "tenant__")
    )[:1],
    "number",
)

CONTACT_PEOPLE = CompiledQuery(lambda tenant: contact_people_of(tenant).values_list(*NAME_CHOICE_FIELDS), "tenant")


def contact_choices(ticket: Ticket) -> list[tuple[int, str]]:
    """The "Persona di riferimento" select's options: possible_contact_people() as
    name_choices() gives them."""
    return name_choices_of(CONTACT_PEOPLE.rows(tenant=ticket.tenant_id))


def ticket_of_company(tenant: Tenant, number: int) -> Ticket | None:
    """Ticket `number` of `tenant` with its requester, contact person and operator (None
    when there is none of that number in that company); `ticket.tenant` is `tenant`."""
    found = OF_COMPANY.instances((Ticket, User, User, User), tenant=tenant.pk, number=number)
    if not found:
        return None
    ticket, *people = found[0]
    _keep(ticket, people)
    Ticket.tenant.field.set_cached_value(ticket, tenant)
    return ticket


def ticket_of_any_company(number: int) -> Ticket | None:
    """Ticket `number` of whichever company (the desk's), with its people and its company."""
    found = ANY_COMPANY.instances((Ticket, User, User, User, Tenant), number=number)
    if not found:
        return None
    ticket, *people, tenant = found[0]
    _keep(ticket, people)
    Ticket.tenant.field.set_cached_value(ticket, tenant)
    return ticket


def _keep(ticket: Ticket, people: list) -> None:
    # As select_related() leaves them: each relation read, an empty one as None.
    for name, person in zip(PEOPLE, people, strict=True):
        Ticket._meta.get_field(name).set_cached_value(ticket, person)
