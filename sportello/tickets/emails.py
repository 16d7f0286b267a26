"""The e-mails about tickets (R12): one function per event, and the e-mails each person
gets when a digest's window closes (issue 15, item 9).

Each event becomes a notice of the ticket's digest (notifications.services.gather),
written in the transaction of the change. When the digest's window closes
(NOTIFICATION_WINDOW_SECONDS after its first notice) `send_digest()` gives every person
concerned one e-mail: the usual e-mail of its event when there is one, otherwise one that
leads with the reply (subject and first lines) and lists the other events.

Nobody is told of their own action, nor of what happened before their own last action in
the window (they were on the ticket, and saw it), with one exception: the receipt of a new
ticket, which the manual asks for ("Verrà inviata una notifica agli indirizzi email
indicati", §3). Each person's choices (notifications.models.RecipientPreference) are
honoured; internal notes never reach any e-mail.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from sportello.accounts.models import User
from sportello.mailin.addresses import reply_address
from sportello.notifications.models import Category, Notice, RecipientPreference
from sportello.notifications.services import gather, send_email

from .models import Message, Status, Ticket

# What customers are told of; operators are told of the other categories.
CUSTOMER_NEWS = {Category.TICKET_OPENED, Category.OPERATOR_REPLY, Category.STATUS_CHANGED, Category.TICKET_CLOSED}

# The e-mail of each event when it is the only one a person is told of.
TEMPLATES = {
    Category.TICKET_OPENED: "ticket_opened",
    Category.OPERATOR_REPLY: "ticket_operator_reply",
    Category.STATUS_CHANGED: "ticket_status_changed",
    Category.TICKET_CLOSED: "ticket_closed",
    Category.NEW_TICKET: "ticket_new_for_operators",
    Category.CUSTOMER_REPLY: "ticket_customer_reply",
    Category.ASSIGNED: "ticket_assigned",
}

# Which event an e-mail about several leads with: the text someone wrote first (a new
# ticket's description, a reply), then the closing, the receipt, the other changes.
LEAD_ORDER = [
    Category.NEW_TICKET,
    Category.OPERATOR_REPLY,
    Category.CUSTOMER_REPLY,
    Category.TICKET_CLOSED,
    Category.TICKET_OPENED,
    Category.STATUS_CHANGED,
    Category.ASSIGNED,
]


def operators_to_notify(ticket: Ticket) -> list[User]:
    """The assigned operator; while there is none, the operators who serve the ticket's
    area (an operator with no area configured serves every area)."""
    if ticket.assignee_id and ticket.assignee.can_work_tickets:
        return [ticket.assignee]
    return list(
        User.objects.operators().filter(Q(operator_areas__area=ticket.area) | Q(operator_areas__isnull=True)).distinct()
    )


# --- the events: each is gathered in the transaction of the change ------------------------


def send_ticket_opened(ticket: Ticket, message: Message) -> None:
    """The receipt of a new ticket, to the addresses it names (the manual, §3)."""
    gather(ticket, Category.TICKET_OPENED, message)


def send_new_ticket_to_operators(ticket: Ticket, message: Message) -> None:
    gather(ticket, Category.NEW_TICKET, message)


def send_customer_reply_to_operators(ticket: Ticket, message: Message) -> None:
    gather(ticket, Category.CUSTOMER_REPLY, message)


def send_operator_reply(ticket: Ticket, message: Message) -> None:
    gather(ticket, Category.OPERATOR_REPLY, message)


def send_status_changed(ticket: Ticket, change: Message) -> None:
    """`change`: the chat's line of the new status (its author is who changed it)."""
    gather(ticket, Category.STATUS_CHANGED, change)


def send_ticket_closed(ticket: Ticket, change: Message) -> None:
    """`change`: the chat's line of the closing; the message closed with is quoted."""
    gather(ticket, Category.TICKET_CLOSED, change)


def send_assigned(ticket: Ticket, change: Message) -> None:
    """Tells the operator a colleague gave the ticket to (`change`: the chat's line of the
    assignment); nothing when they took it themselves."""
    if ticket.assignee_id != change.author_id:
        gather(ticket, Category.ASSIGNED, change)


# --- when a digest's window closes --------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    address: str
    person: User  # whose actions are "their own"; whose language the e-mail speaks
    is_operator: bool


@dataclass
class News:
    """What one recipient is told: the notices they hear of and the chat lines listed."""

    recipient: Recipient
    notices: list[Notice]
    lines: list[Message]
    categories: tuple[str, ...]

    @property
    def lead(self) -> Notice:
        return min(self.notices, key=lambda notice: (LEAD_ORDER.index(notice.category), notice.message.created_at))

    @property
    def kind(self) -> str:
        return TEMPLATES[self.lead.category] if len(self.notices) == 1 else "ticket_digest"

    def same_email_as(self) -> tuple:
        """What decides the e-mail's text: recipients with the same share one rendering."""
        return (
            self.recipient.is_operator,
            self.recipient.person.language,
            tuple(notice.pk for notice in self.notices),
            tuple(line.pk for line in self.lines),
            self.categories,
        )

    def context(self, ticket: Ticket) -> dict:
        lead = self.lead
        change = lead.message
        written = change if change.kind == Message.Kind.REPLY else _written_with(change, self.lines)
        context = {
            "ticket": ticket,
            "ticket_path": reverse("desk:ticket" if self.recipient.is_operator else "tickets:detail", args=[ticket.pk]),
            "message": written,
            "lead": lead.category,
            "lead_kind": TEMPLATES[lead.category],
            "items": [line for line in self.lines if line not in (change, written)],
            "reopen_days": settings.TICKET_REOPEN_DAYS,
            "assigned_by": change.author.display_name if change.author else "",
        }
        if change.event == Message.Event.STATUS:
            context.update(old_status=Status(change.old_value).label, new_status=Status(change.new_value).label)
        return context


def send_digest(ticket_id: int, notices: list[Notice]) -> int:
    """Writes, for each person concerned, one e-mail about `notices` (a digest's, whose
    window has closed): customers hear of the customer categories, the operators to notify
    now (operators_to_notify) of the others. Recipients told the same thing in the same
    language share one rendering (hundreds of operators of an area: once per language).
    Returns how many e-mails it wrote."""
    ticket = Ticket.objects.select_related("tenant", "requester", "contact_person", "assignee").get(pk=ticket_id)
    times = [notice.message.created_at for notice in notices]
    lines = list(
        ticket.messages.filter(created_at__range=(min(times), max(times)))
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    by_id = {line.pk: line for line in lines}
    for notice in notices:
        notice.message = by_id[notice.message_id]

    recipients = []
    if any(notice.category in CUSTOMER_NEWS for notice in notices):
        recipients += _customer_recipients(ticket)
    if any(notice.category not in CUSTOMER_NEWS for notice in notices):
        recipients += [Recipient(operator.email, operator, True) for operator in operators_to_notify(ticket)]
    muted = RecipientPreference.objects.muted_by(recipient.address for recipient in recipients)

    emails: dict[tuple, tuple[News, list[str]]] = {}
    for recipient in recipients:
        news = _news_for(recipient, ticket, notices, lines, muted.get(recipient.address, set()))
        if news is not None:
            emails.setdefault(news.same_email_as(), (news, []))[1].append(recipient.address)
    # Each person answers by replying to the e-mail (sportello.mailin): a Reply-To of their own.
    reply_to = {recipient.address.lower(): reply_address(ticket, recipient.person) for recipient in recipients}
    reply_to = {address: value for address, value in reply_to.items() if value}
    written = 0
    for news, addresses in emails.values():
        written += len(
            send_email(
                kind=news.kind,
                to=addresses,
                language=news.recipient.person.language,
                context=news.context(ticket),
                categories=news.categories,
                reply_to={
                    address.lower(): reply_to[address.lower()] for address in addresses if address.lower() in reply_to
                }
                or None,
            )
        )
    return written


def _customer_recipients(ticket: Ticket) -> list[Recipient]:
    """The customer's addresses (Ticket.customer_addresses); the ticket's other address is
    its requester's (R6: "the e-mail of the user to send the notifications to")."""
    people = {ticket.requester.email: ticket.requester, ticket.contact_person.email: ticket.contact_person}
    return [Recipient(address, people.get(address, ticket.requester), False) for address in ticket.customer_addresses()]


def _news_for(recipient: Recipient, ticket: Ticket, notices: list[Notice], lines: list[Message], muted: set[str]):
    """What `recipient` is told of `notices`, or None: nothing of their own doing or of
    what came before their own last action (but the receipt of a ticket they opened), and
    nothing of the categories they chose not to receive."""
    person = recipient.person
    # The lines are in the chat's order (time, then id): what comes after one's own last.
    position = {line.pk: index for index, line in enumerate(lines)}
    last_own = max((position[line.pk] for line in lines if line.author_id == person.pk), default=-1)

    def unseen(line: Message) -> bool:
        return line.author_id != person.pk and position[line.pk] > last_own

    told = [
        notice
        for notice in notices
        if (notice.category not in CUSTOMER_NEWS) == recipient.is_operator
        and (notice.category == Category.TICKET_OPENED or unseen(notice.message))
        and _category(notice, recipient, ticket) not in muted
    ]
    if not told:
        return None
    told_lines = {notice.message_id for notice in told}
    listed = [line for line in lines if not line.is_internal and (line.pk in told_lines or unseen(line))]
    categories = tuple(sorted({_category(notice, recipient, ticket) for notice in told}))
    return News(recipient, told, listed, categories)


def _category(notice: Notice, recipient: Recipient, ticket: Ticket) -> str:
    """A customer's reply is news "on my tickets" to its operator, and "on unassigned
    tickets of my areas" to the others."""
    if notice.category == Category.CUSTOMER_REPLY and ticket.assignee_id != recipient.person.pk:
        return Category.UNASSIGNED_REPLY
    return notice.category


def _written_with(change: Message, lines: list[Message]) -> Message | None:
    """The reply its author wrote together with `change` (a customer closing or reopening a
    ticket with a message), if any."""
    together = (change.author_id, change.created_at)
    for line in lines:
        if line.kind == Message.Kind.REPLY and (line.author_id, line.created_at) == together:
            return line
    return None
