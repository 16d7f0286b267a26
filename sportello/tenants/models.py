"""Customer companies (tenants), the people who belong to them, and invitations."""

import re
import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LEGAL_FORM = re.compile(
    r"(s\.?r\.?l\.?s?|s\.?p\.?a\.?|s\.?n\.?c\.?|s\.?a\.?s\.?|s\.?a\.?p\.?a\.?|soc\.?|coop\.?|gmbh|ltd\.?|inc\.?|&)",
    re.I,
)


class Role(models.TextChoices):
    """The roles of the manual's "Ruoli Assegnati"."""

    ADMINISTRATOR = "administrator", _("Administrator")
    TECHNICIAN = "technician", _("Technician")


class Tenant(models.Model):
    """A customer company that may work on the portal (the manual's "Tenant" / "Azienda")."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("company name"), max_length=200)
    vat_number = models.CharField(_("VAT number"), max_length=20, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created on"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        # The desk's list of companies, in name order, in pages.
        indexes = [models.Index(fields=["name", "id"], name="tenant_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def initials(self) -> str:
        """Two letters for the company icon, leaving out the legal form (S.r.l., S.p.A., …)."""
        words = [word for word in self.name.split() if word[:1].isalnum() and not LEGAL_FORM.fullmatch(word)]
        if len(words) == 1:
            return words[0][:2].upper()
        return "".join(word[0] for word in words[:2]).upper() or "?"


class TenantScopedQuerySet(models.QuerySet):
    """The one way to read tenant-owned rows: `Model.objects.for_tenant(tenant)`."""

    def for_tenant(self, tenant: Tenant):
        if tenant is None:
            return self.none()
        return self.filter(tenant=tenant)


class TenantOwned(models.Model):
    """Base of every table whose rows belong to one tenant."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        abstract = True


def get_for_tenant_or_404(queryset_or_model, tenant: Tenant, **lookups):
    """Fetches one row of `tenant`, answering 404 alike for "missing" and "someone else's"."""
    queryset = getattr(queryset_or_model, "objects", queryset_or_model)
    return get_object_or_404(queryset.for_tenant(tenant), **lookups)


class MembershipQuerySet(TenantScopedQuerySet):
    def administrators(self):
        return self.filter(role=Role.ADMINISTRATOR)

    def usable(self):
        """Memberships a person may sign in to: active company, active account."""
        return self.filter(tenant__is_active=True, user__is_active=True)


class Membership(TenantOwned):
    """A person's place in a tenant, with their role."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.TECHNICIAN)
    created_at = models.DateTimeField(_("member since"), default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__email"]
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant}"

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR


class InvitationQuerySet(TenantScopedQuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)

    def for_email(self, address: str):
        return self.filter(email=address.strip().lower())


class Invitation(TenantOwned):
    """An invitation to join a tenant with a role (the manual's "Utenti Invitati")."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.TECHNICIAN)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("invited on"), default=timezone.now)
    last_sent_at = models.DateTimeField(_("last sent on"), default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.tenant}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None
