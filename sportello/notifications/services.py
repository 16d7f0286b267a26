"""The one way e-mail leaves Sportello: `send_email()` renders and enqueues, `deliver()` sends.

Each app keeps one small function per e-mail (in its `emails.py`) that picks the
template and the recipients, then calls `send_email()`.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboundEmail

logger = logging.getLogger(__name__)

FIRST_RETRY_DELAY = timedelta(minutes=1)
LONGEST_RETRY_DELAY = timedelta(hours=1)


def send_email(
    *,
    kind: str,
    to: str | list[str],
    context: dict,
    language: str | None = None,
    queue: str = OutboundEmail.Queue.EMAIL,
) -> list[OutboundEmail]:
    """Renders the e-mail `kind` in `language` and enqueues its delivery to each address.

    Call it inside the transaction of the change that causes the e-mail: if that
    change rolls back, so does the e-mail. Templates live at `emails/<kind>/subject.txt`,
    `body.txt` and `body.html`.
    """
    addresses = _unique_addresses([to] if isinstance(to, str) else to)
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"emails/{kind}/subject.txt", context).split())
        body_text = render_to_string(f"emails/{kind}/body.txt", context)
        body_html = render_to_string(f"emails/{kind}/body.html", context)

    emails = []
    with transaction.atomic():
        for address in addresses:
            email = OutboundEmail.objects.create(
                kind=kind,
                queue=queue,
                to=address,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                language=language,
            )
            _enqueue(email)
            emails.append(email)
    return emails


def _unique_addresses(addresses: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for address in addresses:
        if address and address.strip().lower() not in seen:
            seen[address.strip().lower()] = address.strip()
    return list(seen.values())


def _enqueue(email: OutboundEmail, run_after=None) -> None:
    from .tasks import deliver_email

    deliver_email.using(queue_name=email.queue, run_after=run_after).enqueue(email.pk)


def deliver(email_id: int) -> str:
    """Sends one waiting e-mail through the configured mailer and records the outcome."""
    email = OutboundEmail.objects.filter(pk=email_id).first()
    if email is None or email.status != OutboundEmail.Status.WAITING:
        return "skipped"

    now = timezone.now()
    email.attempts += 1
    email.last_attempt_at = now
    try:
        _build_message(email).send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded, none may kill the worker
        email.last_error = _describe(error)
        if _is_permanent(error):
            return _give_up(email, "refused")
        next_attempt_at = now + _retry_delay(email.attempts)
        if next_attempt_at - email.queued_at > timedelta(hours=settings.EMAIL_RETRY_HOURS):
            return _give_up(email, "expired")
        email.next_attempt_at = next_attempt_at
        with transaction.atomic():
            email.save(update_fields=["attempts", "last_attempt_at", "last_error", "next_attempt_at"])
            _enqueue(email, run_after=next_attempt_at)
        logger.warning(
            "E-mail %s to %s not sent (%s); next try at %s", email.pk, email.to, email.last_error, next_attempt_at
        )
        return "retry"

    email.status = OutboundEmail.Status.SENT
    email.sent_at = timezone.now()
    email.next_attempt_at = None
    email.save(update_fields=["status", "sent_at", "attempts", "last_attempt_at", "next_attempt_at"])
    return "sent"


def send_again(email: OutboundEmail) -> None:
    """Puts a failed e-mail back in the queue, with a fresh retry window (an operator's action)."""
    if email.status != OutboundEmail.Status.FAILED:
        return
    with transaction.atomic():
        email.status = OutboundEmail.Status.WAITING
        email.queued_at = timezone.now()
        email.next_attempt_at = None
        email.save(update_fields=["status", "queued_at", "next_attempt_at"])
        _enqueue(email)


def oldest_waiting_age(now=None) -> timedelta | None:
    """How long the oldest e-mail still waiting for delivery has waited, or None."""
    oldest = OutboundEmail.objects.waiting().order_by("queued_at").values_list("queued_at", flat=True).first()
    if oldest is None:
        return None
    return (now or timezone.now()) - oldest


def _build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"X-Sportello-Email": str(email.public_id), "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(email.body_html, "text/html")
    return message


def _retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY_DELAY * 2 ** (attempts - 1), LONGEST_RETRY_DELAY)


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer about the recipient or the message: sending again would be refused again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return error.smtp_code >= 500
    return False


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {message.decode(errors='replace')}"
            for address, (code, message) in error.recipients.items()
        )
    return f"{type(error).__name__}: {error}"[:2000]


def _give_up(email: OutboundEmail, reason: str) -> str:
    email.status = OutboundEmail.Status.FAILED
    email.next_attempt_at = None
    email.save(update_fields=["status", "attempts", "last_attempt_at", "last_error", "next_attempt_at"])
    logger.error("E-mail %s to %s failed for good (%s): %s", email.pk, email.to, reason, email.last_error)
    return "failed"
