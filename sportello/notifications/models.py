"""The outbox: every e-mail the portal sends, from the moment it is decided until it is
delivered; the digests that gather a ticket's notices for a few moments first; and what
each person chose to receive."""

import uuid
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmailQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status=OutboundEmail.Status.WAITING)

    def failed(self):
        return self.filter(status=OutboundEmail.Status.FAILED)

    def due(self, now: datetime):
        """Waiting e-mails whose next attempt has come. One never tried is always due: a
        web process whose clock runs ahead of the worker's must not hold its e-mails back."""
        return self.waiting().filter(models.Q(attempts=0) | models.Q(next_attempt_at__lte=now))


class OutboundEmail(models.Model):
    """One rendered e-mail to one recipient, and the story of its delivery.

    It is written in the same transaction as the change that causes it, together with
    the task that sends it, so a rolled-back change sends nothing and a crash loses
    nothing. Temporary failures are retried with growing delays; a permanent refusal,
    or a temporary one that outlasts EMAIL_RETRY_HOURS, ends as FAILED, where an
    operator sees it and may send it again.

    While it waits, `next_attempt_at` says when it is due (its creation, then each retry's
    time): delivery tasks take the due e-mails of their queue in that order.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Queue(models.TextChoices):
        # Every e-mail a person is waiting for (a sign-in code, a password recovery, an
        # invitation, temporary credentials) goes on the priority queue, which has a worker
        # of its own: no backlog of notifications can delay it (issue 14, item 8).
        EMAIL = "email", _("Notifications")
        PRIORITY = "priority", _("Priority: someone is waiting for it")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    queue = models.CharField(_("queue"), max_length=16, choices=Queue.choices, default=Queue.EMAIL)
    to = models.EmailField(_("recipient"), max_length=254)
    # Where the recipient's answer goes (a ticket's reply address, sportello.mailin), if anywhere.
    reply_to = models.EmailField(_("reply to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField()
    body_html = models.TextField()
    language = models.CharField(max_length=8)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    # When the current round of delivery began: the creation, or the last "send again".
    # The retry window and the health check's age of the queue count from here.
    queued_at = models.DateTimeField(_("queued on"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # A recurring notification's one-click unsubscribe link for this recipient (RFC 8058),
    # sent as List-Unsubscribe; empty for the e-mails a person asked for (codes, recovery…).
    unsubscribe_url = models.CharField(_("unsubscribe link"), max_length=1000, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [
            models.Index(fields=["queued_at"], condition=models.Q(status="waiting"), name="email_waiting_idx"),
            models.Index(fields=["status", "-created_at"]),
            models.Index(
                fields=["queue", "next_attempt_at"], condition=models.Q(status="waiting"), name="email_due_idx"
            ),
            models.Index(fields=["sent_at"], condition=models.Q(status="sent"), name="email_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def message_id(self) -> str:
        """The Message-ID header (RFC 5322 §3.6.4): the same on every attempt, so a receiver
        can recognise an e-mail sent again after a crash. Its right part is the portal's own
        host name (from SITE_URL), not the machine's."""
        return f"<{self.public_id}@{urlsplit(settings.SITE_URL).hostname}>"


class Category(models.TextChoices):
    """The notifications a person may choose to receive or not: the events of a ticket
    that the manual has e-mailed (R12: creation, operator reply, status change, closing)
    and what operators are told of. The e-mails a person asks for (sign-in codes, password
    recovery, temporary credentials, invitations, address confirmations, the warning that
    codes were blocked) are none of these: they are never optional."""

    # Customers.
    TICKET_OPENED = "ticket_opened", _("Confirmation of each ticket I open")
    OPERATOR_REPLY = "operator_reply", _("Replies of the support team")
    STATUS_CHANGED = "status_changed", _("Changes of status (taken in charge, postponed, in development, reopened)")
    TICKET_CLOSED = "ticket_closed", _("Closing of a ticket")
    # Operators.
    NEW_TICKET = "new_ticket", _("New tickets of my areas")
    CUSTOMER_REPLY = "customer_reply", _("Customer replies on my tickets")
    UNASSIGNED_REPLY = "unassigned_reply", _("Customer replies on unassigned tickets of my areas")
    ASSIGNED = "assigned", _("Tickets a colleague assigns to me")


CUSTOMER_CATEGORIES = [Category.TICKET_OPENED, Category.OPERATOR_REPLY, Category.STATUS_CHANGED, Category.TICKET_CLOSED]
OPERATOR_CATEGORIES = [Category.NEW_TICKET, Category.CUSTOMER_REPLY, Category.UNASSIGNED_REPLY, Category.ASSIGNED]


class DigestQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)

    def open_for(self, ticket_id: int, now: datetime):
        """The digest of a ticket that still takes notices: not sent, its window not closed."""
        return self.unsent().filter(ticket_id=ticket_id, closes_at__gt=now)

    def due(self, now: datetime):
        """Digests whose window has closed and whose e-mails are not written yet."""
        return self.unsent().filter(closes_at__lte=now)


class Digest(models.Model):
    """The notices of one ticket within a short window, sent as one e-mail per recipient
    when the window closes (issue 15, item 9).

    The first notice opens it, for NOTIFICATION_WINDOW_SECONDS; every notice of the ticket
    until then joins it. It is written in the transaction of the change, with a task due
    when it closes (notifications.tasks.send_digest); the workers' sweep sends those whose
    task was lost. `sent_at` is set in the transaction that writes its e-mails, so it is
    sent once however many times it is tried.
    """

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    emails = models.PositiveIntegerField(default=0, help_text="How many e-mails it became.")

    objects = DigestQuerySet.as_manager()

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        indexes = [
            models.Index(fields=["ticket", "closes_at"], condition=models.Q(sent_at__isnull=True), name="digest_open"),
            models.Index(fields=["closes_at"], condition=models.Q(sent_at__isnull=True), name="digest_due"),
            models.Index(fields=["sent_at"], condition=models.Q(sent_at__isnull=False), name="digest_sent"),
        ]

    def __str__(self) -> str:
        return f"digest of #{self.ticket_id} closing at {self.closes_at:%Y-%m-%d %H:%M:%S}"


class Notice(models.Model):
    """One event of a ticket that someone is to hear of: a line of its chat (a reply, a
    change of status, an assignment) and the category it belongs to."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="notices")
    category = models.CharField(max_length=32, choices=Category.choices)
    message = models.ForeignKey("tickets.Message", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.category} on #{self.digest.ticket_id}"


class RecipientPreferenceQuerySet(models.QuerySet):
    def muted_by(self, addresses) -> dict[str, set[str]]:
        """The categories each of `addresses` chose not to receive (only those that chose)."""
        rows = self.filter(email__in=[address.lower() for address in addresses]).values_list("email", "muted")
        return {email: set(muted) for email, muted in rows}


class RecipientPreference(models.Model):
    """The notifications one address chose not to receive. Kept by address, not by
    account: the one-click unsubscribe of an e-mail concerns the mailbox it reached, which
    may be another address of a ticket's (R6) read by someone else. No row: everything."""

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)
    muted = models.JSONField(_("not received"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecipientPreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)
