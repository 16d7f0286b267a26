"""The e-mails of the accounts app, one function each."""

from django.conf import settings
from django.urls import reverse

from sportello.notifications.models import OutboundEmail
from sportello.notifications.services import send_email


def send_temporary_credentials(user, password: str) -> None:
    """The manual's first e-mail: temporary credentials and the link to the portal."""
    send_email(
        kind="temporary_credentials",
        to=user.email,
        language=user.language,
        queue=OutboundEmail.Queue.PRIORITY,
        context={
            "email": user.email,
            "password": password,
            "expires_at": user.temporary_password_expires_at,
            "login_path": reverse("accounts:login"),
            "operator": user.is_operator,
        },
    )


def send_login_code(user, code: str) -> None:
    """The second factor's one-time code, on the priority queue so no backlog delays it."""
    send_email(
        kind="login_code",
        to=user.email,
        language=user.language,
        queue=OutboundEmail.Queue.PRIORITY,
        context={"code": code, "user": user, "minutes": settings.LOGIN_CODE_MINUTES},
    )


def send_password_reset(user, reset_path: str) -> None:
    send_email(
        kind="password_reset",
        to=user.email,
        language=user.language,
        queue=OutboundEmail.Queue.PRIORITY,
        context={"user": user, "reset_path": reset_path, "valid_minutes": settings.PASSWORD_RESET_TIMEOUT // 60},
    )


def send_codes_blocked(user, failures: int) -> None:
    """Tells the owner that their account's codes stopped working after `failures` wrong
    ones: someone who knows their password may be trying to sign in."""
    send_email(
        kind="codes_blocked",
        to=user.email,
        language=user.language,
        queue=OutboundEmail.Queue.PRIORITY,
        context={"user": user, "failures": failures, "profile_path": reverse("accounts:profile")},
    )


def send_address_confirmation(address, confirm_path: str) -> None:
    """Asks the reader of `address` to confirm that they want a person's ticket
    notifications (priority queue: the person is waiting for it)."""
    send_email(
        kind="address_confirmation",
        to=address.email,
        language=address.user.language,
        queue=OutboundEmail.Queue.PRIORITY,
        context={
            "person": address.user,
            "confirm_path": confirm_path,
            "days": settings.CONTACT_ADDRESS_CONFIRM_DAYS,
        },
    )
