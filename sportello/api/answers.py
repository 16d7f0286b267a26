"""What the API answers about tickets, messages and people (see schemas.py), read as the
pages read them: the same chat, never an internal note for customers."""

import hashlib
import json
from contextlib import contextmanager
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sportello.idempotency.models import IdempotencyKey
from sportello.idempotency.services import KeyReused, clean_key
from sportello.lib.errors import RuleViolation
from sportello.lib.partials import url_maker
from sportello.tickets.chat import chat_messages
from sportello.tickets.models import Priority, Status


def person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.public_id, "name": user.display_name, "is_operator": user.is_operator}


def company(tenant) -> dict:
    return {"id": tenant.public_id, "name": tenant.name, "vat_number": tenant.vat_number, "is_active": tenant.is_active}


def ticket_row(ticket, *, desk: bool = False) -> dict:
    page = "desk:ticket" if desk else "tickets:detail"
    row = {
        "number": ticket.pk,
        "title": ticket.title,
        "summary": ticket.summary,
        "status": ticket.status,
        "status_label": str(Status(ticket.status).label),
        "priority": ticket.priority,
        "priority_label": str(Priority(ticket.priority).label),
        "area": ticket.area,
        "created_at": ticket.created_at,
        "last_reply_at": ticket.last_reply_at,
        "closed_at": ticket.closed_at,
        "requester": ticket.requester.display_name,
        "assignee": ticket.assignee.display_name if ticket.assignee_id else None,
        "url": settings.SITE_URL + reverse(page, args=[ticket.pk]),
    }
    if desk:
        row["company"] = ticket.tenant.name
        row["awaiting_vendor_since"] = ticket.awaiting_vendor_since
    return row


def list_rows(rows) -> list[dict]:
    """ticket_row() of each of a company's list's `rows` (tickets.listing.TicketRow, as the
    list page reads them): the same fields, the labels and the address's parts worked out
    once per page rather than once per row."""
    statuses, priorities = _labels(get_language())
    url = url_maker("tickets:detail")
    site = settings.SITE_URL
    return [
        {
            "number": row.pk,
            "title": row.title,
            "summary": row.summary,
            "status": row.status,
            "status_label": statuses[row.status],
            "priority": row.priority,
            "priority_label": priorities[row.priority],
            "area": row.area,
            "created_at": row.created_at,
            "last_reply_at": row.last_reply_at,
            "closed_at": row.closed_at,
            "requester": row.requester_name,
            "assignee": row.assignee_name,
            "url": site + url(row.pk),
        }
        for row in rows
    ]


@lru_cache(maxsize=8)
def _labels(language: str) -> tuple[dict, dict]:
    # The statuses' and priorities' labels in `language` (the active one).
    return {status.value: str(status.label) for status in Status}, {
        priority.value: str(priority.label) for priority in Priority
    }


def unvalidated(request, data) -> HttpResponse:
    """`data` answered as django-ninja answers an operation (its renderer, its content type,
    status 200), without validating it against the operation's schema first. For the lists,
    whose rows are built here field by field as their schema has them: ninja's validation of
    a page of 25 rows, each through its Python getter, cost a tenth of the request
    (tests/test_tickets_api.py checks that the answer is what validating it writes)."""
    from .api import api  # its module imports the routers that call this

    return api.create_response(request, data, status=200)


def ticket_detail(ticket, *, desk: bool = False) -> dict:
    attachment_route = "api-v1:desk_attachment" if desk else "api-v1:attachment"
    detail = {
        **ticket_row(ticket, desk=desk),
        "request_type": ticket.request_type,
        "contact_preference": ticket.contact_preference,
        "email": ticket.email,
        "phone": ticket.phone,
        "description": ticket.description,
        "erp_program": ticket.erp_program,
        "erp_version": ticket.erp_version,
        "erp_error": ticket.erp_error,
        "related_ticket": ticket.related_ticket_id,
        "contact_person": person(ticket.contact_person),
        "closable_from": ticket.closable_from(),
        "accepts_replies": ticket.accepts_customer_replies(),
        "messages": [
            message_of(message, attachment_route)
            for message in chat_messages(ticket, include_internal=desk, extra_fields=("body",))
        ],
    }
    if desk:
        detail["company"] = company(ticket.tenant)
        detail["next_statuses"] = [status.value for status in ticket.next_statuses()]
    return detail


def message_of(message, attachment_route: str = "api-v1:attachment") -> dict:
    """A chat line; `message.files` (set by chat_messages) or its attachments."""
    files = getattr(message, "files", None)
    if files is None:
        files = list(message.attachments.all())
    is_event = message.kind == message.Kind.EVENT
    return {
        "kind": message.kind,
        "author": person(message.author),
        "text": str(message.event_description()) if is_event else message.body,
        "created_at": message.created_at,
        "event": message.event,
        "old_value": message.old_value,
        "new_value": message.new_value,
        "attachments": [
            {
                "id": attachment.public_id,
                "name": attachment.original_name,
                "size": attachment.size,
                "url": settings.SITE_URL + reverse(attachment_route, args=[attachment.public_id]),
            }
            for attachment in files
        ],
    }


# --- Idempotency-Key --------------------------------------------------------------------------


def _fingerprint(request) -> str:
    """A digest of what the request sent: its path, its fields and its files' contents."""
    digest = hashlib.sha256()
    fields = sorted((name, request.POST.getlist(name)) for name in request.POST) if request.POST else []
    body = b"" if request.content_type == "multipart/form-data" else request.body
    digest.update(json.dumps([request.method, request.path, fields]).encode())
    digest.update(body)
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"{name}:{upload.name}:{upload.size}".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


@contextmanager
def idempotency_key(request, actor):
    """The request's `Idempotency-Key`, for the service's `idempotency_key`, with the
    request's fingerprint kept beside it: the same key sent again with another request
    raises KeyReused (HTTP 422) instead of answering with the first request's result."""
    sent = request.headers.get("Idempotency-Key")
    key = clean_key(sent)
    if key is None:
        if sent is not None:
            raise RuleViolation(
                _("An Idempotency-Key is 1 to 255 printable ASCII characters, such as a UUID."),
                code="idempotency-key-invalid",
            )
        yield None
        return
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        earlier = IdempotencyKey.objects.filter(actor=actor, key=key).values_list("fingerprint", flat=True).first()
        if earlier and earlier != fingerprint:
            raise KeyReused("")
        yield key
        IdempotencyKey.objects.filter(actor=actor, key=key, fingerprint="").update(fingerprint=fingerprint)
