"""The outbox: every e-mail the portal sends, from the moment it is decided until it is delivered."""

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
