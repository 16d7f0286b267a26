"""Writes of the tickets app. Customers' views (and the desk's) call these; every rule of
the manual about opening, answering, closing and reopening is kept here, once."""

import re
import unicodedata
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sportello.accounts import services as accounts
from sportello.api import webhooks
from sportello.idempotency import services as idempotency
from sportello.lib.errors import RuleViolation
from sportello.ratelimits.throttles import Quota

from . import emails, meaning
from .models import Attachment, Deflection, ListPreference, Message, PendingUpload, Status, Ticket

Event = Message.Event


class TicketError(RuleViolation):
    """A request that breaks a rule of the tickets."""


# What one customer, and one company, may send in an hour: enough for any real use, and a
# bound on the e-mails a script could make the portal send (issue 14, item 6).
TICKET_QUOTA = Quota("tickets", "TICKETS_PER_PERSON_PER_HOUR")
COMPANY_TICKET_QUOTA = Quota("company-tickets", "TICKETS_PER_COMPANY_PER_HOUR")
REPLY_QUOTA = Quota("replies", "REPLIES_PER_PERSON_PER_HOUR")


def _require_quota(quota: Quota, message: str, **identities) -> None:
    """Raises TicketError ("quota-reached") with `message` (a text with %(count)s and
    %(minutes)s) when `quota` is used up for one of `identities`."""
    wait = quota.wait_seconds(**identities)
    if wait:
        raise TicketError(
            message % {"count": quota.limit, "minutes": -(-wait // 60)}, code="quota-reached", retry_after=wait
        )


# --- opening ------------------------------------------------------------------------


@transaction.atomic
def open_ticket(
    actor, tenant, *, data: dict, files=(), related: Ticket | None = None, idempotency_key: str | None = None
) -> Ticket:
    """Opens a ticket for `tenant` on behalf of `actor` (the manual's "Invia Ticket", §3),
    with its description as the first message of the chat, and tells customer and
    operators (R12). The same `idempotency_key` again returns the ticket it opened."""
    earlier = idempotency.claim(actor, idempotency_key, "tickets.open")
    if earlier is not None:
        return Ticket.objects.get(pk=earlier["ticket"])
    _require_quota(
        TICKET_QUOTA,
        _("You have opened %(count)s tickets in the last hour, the most the portal accepts: try again in "
          "%(minutes)s minutes, or call the support team."),
        person=actor.pk,
    )  # fmt: skip
    _require_quota(
        COMPANY_TICKET_QUOTA,
        _("Your company has opened %(count)s tickets in the last hour, the most the portal accepts: try again in "
          "%(minutes)s minutes, or call the support team."),
        company=tenant.pk,
    )  # fmt: skip
    TICKET_QUOTA.record(person=actor.pk)
    COMPANY_TICKET_QUOTA.record(company=tenant.pk)
    now = timezone.now()
    ticket = Ticket.objects.create(
        tenant=tenant,
        requester=actor,
        contact_person=actor,
        email=data["email"],
        phone=data.get("phone", ""),
        contact_preference=data["contact_preference"],
        request_type=data["request_type"],
        area=data["area"],
        priority=data["priority"],
        title=data["title"].strip(),
        description=data["description"].strip(),
        erp_program=data.get("erp_program", ""),
        erp_version=data.get("erp_version", ""),
        erp_error=data.get("erp_error", ""),
        related_ticket=related,
        created_at=now,
        last_reply_at=now,
        awaiting_vendor_since=now,
    )
    message = Message.objects.create(
        tenant=tenant, ticket=ticket, author=actor, body=ticket.description, created_at=now
    )
    _attach(message, files)
    webhooks.emit(webhooks.Event.TICKET_CREATED, ticket, message=message)
    accounts.ask_to_confirm_address(actor, ticket.email)
    emails.send_ticket_opened(ticket, message)
    emails.send_new_ticket_to_operators(ticket, message)
    idempotency.remember(actor, idempotency_key, "tickets.open", {"ticket": ticket.pk})
    return ticket


# --- the customer's reply -----------------------------------------------------------


@transaction.atomic
def reply_as_customer(
    actor,
    ticket: Ticket,
    *,
    body: str,
    files=(),
    priority=None,
    contact_person=None,
    close=False,
    idempotency_key: str | None = None,
) -> Message:
    """A customer's reply (R8–R10), saving with it the priority and contact person chosen
    beside the chat; `close` closes the ticket with the reply. A reply to a postponed
    ticket brings it back to the operators; one to a recently closed ticket reopens it.
    The same `idempotency_key` again returns the first reply and changes nothing.
    Raises TicketError when a rule forbids it."""
    earlier = idempotency.claim(actor, idempotency_key, "tickets.reply")
    if earlier is not None:
        return Message.objects.get(pk=earlier["message"])
    _require_quota(
        REPLY_QUOTA,
        _("You have sent %(count)s replies in the last hour, the most the portal accepts: try again in "
          "%(minutes)s minutes, or call the support team."),
        person=actor.pk,
    )  # fmt: skip
    REPLY_QUOTA.record(person=actor.pk)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    now = timezone.now()
    if not ticket.accepts_customer_replies(now):
        raise TicketError(
            _("This ticket was closed more than %(days)s days ago and cannot be reopened: open a new ticket.")
            % {"days": settings.TICKET_REOPEN_DAYS},
            code="reopen-period-over",
        )
    if close and ticket.is_closed:
        raise TicketError(_("The ticket is already closed."), code="already-closed")
    if close and not ticket.can_be_closed_by_customer(now):
        raise TicketError(
            _("A ticket can be closed only %(minutes)s minutes after its creation: this one from %(time)s.")
            % {
                "minutes": settings.TICKET_CLOSE_AFTER_MINUTES,
                "time": formats.time_format(timezone.localtime(ticket.closable_from_minute()), "H:i"),
            },
            code="too-early-to-close",
        )
    if priority is not None and priority not in ticket.allowed_priorities():
        raise TicketError(
            _("An existing ticket cannot be given the priority “Blocking”: open a new ticket for a blocking problem."),
            code="blocking-priority-not-allowed",
        )
    if contact_person is not None and not ticket.possible_contact_people().filter(pk=contact_person.pk).exists():
        raise TicketError(_("The contact person must belong to the company."), code="contact-person-not-member")

    message = Message.objects.create(
        tenant=ticket.tenant, ticket=ticket, author=actor, body=body.strip(), created_at=now
    )
    _attach(message, files)
    webhooks.emit(webhooks.Event.TICKET_REPLIED, ticket, message=message)
    if priority is not None and priority != ticket.priority:
        _record(ticket, actor, Event.PRIORITY, ticket.priority, priority, now)
        ticket.priority = priority
    if contact_person is not None and contact_person.pk != ticket.contact_person_id:
        _record(
            ticket, actor, Event.CONTACT_PERSON, ticket.contact_person.display_name, contact_person.display_name, now
        )
        ticket.contact_person = contact_person

    old_status = ticket.status
    change = None
    if close:
        change = _set_status(ticket, actor, Status.CLOSED, now)
    elif ticket.status == Status.CLOSED:
        change = _set_status(ticket, actor, Status.WAITING if ticket.assignee_id else Status.UNASSIGNED, now)
    elif ticket.status == Status.POSTPONED:
        _set_status(ticket, actor, Status.WAITING, now)
    ticket.last_reply_at = now
    ticket.awaiting_vendor_since = None if close else (ticket.awaiting_vendor_since or now)
    ticket.save()

    if close:
        emails.send_ticket_closed(ticket, change)
    elif old_status == Status.CLOSED:
        emails.send_status_changed(ticket, change)
    emails.send_customer_reply_to_operators(ticket, message)
    idempotency.remember(actor, idempotency_key, "tickets.reply", {"message": message.pk})
    return message


# --- the operators' actions (the desk) -------------------------------------------------


def _require_operator(person) -> None:
    if not person.can_work_tickets:
        raise TicketError(_("Only the vendor's operators can do this."), code="operators-only")


@transaction.atomic
def assign(actor, ticket: Ticket, operator, *, idempotency_key: str | None = None) -> None:
    """Gives the ticket to `operator` ("take" when it is the actor). An unassigned ticket
    becomes "In attesa": it has been taken in charge (R11). The same `idempotency_key`
    again does nothing. Raises TicketError unless both are operators."""
    _require_operator(actor)
    _require_operator(operator)
    if idempotency.claim(actor, idempotency_key, "tickets.assign") is not None:
        return
    idempotency.remember(actor, idempotency_key, "tickets.assign", {"operator": operator.pk})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.assignee_id == operator.pk:
        return
    now = timezone.now()
    old_name = ticket.assignee.display_name if ticket.assignee_id else ""
    assignment = _record(ticket, actor, Event.ASSIGNEE, old_name, operator.display_name, now)
    ticket.assignee = operator
    change = _set_status(ticket, actor, Status.WAITING, now) if ticket.status == Status.UNASSIGNED else None
    ticket.save()
    emails.send_assigned(ticket, assignment)
    if change is not None:
        emails.send_status_changed(ticket, change)


def take(operator, ticket: Ticket, *, idempotency_key: str | None = None) -> None:
    """ "Prendi in carico": the operator assigns the ticket to themselves."""
    assign(operator, ticket, operator, idempotency_key=idempotency_key)


@transaction.atomic
def change_status(actor, ticket: Ticket, status: str, *, idempotency_key: str | None = None) -> None:
    """Moves the ticket along R11's transitions; anything else is refused (TicketError).
    Working states need an operator: without one, the actor takes the ticket. The same
    `idempotency_key` again does nothing."""
    _require_operator(actor)
    if idempotency.claim(actor, idempotency_key, "tickets.change_status") is not None:
        return
    idempotency.remember(actor, idempotency_key, "tickets.change_status", {"status": status})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if status == ticket.status:
        return
    if status not in Status.values or not ticket.can_move_to(status):
        raise TicketError(
            _("A ticket cannot go from “%(old)s” to “%(new)s”.")
            % {"old": ticket.get_status_display(), "new": Status(status).label if status in Status.values else status},
            code="status-change-not-allowed",
        )
    now = timezone.now()
    if status != Status.CLOSED and not ticket.assignee_id:
        _record(ticket, actor, Event.ASSIGNEE, "", actor.display_name, now)
        ticket.assignee = actor
    change = _set_status(ticket, actor, status, now)
    if status in (Status.CLOSED, Status.POSTPONED):
        ticket.awaiting_vendor_since = None
    ticket.save()
    if status == Status.CLOSED:
        emails.send_ticket_closed(ticket, change)
    else:
        emails.send_status_changed(ticket, change)


@transaction.atomic
def reply_as_operator(
    actor, ticket: Ticket, *, body: str, files=(), internal: bool = False, idempotency_key: str | None = None
) -> Message:
    """An operator's reply to the customer or, with `internal`, a note only operators see.
    A reply to an unassigned ticket takes it. The same `idempotency_key` again returns the
    first message and sends nothing."""
    _require_operator(actor)
    earlier = idempotency.claim(actor, idempotency_key, "tickets.operator_reply")
    if earlier is not None:
        return Message.objects.get(pk=earlier["message"])
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    now = timezone.now()
    message = Message.objects.create(
        tenant=ticket.tenant,
        ticket=ticket,
        author=actor,
        kind=Message.Kind.NOTE if internal else Message.Kind.REPLY,
        is_internal=internal,
        body=body.strip(),
        created_at=now,
    )
    _attach(message, files)
    idempotency.remember(actor, idempotency_key, "tickets.operator_reply", {"message": message.pk})
    if internal:
        return message
    webhooks.emit(webhooks.Event.TICKET_REPLIED, ticket, message=message)
    if ticket.status == Status.UNASSIGNED:
        _record(ticket, actor, Event.ASSIGNEE, "", actor.display_name, now)
        ticket.assignee = actor
        _set_status(ticket, actor, Status.WAITING, now)
    ticket.last_reply_at = now
    ticket.awaiting_vendor_since = None
    ticket.save()
    # One e-mail, not two: the reply tells the customer the ticket's (possibly new) status.
    emails.send_operator_reply(ticket, message)
    return message


# --- telling the operators -------------------------------------------------------------


def notify_operators(kind: str, ticket_id: int, message_id: int) -> int:
    """What a `tasks.notify_operators` task enqueued by an earlier release does: gathers
    the operators' notice of a new ticket or a customer's reply (`kind`: the e-mail it
    named) as the services now do in their own transaction (emails.send_*). Returns 1, or
    0 when the ticket or the message is gone or the message is an internal note."""
    message = Message.objects.filter(pk=message_id, ticket_id=ticket_id, is_internal=False).first()
    if message is None:
        return 0
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
        if kind == "ticket_new_for_operators":
            emails.send_new_ticket_to_operators(ticket, message)
        else:
            emails.send_customer_reply_to_operators(ticket, message)
    return 1


# --- shared pieces ------------------------------------------------------------------


def _set_status(ticket: Ticket, actor, status: str, now) -> Message:
    """Moves the ticket to `status` and returns the chat's line that says so."""
    change = _record(ticket, actor, Event.STATUS, ticket.status, status, now)
    old_status, ticket.status = ticket.status, status
    ticket.closed_at = now if status == Status.CLOSED else None
    if status == Status.CLOSED and meaning.is_enabled():
        from .tasks import embed_closed_ticket

        embed_closed_ticket.enqueue(ticket.pk)
    webhooks.emit_status_change(ticket, old_status)
    return change


def _record(ticket: Ticket, actor, event: str, old, new, now) -> Message:
    """Writes a change into the chat, as an event with its author."""
    return Message.objects.create(
        tenant=ticket.tenant,
        ticket=ticket,
        kind=Message.Kind.EVENT,
        author=actor,
        event=event,
        old_value=str(old),
        new_value=str(new),
        created_at=now,
    )


def _attach(message: Message, files) -> None:
    """Attaches `files` to `message`: uploads of this request, or PendingUpload rows kept
    from a form sent before with errors (their stored file becomes the attachment's)."""
    for upload in files:
        if isinstance(upload, PendingUpload):
            Attachment.objects.create(
                tenant=message.tenant,
                message=message,
                file=upload.file.name,
                original_name=upload.original_name,
                size=upload.size,
            )
            upload.delete()
            continue
        Attachment.objects.create(
            tenant=message.tenant,
            message=message,
            file=upload,
            original_name=clean_filename(upload.name),
            size=upload.size,
        )


# --- files of a form sent with errors (issue 15, item 6) ----------------------------------


def keep_uploads(actor, tenant, files) -> list[PendingUpload]:
    """Stores the uploads of a form that came back with errors, for `actor` in `tenant`,
    so that the form shown again lists them as already attached. `files` were checked by
    the form (size, count); returns the kept files."""
    return [
        PendingUpload.objects.create(
            tenant=tenant, owner=actor, file=upload, original_name=clean_filename(upload.name), size=upload.size
        )
        for upload in files
    ]


def kept_uploads(actor, tenant, public_ids) -> list[PendingUpload]:
    """The files `actor` kept in `tenant` among `public_ids` (ids sent back by the form),
    within PENDING_UPLOAD_HOURS; anything else (another person's, another company's, too
    old, malformed) is ignored."""
    ids = []
    for value in public_ids:
        try:
            ids.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    if not ids or actor is None:
        return []
    since = timezone.now() - timedelta(hours=settings.PENDING_UPLOAD_HOURS)
    kept = PendingUpload.objects.for_tenant(tenant).filter(owner=actor, public_id__in=ids[:50], created_at__gte=since)
    return list(kept.order_by("id"))


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def clean_filename(name: str) -> str:
    """The original file name as it may be shown and offered for download: no directory,
    no control or reserved characters, at most 150 characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > 150:
        stem, dot, extension = name.rpartition(".")
        name = (stem[:140] + dot + extension[:9]) if dot and len(extension) < 10 else name[:150]
    return name or _("attachment")


def record_deflection(actor, ticket: Ticket) -> Deflection:
    """Records that `actor` did not send a new request because closed ticket `ticket` of
    their company answered it ("Già risolto?"): the vendor's count of requests solved by
    suggestions. The view checks that the ticket is a closed one of the actor's company."""
    return Deflection.objects.create(tenant_id=ticket.tenant_id, user=actor, ticket=ticket)


def save_list_preference(user, tenant, params: dict) -> None:
    """Remembers the filters and sort chosen for the list, for the next visit and login."""
    ListPreference.objects.update_or_create(tenant=tenant, user=user, defaults={"params": params})
