"""The e-mails about tickets, one function each (R12). Each names the ticket, links to
it and quotes the new message. Internal notes never reach any of them."""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from sportello.accounts.models import User
from sportello.mailin.addresses import customer_reply_addresses
from sportello.notifications.services import send_email

from .models import Message, Status, Ticket


def operators_to_notify(ticket: Ticket) -> list[User]:
    """The assigned operator; while there is none, the operators who serve the ticket's
    area (an operator with no area configured serves every area)."""
    if ticket.assignee_id and ticket.assignee.can_work_tickets:
        return [ticket.assignee]
    return list(
        User.objects.operators().filter(Q(operator_areas__area=ticket.area) | Q(operator_areas__isnull=True)).distinct()
    )


def _to_customer(kind: str, ticket: Ticket, message: Message | None, **context) -> None:
    assert message is None or not message.is_internal, "internal notes never reach customers"
    send_email(
        kind=kind,
        to=ticket.customer_addresses(),
        language=ticket.requester.language,
        reply_to=customer_reply_addresses(ticket),
        context={
            "ticket": ticket,
            "message": message,
            "ticket_path": reverse("tickets:detail", args=[ticket.pk]),
            **context,
        },
    )


def _to_operators(kind: str, ticket: Ticket, message: Message) -> None:
    """Hands the operators' e-mails to a task, enqueued in the transaction of the change.

    While nobody has taken a ticket, every operator of its area hears of it: hundreds of
    people at a large vendor. Rendering and storing one e-mail each inside the customer's
    request held it for over a second; the task does it moments later, and is as durable
    as the e-mails themselves (it rolls back with the change, and it is kept until a
    worker runs it)."""
    from .tasks import notify_operators

    notify_operators.enqueue(kind, ticket.pk, message.pk)


def send_ticket_opened(ticket: Ticket, message: Message) -> None:
    _to_customer("ticket_opened", ticket, message)


def send_new_ticket_to_operators(ticket: Ticket, message: Message) -> None:
    _to_operators("ticket_new_for_operators", ticket, message)


def send_customer_reply_to_operators(ticket: Ticket, message: Message) -> None:
    _to_operators("ticket_customer_reply", ticket, message)


def send_operator_reply(ticket: Ticket, message: Message) -> None:
    _to_customer("ticket_operator_reply", ticket, message)


def send_status_changed(ticket: Ticket, old_status: str, message: Message | None = None) -> None:
    _to_customer(
        "ticket_status_changed",
        ticket,
        message,
        old_status=Status(old_status).label,
        new_status=ticket.get_status_display(),
    )


def send_ticket_closed(ticket: Ticket, message: Message | None = None) -> None:
    _to_customer("ticket_closed", ticket, message, reopen_days=settings.TICKET_REOPEN_DAYS)
