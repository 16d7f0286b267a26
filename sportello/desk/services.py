"""Writes of the operators' console."""

from django.db import transaction
from django.utils.translation import gettext as _

from sportello.accounts import services as accounts
from sportello.accounts.models import User
from sportello.idempotency import services as idempotency
from sportello.lib.audit import Audit
from sportello.lib.errors import RuleViolation

from .models import OperatorArea


class DeskError(RuleViolation):
    """A request that breaks a rule of the operators' console."""


@transaction.atomic
def invite_operator(
    actor: User | None,
    email: str,
    *,
    is_vendor_admin: bool = False,
    areas=(),
    first_name: str = "",
    last_name: str = "",
    audit: Audit,
    idempotency_key: str | None = None,
) -> User:
    """Creates an operator's account (a vendor administrator's with `is_vendor_admin`)
    serving `areas` (none: every area), with temporary credentials (the names are a
    suggestion the operator confirms at "Creazione Utente"); the first access then
    goes as for customers ("Creazione Utente", code, dashboard). `actor` is None from
    the command line. The same `idempotency_key` again returns the account it made.
    Raises DeskError when the address already has an account."""
    earlier = idempotency.claim(actor, idempotency_key, "desk.invite_operator")
    if earlier is not None:
        return User.objects.get(pk=earlier["user"])
    if User.objects.filter(email=email).exists():
        raise DeskError(_("%(email)s already has an account.") % {"email": email}, code="account-exists")
    user = accounts.create_invited_user(
        email, is_operator=True, is_staff=is_vendor_admin, first_name=first_name, last_name=last_name
    )
    set_operator_areas(user, areas)
    accounts.record_event(
        accounts.Event.INVITATION_SENT, audit=audit, actor=actor, user=user, email=email, detail="operator"
    )
    idempotency.remember(actor, idempotency_key, "desk.invite_operator", {"user": user.pk})
    return user


@transaction.atomic
def set_operator_areas(operator: User, areas) -> None:
    """The application areas `operator` serves from now on; none means every area."""
    OperatorArea.objects.filter(user=operator).exclude(area__in=areas).delete()
    OperatorArea.objects.bulk_create([OperatorArea(user=operator, area=area) for area in areas], ignore_conflicts=True)
