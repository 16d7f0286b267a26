"""Incoming e-mail: `receive()` stores a message and enqueues its processing in one
transaction; `process()` (a task) decides what it is and acts through the tickets'
own services, as the portal's pages do (DESIGN.md, "One write path").

What a message may do, in this order:

1. Mail that no person wrote (our own, bounces, auto-replies, lists) is ignored: answering
   it could start a loop between two machines (RFC 3834).
2. A message the receiving server found failing DMARC is refused (its From is forged).
3. Each sender may send INBOUND_PER_SENDER_PER_HOUR messages an hour; past that they are
   refused without an answer.
4. A message to a reply address (addresses.py), or failing that one that answers one of
   our e-mails (In-Reply-To, References), becomes its recipient's reply on that ticket,
   provided the From is that person's address, and they may still write on the ticket:
   a member of its company (reply_as_customer) or an operator (reply_as_operator, never
   an internal note). A forged or altered reply address, or another person's From, does
   nothing but a line in the security log.
5. Any other message to the support address is a new request: from a person of exactly
   one company it opens a ticket there (open_ticket, with the defaults: "Normale",
   INBOUND_DEFAULT_AREA); a person of several companies is sent the link to the new-ticket
   form; an unknown sender gets nothing back (the portal is by invitation, R1), only a
   line in the security log.

A rule of the tickets that refuses the message (the reopening period, a quota) is told
to its sender by e-mail in their language; the message is then refused, and the same
message processed again does the same (the task is safe to run twice: the row is locked
and processed once, and the services' idempotency key is its Message-ID).
"""

import hashlib
import logging
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sportello.accounts import services as accounts
from sportello.accounts.models import ContactAddress, SecurityEvent, User
from sportello.idempotency.services import clean_key
from sportello.lib.audit import Audit
from sportello.lib.errors import RuleViolation
from sportello.notifications.models import OutboundEmail
from sportello.notifications.services import send_email
from sportello.ratelimits.throttles import Quota
from sportello.tenants.models import Membership
from sportello.tickets import services as tickets
from sportello.tickets.models import ContactPreference, Priority, RequestType, Ticket
from sportello.workers.retention import cutoff, delete_in_batches

from . import addresses
from .cleaning import Content, reply_content, request_content
from .models import InboundEmail
from .parsing import (
    authentication,
    automatic_reason,
    from_address,
    header,
    message_id_of,
    parse,
    recipients,
    referenced_ids,
)

logger = logging.getLogger(__name__)

MAIL = Audit(channel="mail")
SENDER_QUOTA = Quota("mail-senders", "INBOUND_PER_SENDER_PER_HOUR")
# A stored message whose task has not processed it by then gets another from the sweep.
TASK_GRACE = timedelta(minutes=10)
MAX_ATTEMPTS = 8

Status = InboundEmail.Status
FORGED = object()


# --- storing -------------------------------------------------------------------------


def receive(
    raw: bytes,
    *,
    source: str,
    size: int | None = None,
    envelope_from: str = "",
    envelope_to=(),
    headers_only: bool = False,
) -> InboundEmail | None:
    """Stores one message as it arrived (`raw`, bytes) and enqueues the task that processes
    it, in one transaction; the caller acknowledges the message to its sender (IMAP, LMTP)
    only after this returns. `size` is the whole message's in bytes, when `raw` holds only
    its headers (`headers_only`: the IMAP server said it was too large to fetch); a message
    over INBOUND_MAX_BYTES is kept as its headers only. Returns the new row, or None when a
    message with the same Message-ID was stored before (nothing more to do)."""
    size = len(raw) if size is None else size
    truncated = headers_only or size > settings.INBOUND_MAX_BYTES
    if truncated and not headers_only:
        raw = _headers_of(raw)
    now = timezone.now()
    try:
        with transaction.atomic():
            inbound = InboundEmail.objects.create(
                message_id=message_id_of(raw),
                source=source,
                raw=raw,
                size=size,
                is_truncated=truncated,
                envelope_from=(envelope_from or "")[:254],
                envelope_to=[address.lower() for address in envelope_to],
                received_at=now,
                next_attempt_at=now + TASK_GRACE,
            )
            _enqueue(inbound.pk)
    except IntegrityError:
        return None
    return inbound


def _headers_of(raw: bytes) -> bytes:
    for separator in (b"\r\n\r\n", b"\n\n"):
        if separator in raw:
            return raw.split(separator, 1)[0] + separator
    return raw[:65536]


def _enqueue(inbound_id: int) -> None:
    from .tasks import process_inbound_email

    process_inbound_email.enqueue(inbound_id)


# --- processing ----------------------------------------------------------------------


def process(inbound_id: int) -> str:
    """Processes one stored message (see the module's docstring) and returns its outcome
    ('' when it was processed already, or another worker has it now). A failure is
    recorded on the row and tried again later by the sweep, up to MAX_ATTEMPTS times; a
    lost database connection is left to the worker, which runs the task again."""
    try:
        with transaction.atomic():
            inbound = (
                InboundEmail.objects.select_for_update(skip_locked=True)
                .filter(pk=inbound_id, status=Status.RECEIVED)
                .first()
            )
            if inbound is None:
                return ""
            inbound.status, inbound.outcome = _handle(inbound)
            inbound.attempts += 1
            inbound.processed_at = timezone.now()
            inbound.next_attempt_at = None
            inbound.last_error = ""
            inbound.save()
            return inbound.outcome
    except (OperationalError, InterfaceError):
        raise
    except Exception as error:
        logger.exception("Incoming e-mail %s could not be processed", inbound_id)
        _record_failure(inbound_id, error)
        return "error"


def _record_failure(inbound_id: int, error: Exception) -> None:
    now = timezone.now()
    with transaction.atomic():
        inbound = InboundEmail.objects.select_for_update().filter(pk=inbound_id, status=Status.RECEIVED).first()
        if inbound is None:
            return
        inbound.attempts += 1
        inbound.last_error = f"{type(error).__name__}: {error}"[:2000]
        if inbound.attempts >= MAX_ATTEMPTS:
            inbound.status, inbound.next_attempt_at = Status.FAILED, None
        else:
            inbound.next_attempt_at = now + min(timedelta(minutes=2 ** (inbound.attempts - 1)), timedelta(hours=1))
        inbound.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def _handle(inbound: InboundEmail) -> tuple[str, str]:
    message = parse(bytes(inbound.raw))
    inbound.from_address = from_address(message)[:254]
    inbound.subject = header(message, "Subject")[:255]
    verdicts = authentication(message)
    inbound.authentication = verdicts.results
    reason = automatic_reason(message, inbound.envelope_from if inbound.source == InboundEmail.Source.LMTP else None)
    if reason:
        return Status.IGNORED, reason
    inbound.sender = User.objects.filter(email=inbound.from_address, is_active=True).first()
    if not inbound.from_address:
        return _refuse(inbound, "no-sender")
    if verdicts.dmarc_failed:
        return _refuse(inbound, "dmarc-fail")
    if SENDER_QUOTA.wait_seconds(sender=inbound.from_address):
        return Status.REFUSED, "rate-limited"
    SENDER_QUOTA.record(sender=inbound.from_address)
    target = _reply_target(message, inbound)
    if target is FORGED:
        return _refuse(inbound, "forged-reply-address")
    if target is not None:
        return _answer(inbound, message, target)
    return _new_request(inbound, message)


def _refuse(inbound: InboundEmail, outcome: str) -> tuple[str, str]:
    """Refuses the message with a line in the security log and no answer: whoever sent it
    may not be who the From says, and must learn nothing from the portal."""
    accounts.record_event(
        SecurityEvent.Kind.MAIL_REFUSED, audit=MAIL, user=inbound.sender, email=inbound.from_address, detail=outcome
    )
    return Status.REFUSED, outcome


def _reply_target(message, inbound: InboundEmail):
    """The ReplyTarget the message answers, FORGED when it went to a reply address that is
    not valid, or None when it answers none of ours (a new request)."""
    plus = [address for address in recipients(message, inbound.envelope_to) if addresses.is_plus_address(address)]
    for address in plus:
        if target := addresses.verify(address):
            return target
    if plus:
        return FORGED
    return _referenced_target(message)


def _referenced_target(message):
    """The fallback for a reply that lost its reply address: the e-mail of ours it answers
    (its Message-ID is `<public_id@host of SITE_URL>`) and that e-mail's reply address."""
    host = urlsplit(settings.SITE_URL).hostname
    public_ids = []
    for message_id in referenced_ids(message):
        local, _, domain = message_id.rpartition("@")
        if domain.lower() == host:
            try:
                public_ids.append(uuid.UUID(local))
            except ValueError:
                continue
    if not public_ids:
        return None
    sent = dict(
        OutboundEmail.objects.filter(public_id__in=public_ids).exclude(reply_to="").values_list("public_id", "reply_to")
    )
    for public_id in public_ids:
        if public_id in sent and (target := addresses.verify(sent[public_id])):
            return target
    return None


def _answer(inbound: InboundEmail, message, target: addresses.ReplyTarget) -> tuple[str, str]:
    """The recipient's reply on the ticket, if the From is theirs and they may still write there."""
    ticket = Ticket.objects.select_related("tenant").filter(pk=target.ticket_id).first()
    person = User.objects.filter(pk=target.recipient_id, is_active=True).first()
    if ticket is None or person is None:
        return _refuse(inbound, "unknown-ticket")
    inbound.ticket = ticket
    if not _writes_as(person, inbound.from_address):
        return _refuse(inbound, "sender-mismatch")
    inbound.sender = person
    is_operator = person.can_work_tickets
    if not is_operator and not Membership.objects.usable().for_tenant(ticket.tenant).filter(user=person).exists():
        return _refuse(inbound, "not-member")
    path = reverse("desk:ticket" if is_operator else "tickets:detail", args=[ticket.pk])
    with translation.override(person.language):
        if inbound.is_truncated:
            return _too_large(inbound, person, ticket, path)
        content = reply_content(message)
        if not (content.text or content.files or content.left_out):
            return Status.IGNORED, "empty"
        reply = tickets.reply_as_operator if is_operator else tickets.reply_as_customer
        try:
            inbound.ticket_message = reply(
                person, ticket, body=_with_note(content), files=content.files, idempotency_key=_key(inbound)
            )
        except RuleViolation as error:
            _tell(inbound, person, "mailin_refused", ticket=ticket, ticket_path=path, reason=error.message)
            return Status.REFUSED, f"rule:{error.code}"[:48]
        _tell_left_out(inbound, person, content, ticket, path)
    return Status.PROCESSED, "reply"


def _writes_as(person: User, address: str) -> bool:
    """Whether `address` is `person`'s: their account's, or another address of theirs that
    its reader confirmed (the address a ticket's notifications also go to, R6)."""
    if address == person.email.lower():
        return True
    return ContactAddress.objects.confirmed().filter(user=person, email=address).exists()


def _new_request(inbound: InboundEmail, message) -> tuple[str, str]:
    person = inbound.sender
    if person is None:
        return _refuse(inbound, "unknown-sender")
    memberships = list(Membership.objects.usable().filter(user=person).select_related("tenant")[:2])
    if not memberships:
        return _refuse(inbound, "no-company")
    with translation.override(person.language):
        if len(memberships) > 1:
            _tell(inbound, person, "mailin_choose_company", new_ticket_path=reverse("tickets:new"))
            return Status.PROCESSED, "several-companies"
        if inbound.is_truncated:
            return _too_large(inbound, person, None, reverse("tickets:new"))
        content = request_content(message)
        title = " ".join(inbound.subject.split())[:200] or (content.text.splitlines() or [""])[0][:200]
        data = {
            "email": person.email,
            "phone": person.phone,
            "contact_preference": ContactPreference.WEB,
            "request_type": RequestType.ASSISTANCE,
            "area": settings.INBOUND_DEFAULT_AREA,
            "priority": Priority.NORMAL,
            "title": title or _("Request by e-mail"),
            "description": _with_note(content) or title or _("Request by e-mail"),
        }
        try:
            ticket = tickets.open_ticket(
                person, memberships[0].tenant, data=data, files=content.files, idempotency_key=_key(inbound)
            )
        except RuleViolation as error:
            _tell(inbound, person, "mailin_refused", ticket=None, ticket_path="", reason=error.message)
            return Status.REFUSED, f"rule:{error.code}"[:48]
        inbound.ticket = ticket
        inbound.ticket_message = ticket.messages.order_by("created_at", "id").first()
        _tell_left_out(inbound, person, content, ticket, reverse("tickets:detail", args=[ticket.pk]))
    return Status.PROCESSED, "new-ticket"


def _key(inbound: InboundEmail) -> str:
    """The services' idempotency key: the Message-ID (DESIGN.md, "Idempotency")."""
    return clean_key(inbound.message_id) or "mail-sha256:" + hashlib.sha256(inbound.message_id.encode()).hexdigest()


def _with_note(content: Content) -> str:
    """The text, and a line naming the files left out for their size or number."""
    if not content.left_out:
        return content.text
    note = _(
        "[Not attached: %(names)s. Files must each be smaller than %(size)s MB, at most %(count)s per message.]"
    ) % {
        "names": ", ".join(f"{name} ({filesizeformat(size)})" for name, size in content.left_out),
        "size": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        "count": settings.ATTACHMENT_MAX_FILES,
    }
    return f"{content.text}\n\n{note}".strip()


def _too_large(inbound: InboundEmail, person: User, ticket, path: str) -> tuple[str, str]:
    reason = _(
        "The e-mail is larger than %(size)s MB, the most the portal takes: write from the portal and attach the "
        "files there."
    ) % {"size": settings.INBOUND_MAX_BYTES // (1024 * 1024)}
    _tell(inbound, person, "mailin_refused", ticket=ticket, ticket_path=path, reason=reason)
    return Status.REFUSED, "too-large"


def _tell_left_out(inbound: InboundEmail, person: User, content: Content, ticket, path: str) -> None:
    if content.left_out:
        _tell(
            inbound,
            person,
            "mailin_files_left_out",
            ticket=ticket,
            ticket_path=path,
            names=[name for name, _size in content.left_out],
            max_megabytes=settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
            max_files=settings.ATTACHMENT_MAX_FILES,
        )


def _tell(inbound: InboundEmail, person: User, kind: str, **context) -> None:
    """An answer to the message's sender (a person the portal knows, whose From checked out)."""
    send_email(
        kind=kind,
        to=inbound.from_address,
        language=person.language,
        context={"subject": inbound.subject, "person": person, **context},
    )


# --- keeping the intake going ------------------------------------------------------------


def sweep(now=None, limit: int = 500) -> int:
    """Enqueues a task for each stored message that none has processed in time (the task
    was lost, or failed and is due again); returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            InboundEmail.objects.waiting()
            .filter(next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        InboundEmail.objects.filter(pk__in=due).update(next_attempt_at=now + TASK_GRACE)
        for inbound_id in due:
            _enqueue(inbound_id)
    return len(due)


def process_again(inbound: InboundEmail) -> None:
    """Puts a failed message back to be processed (the admin's action)."""
    if inbound.status != Status.FAILED:
        return
    with transaction.atomic():
        InboundEmail.objects.filter(pk=inbound.pk).update(
            status=Status.RECEIVED, attempts=0, last_error="", next_attempt_at=timezone.now() + TASK_GRACE
        )
        _enqueue(inbound.pk)


def prune_old_messages() -> int:
    """Deletes, raw bytes and all, the messages received more than INBOUND_RETENTION_DAYS
    ago and no longer waiting; returns how many."""
    old = InboundEmail.objects.exclude(status=Status.RECEIVED).filter(
        received_at__lt=cutoff(settings.INBOUND_RETENTION_DAYS)
    )
    return delete_in_batches(old)
