"""Writes of the tenants app: onboarding companies, invitations, roles and memberships.

Every function takes the acting person explicitly (None for the command line) and an
audit context (sportello.lib.audit), and keeps the rules: only pending invitations
change, and a company always keeps at least one administrator (R5).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sportello.accounts import services as accounts
from sportello.accounts.models import User, normalize_email_address
from sportello.idempotency import services as idempotency
from sportello.lib.audit import Audit
from sportello.lib.errors import RuleViolation
from sportello.ratelimits.throttles import Quota

from . import emails
from .models import Invitation, Membership, Role, Tenant

Event = accounts.Event


class TenancyError(RuleViolation):
    """A request that breaks a rule of companies, memberships or invitations."""


@transaction.atomic
def create_tenant(actor: User | None, *, name: str, vat_number: str, audit: Audit) -> Tenant:
    """Creates a company; `vat_number` must already be normalised (see vat.py)."""
    if Tenant.objects.filter(vat_number=vat_number).exists():
        raise TenancyError(
            _("A company with VAT number %(vat)s already exists.") % {"vat": vat_number}, code="company-exists"
        )
    tenant = Tenant.objects.create(name=name.strip(), vat_number=vat_number)
    accounts.record_event(Event.TENANT_CREATED, audit=audit, actor=actor, tenant=tenant, detail=tenant.name)
    return tenant


@transaction.atomic
def onboard_tenant(
    actor: User | None,
    *,
    name: str,
    vat_number: str,
    admin_email: str,
    audit: Audit,
    idempotency_key: str | None = None,
) -> Tenant:
    """Creates a company and invites its first administrator (R1). The same
    `idempotency_key` again returns the company it created. Raises TenancyError."""
    earlier = idempotency.claim(actor, idempotency_key, "tenants.onboard")
    if earlier is not None:
        return Tenant.objects.get(pk=earlier["tenant"])
    tenant = create_tenant(actor, name=name, vat_number=vat_number, audit=audit)
    invite(actor, tenant, admin_email, Role.ADMINISTRATOR, audit=audit)
    idempotency.remember(actor, idempotency_key, "tenants.onboard", {"tenant": tenant.pk})
    return tenant


@transaction.atomic
def invite(
    actor: User | None, tenant: Tenant, email: str, role: str, *, audit: Audit, idempotency_key: str | None = None
) -> Invitation:
    """Invites `email` to join `tenant` with `role` (R1, R5).

    A person without an account gets one, with temporary credentials (the manual's first
    e-mail); everyone gets the invitation to join the company (the second). The same
    `idempotency_key` again returns the first invitation and sends nothing. Raises
    TenancyError for a member, a pending invitation or one of the vendor's operators.
    """
    earlier = idempotency.claim(actor, idempotency_key, "tenants.invite")
    if earlier is not None:
        return Invitation.objects.get(pk=earlier["invitation"])
    _require_invitation_quota(actor, tenant)
    email = normalize_email_address(email)
    user = User.objects.filter(email=email).first()
    if user is not None and Membership.objects.for_tenant(tenant).filter(user=user).exists():
        raise TenancyError(_("%(email)s already belongs to this company.") % {"email": email}, code="already-member")
    if Invitation.objects.for_tenant(tenant).pending().for_email(email).exists():
        raise TenancyError(
            _("%(email)s has already been invited: send the invitation again from the list.") % {"email": email},
            code="already-invited",
        )
    if user is not None and user.is_operator:
        raise TenancyError(
            _("%(email)s belongs to the vendor's staff and cannot join a company.") % {"email": email},
            code="operator-cannot-join",
        )
    if user is None:
        user = accounts.create_invited_user(email)
    invitation = Invitation.objects.create(tenant=tenant, email=email, role=role, invited_by=actor)
    emails.send_invitation(invitation, user)
    accounts.record_event(Event.INVITATION_SENT, audit=audit, actor=actor, tenant=tenant, user=user, email=email)
    idempotency.remember(actor, idempotency_key, "tenants.invite", {"invitation": invitation.pk})
    return invitation


@transaction.atomic
def resend_invitation(
    actor: User | None, invitation: Invitation, *, audit: Audit, idempotency_key: str | None = None
) -> None:
    """Sends a pending invitation again; a person who never activated the account also
    gets fresh temporary credentials (the old ones stop working). The same
    `idempotency_key` again sends nothing. Raises TenancyError unless it is pending."""
    if idempotency.claim(actor, idempotency_key, "tenants.resend_invitation") is not None:
        return
    idempotency.remember(actor, idempotency_key, "tenants.resend_invitation", {"invitation": invitation.pk})
    _require_pending(invitation)
    _require_invitation_quota(actor, invitation.tenant)
    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        user = accounts.create_invited_user(invitation.email)
    elif not user.is_activated:
        accounts.issue_temporary_credentials(user)
    invitation.last_sent_at = timezone.now()
    invitation.save(update_fields=["last_sent_at"])
    emails.send_invitation(invitation, user)
    accounts.record_event(
        Event.INVITATION_SENT,
        audit=audit,
        actor=actor,
        tenant=invitation.tenant,
        user=user,
        email=invitation.email,
        detail="again",
    )


@transaction.atomic
def withdraw_invitation(actor: User | None, invitation: Invitation, *, audit: Audit) -> None:
    _require_pending(invitation)
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    user = User.objects.filter(email=invitation.email).first()
    if user is not None and not Invitation.objects.pending().for_email(user.email).exists():
        # Nothing else waits for this person: their temporary credentials die with the invitation.
        accounts.withdraw_temporary_credentials(user)
    accounts.record_event(
        Event.INVITATION_WITHDRAWN,
        audit=audit,
        actor=actor,
        tenant=invitation.tenant,
        user=user,
        email=invitation.email,
    )


def change_invitation_role(actor: User, invitation: Invitation, role: str, *, audit: Audit) -> None:
    _require_pending(invitation)
    invitation.role = role
    invitation.save(update_fields=["role"])
    accounts.record_event(
        Event.ROLE_CHANGED,
        audit=audit,
        actor=actor,
        tenant=invitation.tenant,
        email=invitation.email,
        detail=f"invitation: {role}",
    )


@transaction.atomic
def accept_invitation(user: User, invitation: Invitation, *, audit: Audit) -> Membership:
    """The invited person accepts ("Accetta") and joins the company with the invited role."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require_pending(invitation)
    if invitation.email != user.email:
        raise TenancyError(_("This invitation is for another person."), code="invitation-for-another-person")
    membership, _created = Membership.objects.get_or_create(
        tenant=invitation.tenant, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    accounts.record_event(Event.INVITATION_ACCEPTED, audit=audit, actor=user, user=user, tenant=invitation.tenant)
    return membership


@transaction.atomic
def change_role(actor: User, membership: Membership, role: str, *, audit: Audit) -> None:
    """Changes a member's role; the last administrator cannot stop being one."""
    if role == membership.role:
        return
    if membership.role == Role.ADMINISTRATOR:
        _require_another_administrator(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    accounts.record_event(
        Event.ROLE_CHANGED, audit=audit, actor=actor, tenant=membership.tenant, user=membership.user, detail=role
    )


@transaction.atomic
def remove_member(actor: User, membership: Membership, *, audit: Audit) -> None:
    """Takes a person out of the company (their account and past tickets stay)."""
    if membership.role == Role.ADMINISTRATOR:
        _require_another_administrator(membership)
    membership.delete()
    accounts.record_event(
        Event.MEMBER_REMOVED, audit=audit, actor=actor, tenant=membership.tenant, user=membership.user
    )


@transaction.atomic
def set_tenant_active(actor: User, tenant: Tenant, active: bool, *, audit: Audit) -> None:
    """Deactivates a company (its people can no longer work for it; its data stays) or
    reactivates it."""
    tenant.is_active = active
    tenant.save(update_fields=["is_active"])
    kind = Event.TENANT_REACTIVATED if active else Event.TENANT_DEACTIVATED
    accounts.record_event(kind, audit=audit, actor=actor, tenant=tenant, detail=tenant.name)


# Invitations (and invitations sent again) a company's administrators may send in a day:
# each mails an address of their choice.
INVITATION_QUOTA = Quota("invitations", "INVITATIONS_PER_COMPANY_PER_DAY", period=24 * 3600)


def _require_invitation_quota(actor: User | None, tenant: Tenant) -> None:
    if actor is None or actor.is_operator:  # the vendor onboarding a company
        return
    wait = INVITATION_QUOTA.wait_seconds(company=tenant.pk)
    if wait:
        raise TenancyError(
            _("Your company has sent %(count)s invitations today, the most the portal accepts: try again in "
              "%(hours)s hours, or ask the support team.")
            % {"count": INVITATION_QUOTA.limit, "hours": -(-wait // 3600)},
            code="quota-reached",
            retry_after=wait,
        )  # fmt: skip
    INVITATION_QUOTA.record(company=tenant.pk)


def _require_pending(invitation: Invitation) -> None:
    if not invitation.is_pending:
        raise TenancyError(_("This invitation has already been accepted or withdrawn."), code="invitation-not-pending")


def _require_another_administrator(membership: Membership) -> None:
    # Lock the company's administrators so two concurrent demotions cannot both pass.
    administrators = list(
        Membership.objects.select_for_update()
        .for_tenant(membership.tenant)
        .administrators()
        .values_list("pk", flat=True)
    )
    if [pk for pk in administrators if pk != membership.pk]:
        return
    raise TenancyError(
        _("A company must keep at least one administrator: make someone else administrator first."),
        code="last-administrator",
    )
