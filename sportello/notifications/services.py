"""The one way e-mail leaves Sportello: `send_email()` renders and enqueues,
`deliver_waiting()` sends.

Each app keeps one small function per e-mail (in its `emails.py`) that picks the
template and the recipients, then calls `send_email()`. A ticket's notifications are
gathered first (`gather()`): the events of a few moments (NOTIFICATION_WINDOW_SECONDS)
become one e-mail per recipient when the window closes (`send_digest()`), and each
recipient's choices (`RecipientPreference`, reached by the one-click unsubscribe link
every such e-mail carries) decide what they get.

Delivery is at least once: an e-mail is locked while it is sent and marked sent in the
same transaction, so two workers never send it together and a sent one is never sent
again; only a crash between the SMTP server's "250 OK" and that commit sends it twice, with
the same Message-ID, which receivers use to drop the copy.
"""

import logging
import math
import smtplib
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core import mail, signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from sportello.workers.retention import cutoff, delete_in_batches

from .models import (
    CUSTOMER_CATEGORIES,
    OPERATOR_CATEGORIES,
    Category,
    Digest,
    Notice,
    OutboundEmail,
    RecipientPreference,
)

logger = logging.getLogger(__name__)

FIRST_RETRY_DELAY = timedelta(minutes=1)
LONGEST_RETRY_DELAY = timedelta(hours=1)
# Most e-mails one delivery task sends (over one SMTP connection) before it hands the rest
# to a fresh task, so a backlog never keeps a worker from its other work for long.
EMAILS_PER_TASK = 200

# Failures that concern one message or recipient: the connection is still good for the next.
_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError, ValueError)


def send_email(
    *,
    kind: str,
    to: str | list[str],
    context: dict,
    language: str | None = None,
    queue: str = OutboundEmail.Queue.EMAIL,
    reply_to: str | Mapping[str, str] | None = None,
    categories: Sequence[str] = (),
) -> list[OutboundEmail]:
    """Renders the e-mail `kind` in `language` and enqueues its delivery to each address.

    Call it inside the transaction of the change that causes the e-mail: if that
    change rolls back, so does the e-mail. Templates live at `emails/<kind>/subject.txt`,
    `body.txt` and `body.html`. An e-mail that a person is waiting for (a code, a
    recovery link, an invitation) passes `queue=OutboundEmail.Queue.PRIORITY`.
    `reply_to` is the Reply-To of every copy, or {address in lower case: its Reply-To}
    (each recipient's own reply address, sportello.mailin.addresses); the templates see
    `accepts_replies` when there is one.

    A recurring notification passes the `categories` (models.Category) it belongs to:
    each recipient's copy then carries their own one-click unsubscribe from them
    (List-Unsubscribe and List-Unsubscribe-Post, RFC 2369 and RFC 8058), also linked at
    the foot of the e-mail (the template's `unsubscribe_url`). It is still rendered once.
    """
    addresses = _unique_addresses([to] if isinstance(to, str) else to)
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"site_url": settings.SITE_URL, "accepts_replies": bool(reply_to), **context}
        if categories:
            context["unsubscribe_url"] = _UNSUBSCRIBE_URL
        subject = " ".join(render_to_string(f"emails/{kind}/subject.txt", context).split())
        body_text = render_to_string(f"emails/{kind}/body.txt", context)
        body_html = render_to_string(f"emails/{kind}/body.html", context)
    if not addresses:
        return []

    now = timezone.now()
    links = {address: unsubscribe_url(address, categories) if categories else "" for address in addresses}
    with transaction.atomic():
        emails = OutboundEmail.objects.bulk_create(
            OutboundEmail(
                kind=kind,
                queue=queue,
                to=address,
                reply_to=(reply_to.get(address.lower(), "") if isinstance(reply_to, Mapping) else reply_to or ""),
                subject=subject,
                body_text=body_text.replace(_UNSUBSCRIBE_URL, links[address]),
                body_html=body_html.replace(_UNSUBSCRIBE_URL, escape(links[address])),
                unsubscribe_url=links[address],
                language=language,
                created_at=now,
                queued_at=now,
                next_attempt_at=now,
            )
            for address in addresses
        )
        # One task per EMAILS_PER_TASK e-mails: several workers may share a large fan-out.
        for _ in range(math.ceil(len(emails) / EMAILS_PER_TASK)):
            _enqueue_delivery(queue)
    return emails


# Rendered in place of each recipient's own unsubscribe link, then replaced in their copy:
# the e-mail is rendered once for hundreds of operators, not once each.
_UNSUBSCRIBE_URL = "SPORTELLO-UNSUBSCRIBE-URL-5f0c2a"


def _unique_addresses(addresses: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for address in addresses:
        if address and address.strip().lower() not in seen:
            seen[address.strip().lower()] = address.strip()
    return list(seen.values())


def _enqueue_delivery(queue: str, run_after: datetime | None = None) -> None:
    from .tasks import deliver_waiting_emails

    deliver_waiting_emails.using(queue_name=queue, run_after=run_after).enqueue(queue)


def deliver_waiting(queue: str, *, task_id: str | None = None, limit: int = EMAILS_PER_TASK) -> dict[str, int]:
    """Sends up to `limit` due e-mails of `queue`, oldest first, over one SMTP connection.

    Each e-mail is locked (SELECT … FOR UPDATE SKIP LOCKED) while it is sent and its
    outcome is committed before the next, so several workers share a queue without ever
    sending the same e-mail together. A failure that concerns the server (unreachable,
    hung up, timed out) ends the round: the others stay due and are tried again with the
    next task. Before it returns, the task makes sure another one will come for what is
    still waiting (`schedule_delivery`). Returns the count of each outcome ("sent",
    "retry", "failed").
    """
    outcomes: Counter[str] = Counter()
    server_down_until = None
    mailer = mail.mailers.default
    try:
        while outcomes.total() < limit:
            with transaction.atomic():
                _commit_without_waiting_for_the_disk()
                email = (
                    OutboundEmail.objects.due(timezone.now())
                    .filter(queue=queue)
                    .order_by("next_attempt_at")
                    .select_for_update(skip_locked=True)
                    .first()
                )
                if email is None:
                    break
                outcome, error = _attempt(email, mailer)
            outcomes[outcome] += 1
            if error is not None and not isinstance(error, _MESSAGE_ERRORS):
                server_down_until = email.next_attempt_at
                break
    finally:
        _close_quietly(mailer)
    schedule_delivery(queue, exclude_task_id=task_id, not_before=server_down_until)
    return dict(outcomes)


def _commit_without_waiting_for_the_disk() -> None:
    """PostgreSQL's asynchronous commit for this transaction: the worker does not wait
    for the WAL flush after each e-mail (the cost of one disk sync per e-mail capped a
    worker well under 100 e-mails a second). A crash of the database server itself may
    forget the last fraction of a second of "sent" marks, in order; those e-mails are sent
    again, with their Message-ID: at least once still holds. A worker's crash loses nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def schedule_delivery(queue: str, *, exclude_task_id: str | None = None, not_before: datetime | None = None) -> bool:
    """Makes sure a delivery task will come for the e-mails waiting on `queue`.

    Enqueues one, due when the earliest waiting e-mail is (or at `not_before`, after the
    server failed: the others wait for its retry instead of each probing it), unless a
    task of the queue is already running or will run by then (`exclude_task_id`: the
    caller's own task, about to finish). This is how retries are scheduled, and, run
    periodically, the sweep that finds e-mails recorded as waiting that no task would
    ever pick up (issue 14, item 2). Returns whether it enqueued a task.
    """
    from .tasks import deliver_waiting_emails

    now = timezone.now()
    waiting = OutboundEmail.objects.waiting().filter(queue=queue)
    if waiting.filter(attempts=0).exists():
        earliest = now
    else:
        earliest = waiting.aggregate(earliest=Min("next_attempt_at"))["earliest"]
        if earliest is None:
            return False
    earliest = max(earliest, not_before or earliest)
    ready_by = Q(run_after=get_date_max()) | Q(run_after__lte=max(earliest, now))
    coming = DBTaskResult.objects.filter(task_path=deliver_waiting_emails.module_path, queue_name=queue).filter(
        Q(status=TaskResultStatus.RUNNING) | Q(ready_by, status=TaskResultStatus.READY)
    )
    if exclude_task_id is not None:
        coming = coming.exclude(id=exclude_task_id)
    if coming.exists():
        return False
    with transaction.atomic():
        _enqueue_delivery(queue, run_after=earliest if earliest > now else None)
    return True


def _attempt(email: OutboundEmail, mailer) -> tuple[str, Exception | None]:
    """Sends one locked, waiting e-mail through `mailer` and records the outcome."""
    now = timezone.now()
    email.attempts += 1
    email.last_attempt_at = now
    try:
        mailer.open()  # once per task: the connection stays open for the next e-mails
        mailer.send_messages([_build_message(email)])
    except Exception as error:  # noqa: BLE001 - every failure is recorded, none may kill the worker
        _close_quietly(mailer)  # the next e-mail starts on a fresh connection
        email.last_error = _describe(error)
        if _is_permanent(error):
            return _give_up(email, "refused"), error
        next_attempt_at = now + _retry_delay(email.attempts)
        if next_attempt_at - email.queued_at > timedelta(hours=settings.EMAIL_RETRY_HOURS):
            return _give_up(email, "expired"), error
        email.next_attempt_at = next_attempt_at
        email.save(update_fields=["attempts", "last_attempt_at", "last_error", "next_attempt_at"])
        logger.warning(
            "E-mail %s to %s not sent (%s); next try at %s", email.pk, email.to, email.last_error, next_attempt_at
        )
        return "retry", error

    email.status = OutboundEmail.Status.SENT
    email.sent_at = timezone.now()
    email.next_attempt_at = None
    email.save(update_fields=["status", "sent_at", "attempts", "last_attempt_at", "next_attempt_at"])
    return "sent", None


def _close_quietly(mailer) -> None:
    try:
        mailer.close()
    except Exception:  # closing a connection that already broke may fail too
        logger.debug("closing the SMTP connection failed", exc_info=True)


def send_again(email: OutboundEmail) -> None:
    """Puts a failed e-mail back in the queue, with a fresh retry window (an operator's action)."""
    if email.status != OutboundEmail.Status.FAILED:
        return
    with transaction.atomic():
        email.status = OutboundEmail.Status.WAITING
        email.queued_at = email.next_attempt_at = timezone.now()
        email.save(update_fields=["status", "queued_at", "next_attempt_at"])
        _enqueue_delivery(email.queue)


def prune_old_emails() -> dict[str, int]:
    """Deletes, bodies and all, the e-mails sent more than EMAIL_RETENTION_DAYS ago and those
    that failed for good more than FAILED_EMAIL_RETENTION_DAYS ago; returns how many of each."""
    sent = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENT, sent_at__lt=cutoff(settings.EMAIL_RETENTION_DAYS)
    )
    failed = OutboundEmail.objects.failed().filter(last_attempt_at__lt=cutoff(settings.FAILED_EMAIL_RETENTION_DAYS))
    return {"sent": delete_in_batches(sent), "failed": delete_in_batches(failed)}


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
        headers={
            "Message-ID": email.message_id,
            "X-Sportello-Email": str(email.public_id),
            "Auto-Submitted": "auto-generated",
        },
        reply_to=[email.reply_to] if email.reply_to else None,
    )
    if email.unsubscribe_url:
        message.extra_headers.update(
            {
                "List-Unsubscribe": _OneLineHeader("List-Unsubscribe", f"<{email.unsubscribe_url}>"),
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        )
    message.attach_alternative(email.body_html, "text/html")
    return message


class _OneLineHeader(str):
    """A header value that Python's e-mail package writes on one line as it is.

    Its default policy folds a line longer than 78 characters at spaces and, for a single
    longer word such as a URL, turns it into RFC 2047 encoded words, which no mail client
    reads as a link. RFC 5322 (§2.1.1) allows lines up to 998 characters; an unsubscribe
    link stays far below that. The policy keeps a value with a `name` as it is and asks it
    to `fold()` itself."""

    def __new__(cls, name: str, value: str):
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


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


# --- gathering a ticket's notices -------------------------------------------------------


def gather(ticket, category: str, message) -> Digest:
    """Records that the chat line `message` of `ticket` (a tickets.Message, never an
    internal note) is news of `category` (models.Category) for someone, in the ticket's
    open digest, or in a new one that closes NOTIFICATION_WINDOW_SECONDS from now with a
    task due then (issue 15, item 9). Call it inside the transaction of the change, which
    also holds the ticket's row lock: the notice rolls back with it, and two changes of
    one ticket never open two digests together. Returns the digest."""
    assert not message.is_internal, "internal notes never reach an e-mail"
    from .tasks import send_digest as send_digest_task

    now = timezone.now()
    with transaction.atomic():
        digest = Digest.objects.open_for(ticket.pk, now).select_for_update().order_by("-closes_at").first()
        if digest is None:
            window = timedelta(seconds=settings.NOTIFICATION_WINDOW_SECONDS)
            digest = Digest.objects.create(ticket=ticket, opened_at=now, closes_at=now + window)
            # Without a window it is due at once, whatever the worker's clock says.
            send_digest_task.using(run_after=digest.closes_at if window else None).enqueue(digest.pk)
        Notice.objects.create(digest=digest, category=category, message=message)
    return digest


def send_digest(digest_id: int) -> int | None:
    """Writes the e-mails of the digest `digest_id` (tickets.emails.send_digest decides who
    gets what) and marks it sent, in one transaction. A digest already sent, gone, or being
    sent by another worker at this moment (row locked: SKIP LOCKED) is left alone, so the
    task and the sweep may both try it, any number of times: its e-mails are written once,
    and a worker that dies half-way leaves it unsent for the next try. Returns how many
    e-mails it wrote, or None when it did nothing."""
    from sportello.tickets import emails as ticket_emails

    with transaction.atomic():
        digest = Digest.objects.unsent().filter(pk=digest_id).select_for_update(skip_locked=True).first()
        if digest is None:
            return None
        notices = list(digest.notices.select_related("message"))
        digest.emails = ticket_emails.send_digest(digest.ticket_id, notices) if notices else 0
        digest.sent_at = timezone.now()
        digest.save(update_fields=["emails", "sent_at"])
    return digest.emails


# Most digests one sweep sends, so that a backlog never holds a worker for long.
DIGESTS_PER_SWEEP = 500


def send_due_digests(now: datetime | None = None, limit: int = DIGESTS_PER_SWEEP) -> int:
    """The sweep: sends the digests whose window has closed and that are still unsent
    (their task lost, or its worker died before the commit). Returns how many it sent."""
    due = Digest.objects.due(now or timezone.now()).order_by("closes_at").values_list("pk", flat=True)[:limit]
    return sum(send_digest(digest_id) is not None for digest_id in list(due))


# A digest sent is kept this long (for the admin), then deleted with its notices.
SENT_DIGEST_DAYS = 1


def prune_sent_digests() -> int:
    """Deletes the digests sent more than SENT_DIGEST_DAYS ago; returns how many."""
    return delete_in_batches(Digest.objects.filter(sent_at__lt=cutoff(SENT_DIGEST_DAYS)))


# --- what each person chooses to receive -------------------------------------------------

_UNSUBSCRIBE_SALT = "sportello.notifications.unsubscribe"


def unsubscribe_url(address: str, categories: Sequence[str]) -> str:
    """The one-click unsubscribe link of `address` from `categories` (RFC 8058 §3): it
    needs no session and does not expire."""
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(address, categories)])


def unsubscribe_token(address: str, categories: Sequence[str]) -> str:
    """`address` and `categories`, signed (HMAC under SECRET_KEY; SECRET_KEY_FALLBACKS
    still read): URL-safe, readable by anyone, made only by the portal."""
    return signing.dumps([address.lower(), ",".join(categories)], salt=_UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[str, list[str]] | None:
    """The address and the categories of an unsubscribe link's token, or None when it was
    not made by the portal (altered, or signed under a key no longer in use)."""
    try:
        address, categories = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return address, [category for category in categories.split(",") if category in Category.values]


def categories_for(person) -> list[Category]:
    """The categories a person (a User, or None for an address with no account: another
    address of a customer's) may choose among: an operator's, or a customer's."""
    return OPERATOR_CATEGORIES if person is not None and person.is_operator else CUSTOMER_CATEGORIES


def muted(address: str) -> set[str]:
    """The categories `address` chose not to receive."""
    return RecipientPreference.objects.muted_by([address]).get(address.lower(), set())


def choose_notifications(address: str, receive: Sequence[str], offered: Sequence[str]) -> None:
    """Records that `address` receives the categories `receive` among those `offered`
    (the page's checkboxes) and none of the others offered; other choices stay."""
    with transaction.atomic():
        preference, _created = RecipientPreference.objects.select_for_update().get_or_create(email=address.lower())
        chosen = (set(preference.muted) - set(offered)) | (set(offered) - set(receive))
        preference.muted = sorted(chosen)
        preference.save()


def unsubscribe(address: str, categories: Sequence[str]) -> None:
    """The one-click unsubscribe (RFC 8058): `address` no longer receives `categories`."""
    with transaction.atomic():
        preference, _created = RecipientPreference.objects.select_for_update().get_or_create(email=address.lower())
        preference.muted = sorted(set(preference.muted) | set(categories))
        preference.save()
