"""Writes of the operators' console."""

from django.db import transaction
from django.utils.translation import gettext as _

from sportello.accounts import services as accounts
from sportello.accounts.models import User

from .models import OperatorArea


class DeskError(Exception):
    """A request that breaks a rule; its message is for the operator who made it."""


@transaction.atomic
def invite_operator(actor: User, email: str, *, is_vendor_admin: bool = False, areas=(), request=None) -> User:
    """Creates an operator's account with temporary credentials; the first access then
    goes as for customers ("Creazione Utente", code, dashboard)."""
    if User.objects.filter(email=email).exists():
        raise DeskError(_("%(email)s already has an account.") % {"email": email})
    user = accounts.create_invited_user(email, is_operator=True, is_staff=is_vendor_admin)
    set_operator_areas(user, areas)
    accounts.record_event(
        accounts.Event.INVITATION_SENT, request=request, actor=actor, user=user, email=email, detail="operator"
    )
    return user


@transaction.atomic
def set_operator_areas(operator: User, areas) -> None:
    """The application areas `operator` serves from now on; none means every area."""
    OperatorArea.objects.filter(user=operator).exclude(area__in=areas).delete()
    OperatorArea.objects.bulk_create([OperatorArea(user=operator, area=area) for area in areas], ignore_conflicts=True)
