"""Access tokens of the REST API, and the webhooks that tell other systems of ticket events."""

import base64
import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "spt_"


def token_digest(token: str) -> str:
    """The SHA-256 of a token, hex. The token is 256 random bits: a plain hash already makes
    a stolen row useless, and a slow hash would cost every API request dearly."""
    return hashlib.sha256(token.encode()).hexdigest()


class AccessTokenQuerySet(models.QuerySet):
    def for_tenant(self, tenant):
        if tenant is None:
            return self.none()
        return self.filter(tenant=tenant)

    def usable(self, now=None):
        """Tokens neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class AccessToken(models.Model):
    """A bearer token for the API (`Authorization: Bearer spt_…`).

    A *personal* token acts as the person who made it: for the company they worked for when
    they made it (a customer's), or at the desk (an operator's, `tenant` empty). A *company*
    token is a service account's: a company administrator makes it for a program of the
    company (the ERP, a script of its IT); it acts as its own account (`user`, named after
    the token, which can never sign in to the pages) with a technician's reach in that
    company, and answers for itself in the chat and the security log.

    Only the token's digest is kept; its first characters (`prefix`) identify it in lists.
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        COMPANY = "company", _("Company (service account)")

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PERSONAL)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    tenant = models.ForeignKey(
        "tenants.Tenant", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires on"))
    last_used_at = models.DateTimeField(_("last used on"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    # When the security log last recorded a use (see services.record_use).
    last_logged_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        indexes = [models.Index(fields=["tenant", "kind"]), models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    def is_usable(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now)


class Event(models.TextChoices):
    """The ticket events a webhook may be told of."""

    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_REPLIED = "ticket.replied", _("Ticket replied")
    TICKET_STATUS_CHANGED = "ticket.status_changed", _("Ticket status changed")
    TICKET_CLOSED = "ticket.closed", _("Ticket closed")


class WebhookEndpointQuerySet(models.QuerySet):
    def for_tenant(self, tenant):
        """The endpoints a company's administrators manage (not the vendor's)."""
        if tenant is None:
            return self.none()
        return self.filter(tenant=tenant)

    def of_vendor(self):
        """The vendor administrators' endpoints: told of every company's tickets."""
        return self.filter(tenant__isnull=True)

    def listening(self, tenant_id: int, event: str) -> list["WebhookEndpoint"]:
        """Active endpoints that want `event` for a ticket of the company `tenant_id` (the
        events are matched here: they are a few, and SQLite has no JSON containment)."""
        endpoints = self.filter(Q(tenant_id=tenant_id) | Q(tenant__isnull=True), is_active=True).only("events")
        return [endpoint for endpoint in endpoints if event in endpoint.events]


class WebhookEndpoint(models.Model):
    """An HTTPS address that receives ticket events, signed as the Standard Webhooks
    specification says, with `secret` (`whsec_` and the base64 of 32 random bytes).

    A company administrator's endpoint hears of the company's tickets; a vendor
    administrator's (`tenant` empty) hears of every company's. An endpoint whose deliveries
    keep failing is disabled (`disabled_at`, `disabled_reason`) and its author is told."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(
        "tenants.Tenant", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled on"), null=True, blank=True)
    disabled_reason = models.CharField(_("why it was disabled"), max_length=500, blank=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url

    @staticmethod
    def new_secret() -> str:
        return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()

    def event_labels(self) -> list[str]:
        return [str(Event(event).label) for event in self.events if event in Event.values]


class WebhookDeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=WebhookDelivery.Status.PENDING)

    def due(self, now=None):
        return self.pending().filter(next_attempt_at__lte=now or timezone.now())


class WebhookDelivery(models.Model):
    """One event for one endpoint, written in the transaction of the change that caused it
    and sent by a task (tasks.deliver_webhook), again with growing delays until the
    receiver answers 2xx or WEBHOOK_MAX_ATTEMPTS attempts failed. `payload` is the JSON
    body exactly as signed and sent; `public_id` makes its `webhook-id`, the same on every
    attempt so that the receiver can drop a repeat."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    payload = models.TextField()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered on"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_response = models.CharField(_("last response"), max_length=1000, blank=True)
    last_error = models.CharField(_("last error"), max_length=1000, blank=True)
    # The task that will make the next attempt, so the sweep knows whether it was lost.
    task_id = models.CharField(max_length=64, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_endpoint"),
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="webhook_delivery_due"),
            models.Index(fields=["created_at"], name="webhook_delivery_created"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.public_id.hex}"
