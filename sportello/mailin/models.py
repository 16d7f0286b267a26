"""Incoming e-mail, kept as it arrived before anything is done with it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboundEmailQuerySet(models.QuerySet):
    def waiting(self):
        """Stored and not yet processed (a task is coming, or the sweep will send one)."""
        return self.filter(status=InboundEmail.Status.RECEIVED)


class InboundEmail(models.Model):
    """One message received from the mailbox (IMAP) or the mail server (LMTP), stored raw
    in the transaction that enqueues the task that processes it: a crash or a bug in the
    processing loses nothing, and the message can be processed again.

    `message_id` is unique: the same message delivered twice (a second poll before the
    first was acknowledged, both IMAP and LMTP, a mail server's retry) is stored, and so
    processed, once (DESIGN.md, "Idempotency"). A message without a Message-ID gets one
    made from a digest of its bytes. A message larger than INBOUND_MAX_BYTES is kept as its
    headers only (`is_truncated`), and refused.
    """

    class Source(models.TextChoices):
        IMAP = "imap", _("Mailbox (IMAP)")
        LMTP = "lmtp", _("Mail server (LMTP)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, to process")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored (automatic mail)")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    message_id = models.CharField(_("Message-ID"), max_length=1000, unique=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    raw = models.BinaryField(editable=False)
    size = models.PositiveIntegerField(_("size in bytes"))
    is_truncated = models.BooleanField(_("headers only (too large)"), default=False)
    envelope_from = models.CharField(_("envelope sender"), max_length=254, blank=True)
    envelope_to = models.JSONField(_("envelope recipients"), default=list, blank=True)
    received_at = models.DateTimeField(_("received on"), default=timezone.now)

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(_("outcome"), max_length=48, blank=True)
    from_address = models.EmailField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    # The receiving server's verdicts (method → result), from its Authentication-Results.
    authentication = models.JSONField(_("authentication results"), default=dict, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ticket_message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    processed_at = models.DateTimeField(_("processed on"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # While it waits: when the sweep sends a task for it if none has processed it by then.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = InboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("incoming e-mail")
        verbose_name_plural = _("incoming e-mails")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="received"), name="inbound_waiting"),
            models.Index(fields=["received_at"], name="inbound_received"),
        ]

    def __str__(self) -> str:
        return f"{self.subject or self.message_id} ({self.get_status_display()})"
