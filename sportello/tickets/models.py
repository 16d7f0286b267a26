"""Support tickets, their messages (the chat) and attachments."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sportello.tenants.models import TenantOwned, TenantScopedQuerySet

from .text import first_line, render_plain_text


class Status(models.TextChoices):
    """The manual's "Stato richiesta" (rule R11)."""

    UNASSIGNED = "unassigned", _("Not assigned")
    WAITING = "waiting", _("Waiting")
    POSTPONED = "postponed", _("Postponed")
    IN_DEVELOPMENT = "in_development", _("In development")
    CLOSED = "closed", _("Closed")


class Priority(models.IntegerChoices):
    """The manual's "Urgenza della richiesta"; higher is more urgent, so it sorts."""

    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    BLOCKING = 4, _("Blocking")


class ContactPreference(models.TextChoices):
    WEB = "web", _("Web")
    PHONE = "phone", _("Phone")


class RequestType(models.TextChoices):
    ASSISTANCE = "assistance", _("Support request")
    APPOINTMENT = "appointment", _("Appointment request (paid)")


class Area(models.TextChoices):
    """The manual's "Area Applicativa"."""

    ADMINISTRATIVE = "administrative", _("Administrative management topics")
    MANAGEMENT = "management", _("Other management topics")
    SYSTEMS = "systems", _("Systems topics")


AREA_EXAMPLES = {
    Area.ADMINISTRATIVE: _(
        "Accounting, VAT, tax filings, fixed assets, withholding taxes, Intrastat, cost accounting, "
        "treasury, electronic invoicing, etc."
    ),
    Area.MANAGEMENT: _("Orders, sales, warehouse, CRM, customer service, production, logistics, GPV, etc."),
    Area.SYSTEMS: _("Operating systems, office programs, antivirus, networks, printers, servers, PCs, etc."),
}

# The area in one word, where room is short (the lists' rows, the desk's charts); the full
# name goes with it as its tooltip and accessible name.
AREA_SHORT_LABELS = {
    Area.ADMINISTRATIVE: _("Administrative"),
    Area.MANAGEMENT: _("Management"),
    Area.SYSTEMS: _("Systems"),
}

# Rule R11: Non assegnato → In attesa (taken) ⇄ Rinviato ⇄ In Sviluppo → Chiuso; a closed
# ticket goes back to "In attesa" when reopened.
TRANSITIONS = {
    Status.UNASSIGNED: {Status.WAITING, Status.CLOSED},
    Status.WAITING: {Status.POSTPONED, Status.IN_DEVELOPMENT, Status.CLOSED},
    Status.POSTPONED: {Status.WAITING, Status.IN_DEVELOPMENT, Status.CLOSED},
    Status.IN_DEVELOPMENT: {Status.WAITING, Status.POSTPONED, Status.CLOSED},
    Status.CLOSED: {Status.WAITING},
}


# What "open" means, once: every status but "Chiuso". It is also the condition of the
# desk's partial indexes, so a query filtered by open() can use them.
OPEN = ~Q(status=Status.CLOSED)


class TicketQuerySet(TenantScopedQuerySet):
    def open(self):
        """Tickets not closed (the list's "Aperta" filter, the desk's default view)."""
        return self.filter(OPEN)

    def closed(self):
        """Tickets closed ("Chiusa"); Ticket.is_closed says the same of one ticket."""
        return self.filter(status=Status.CLOSED)


class Ticket(TenantOwned):
    """A support request of a company, addressed by its number (`#N`, the primary key)."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requested_tickets",
        verbose_name=_("requester"),
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contact_for_tickets",
        verbose_name=_("contact person"),
    )
    email = models.EmailField(_("e-mail"), help_text=_("Where notifications about the ticket go."))
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    contact_preference = models.CharField(
        _("contact preference"), max_length=8, choices=ContactPreference.choices, default=ContactPreference.WEB
    )
    request_type = models.CharField(_("request type"), max_length=16, choices=RequestType.choices)
    area = models.CharField(_("application area"), max_length=16, choices=Area.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    summary = models.CharField(max_length=200, editable=False, help_text="First line of the description, for lists.")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UNASSIGNED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        verbose_name=_("assigned operator"),
        limit_choices_to={"is_operator": True},
    )
    related_ticket = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups", verbose_name=_("follows")
    )
    erp_program = models.CharField(_("program"), max_length=100, blank=True)
    erp_version = models.CharField(_("version"), max_length=50, blank=True)
    erp_error = models.TextField(_("error message"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    last_reply_at = models.DateTimeField(_("last reply on"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    # Since when the customer has been waiting for the vendor (None: the ball is in the
    # customer's court). The desk sorts by it.
    awaiting_vendor_since = models.DateTimeField(null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(F("tenant"), F("created_at").desc(), F("id").desc(), name="ticket_tenant_created"),
            models.Index(F("tenant"), F("last_reply_at").desc(), F("id").desc(), name="ticket_tenant_reply"),
            models.Index(
                F("tenant"), F("priority").desc(), F("created_at").desc(), F("id").desc(), name="ticket_tenant_priority"
            ),
            models.Index(F("tenant"), F("status"), F("created_at").desc(), name="ticket_tenant_status"),
            # The desk's queue covers every company. Its usual view, the open tickets, is a few
            # percent of the table: partial indexes over them are small and serve each sort
            # (and the "waiting longest" sort reads only the tickets awaiting the vendor).
            models.Index(F("created_at").desc(), F("id").desc(), name="ticket_open_created", condition=OPEN),
            models.Index(F("last_reply_at").desc(), F("id").desc(), name="ticket_open_reply", condition=OPEN),
            models.Index(
                F("priority").desc(),
                F("created_at").desc(),
                F("id").desc(),
                name="ticket_open_priority",
                condition=OPEN,
            ),
            models.Index(
                F("assignee"), F("created_at").desc(), F("id").desc(), name="ticket_open_assignee", condition=OPEN
            ),
            # The open tickets of each company, counted in the desk's list of companies.
            models.Index(F("tenant"), name="ticket_open_tenant", condition=OPEN),
            # "Non assegnati": `assignee IS NULL` does not give the index's order to a scan, so
            # those few tickets get an index of their own.
            models.Index(
                F("created_at").desc(),
                F("id").desc(),
                name="ticket_open_unassigned",
                condition=OPEN & Q(assignee__isnull=True),
            ),
            models.Index(
                F("awaiting_vendor_since"),
                F("id"),
                name="ticket_awaiting",
                condition=Q(awaiting_vendor_since__isnull=False),
            ),
            # A single status (closed included) or every status, newest first.
            models.Index(F("status"), F("created_at").desc(), F("id").desc(), name="ticket_status_created"),
            models.Index(F("created_at").desc(), F("id").desc(), name="ticket_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def save(self, *args, **kwargs):
        self.summary = first_line(self.description, 200)
        super().save(*args, **kwargs)

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    def closable_from(self):
        """When a customer may close it: some minutes after creation (rule R9)."""
        return self.created_at + timedelta(minutes=settings.TICKET_CLOSE_AFTER_MINUTES)

    def closable_from_minute(self):
        """closable_from() rounded up to the minute, as people are told it ("dalle 13:08"):
        at that minute the ticket may be closed, so the time said is never refused."""
        moment = self.closable_from()
        if moment.second or moment.microsecond:
            moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        return moment

    def can_be_closed_by_customer(self, now=None) -> bool:
        return not self.is_closed and (now or timezone.now()) >= self.closable_from()

    def can_be_reopened(self, now=None) -> bool:
        """A closed ticket reopens on a customer reply only within TICKET_REOPEN_DAYS (R10)."""
        if not self.is_closed:
            return False
        return (now or timezone.now()) - self.closed_at <= timedelta(days=settings.TICKET_REOPEN_DAYS)

    def accepts_customer_replies(self, now=None) -> bool:
        return not self.is_closed or self.can_be_reopened(now)

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS[Status(self.status)]

    def next_statuses(self) -> list[Status]:
        return [status for status in Status if status in TRANSITIONS[Status(self.status)]]

    def allowed_priorities(self) -> list[Priority]:
        """An existing ticket can never be raised to "Bloccante" (R8); one born blocking keeps it."""
        return [p for p in Priority if p != Priority.BLOCKING or self.priority == Priority.BLOCKING]

    def possible_contact_people(self):
        """The members of the ticket's company: who may be its "Persona di riferimento"."""
        return contact_people_of(self.tenant)

    def customer_addresses(self) -> list[str]:
        """Where the customer's notifications go: the accounts of the requester and of the
        contact person, and the ticket's e-mail when it is another address (R6: "both
        addresses") once its reader has confirmed it (accounts.ContactAddress)."""
        from sportello.accounts.models import ContactAddress

        # A company's service account (sportello.api) is never activated and reads no e-mail.
        accounts = [person.email for person in (self.requester, self.contact_person) if person.is_activated]
        email = (self.email or "").lower()
        if email and email not in accounts:
            confirmed = ContactAddress.objects.confirmed().filter(user=self.requester_id, email=email).exists()
            if not confirmed:
                email = ""
        return list(dict.fromkeys(address.lower() for address in [email, *accounts] if address))


def contact_people_of(tenant):
    """The members of `tenant` (a company or its id), in name order: who may be the
    "Persona di riferimento" of its tickets (Ticket.possible_contact_people)."""
    from sportello.accounts.models import User
    from sportello.tenants.models import Membership

    members = Membership.objects.for_tenant(tenant).values("user")
    return User.objects.filter(pk__in=members).order_by("last_name", "first_name", "email")


class MessageQuerySet(TenantScopedQuerySet):
    def public(self):
        """What customers may see: everything but the operators' internal notes."""
        return self.filter(is_internal=False)


class Message(TenantOwned):
    """One line of a ticket's chat: a reply (customer or operator), an internal note of the
    operators, or an event (a change of status, priority, contact person, operator)."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply")
        NOTE = "note", _("Internal note")
        EVENT = "event", _("Event")

    class Event(models.TextChoices):
        STATUS = "status", _("Status changed")
        PRIORITY = "priority", _("Priority changed")
        CONTACT_PERSON = "contact_person", _("Contact person changed")
        ASSIGNEE = "assignee", _("Operator changed")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.REPLY)
    is_internal = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    event = models.CharField(max_length=16, choices=Event.choices, blank=True)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="note", is_internal=True) | (~Q(kind="note") & Q(is_internal=False)),
                name="message_only_notes_are_internal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id}"

    def save(self, *args, **kwargs):
        # Rendered once when written: escaped, line breaks kept, links made clickable.
        self.body_html = render_plain_text(self.body)
        super().save(*args, **kwargs)

    def event_description(self) -> str:
        """The sentence the chat shows for an event, in the current language."""
        return describe_event(
            self.event, self.old_value, self.new_value, self.author.display_name if self.author else None
        )


def describe_event(event: str, old_value: str, new_value: str, author_name: str | None) -> str:
    """The sentence the chat shows for an event (Message.Event) changing `old_value` into
    `new_value`, made by the person named `author_name` (None: the system), in the current
    language; "" for an unknown event. Message.event_description and the chat's plain rows
    (tickets/chat.py) both say it with this."""
    author = author_name if author_name is not None else _("The system")
    if event == Message.Event.STATUS:
        return _("%(author)s changed the status from “%(old)s” to “%(new)s”.") % {
            "author": author,
            "old": Status(old_value).label,
            "new": Status(new_value).label,
        }
    if event == Message.Event.PRIORITY:
        return _("%(author)s changed the priority from “%(old)s” to “%(new)s”.") % {
            "author": author,
            "old": Priority(int(old_value)).label,
            "new": Priority(int(new_value)).label,
        }
    if event == Message.Event.CONTACT_PERSON:
        return _("%(author)s changed the contact person from %(old)s to %(new)s.") % {
            "author": author,
            "old": old_value,
            "new": new_value,
        }
    if event == Message.Event.ASSIGNEE:
        if author_name is not None and new_value == author_name:
            return _("%(author)s took the ticket.") % {"author": author}
        return _("%(author)s assigned the ticket to %(new)s.") % {"author": author, "new": new_value}
    return ""


def attachment_path(instance, filename) -> str:
    # A random name: the original one is kept in the database only, and never reaches the disk.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(TenantOwned):
    """A file sent with a message, stored through Django's storage API."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


def pending_upload_path(instance, filename) -> str:
    return f"pending/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class PendingUpload(TenantOwned):
    """A file sent with a form that came back with errors (a title missing, say): kept a
    while, so the person need not choose it again; it becomes an attachment when the form
    is sent again without errors, or is deleted after PENDING_UPLOAD_HOURS."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=pending_upload_path, max_length=200)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class ListPreference(TenantOwned):
    """The filters and sort a person chose for the ticket list of a company (R7)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="list_preference_unique")]

    def __str__(self) -> str:
        return f"list preference of {self.user} at {self.tenant}"


class TicketEmbedding(TenantOwned):
    """The meaning of a closed ticket's question: a sentence embedding (float32,
    L2-normalised), computed by a task when the ticket closes (tickets/meaning.py)."""

    ticket = models.OneToOneField(Ticket, primary_key=True, on_delete=models.CASCADE, related_name="embedding")
    model = models.CharField(max_length=64)
    vector = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"embedding of #{self.ticket_id}"


class DeflectionQuerySet(TenantScopedQuerySet):
    def since(self, moment):
        return self.filter(created_at__gte=moment)


class Deflection(TenantOwned):
    """A new request that was not sent: on "Nuova richiesta di assistenza" the customer
    chose a suggested closed ticket as the answer ("Già risolto?"). The vendor counts them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ticket = models.ForeignKey(Ticket, null=True, on_delete=models.SET_NULL, related_name="deflections")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = DeflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request solved by a suggestion")
        verbose_name_plural = _("requests solved by suggestions")

    def __str__(self) -> str:
        return f"request solved by #{self.ticket_id}"
