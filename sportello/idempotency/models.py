"""One-time keys that make a repeated request harmless.

Every form that changes something carries a key issued with the form (a hidden field);
the API takes it from the `Idempotency-Key` header. The service that does the work
stores the key, in its own transaction, under a unique constraint, with what it made:
a second request with the same key (a double click, a replay, a client retrying
through a load balancer) finds it and gets the first result instead of a second row
or a second e-mail. DESIGN.md, "Idempotency".
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """A key one person used for one action, and the action's result."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    action = models.CharField(_("action"), max_length=64)
    # What the request sent, when the channel knows it (the API: a digest of the body), so
    # that the same key with another request is refused rather than answered wrongly.
    fingerprint = models.CharField(max_length=64, blank=True)
    result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="idempotency_key_unique_per_actor")]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id}: {self.key}"
