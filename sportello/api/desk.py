"""The API of operators' tokens: the desk's queue and its actions (take, assign, change
status, reply, internal note), attachments, and for vendor administrators the companies."""

import json
from uuid import UUID

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja import Status as HttpStatus

from sportello.accounts.models import User
from sportello.desk.forms import AssignForm, OperatorReplyForm, QueueFilterForm, StatusForm
from sportello.desk.queue import filter_queue
from sportello.lib import keyset
from sportello.tenants.models import Tenant
from sportello.tickets import services
from sportello.tickets.attachments import serve_attachment
from sportello.tickets.listing import LIST_FIELDS, paginate
from sportello.tickets.models import Attachment, Ticket

from . import answers, problems, schemas
from .auth import OPERATOR, READ, VENDOR_ADMIN, WRITE, Needs
from .customer import FILE, LIST_ERRORS, NUMBER, READ_ERRORS, WRITE_ERRORS, uploads, with_key

router = Router(tags=["Desk"])
COMPANIES_PER_PAGE = 50


def desk_ticket(number: int) -> Ticket:
    """Operators work every company's tickets: the ticket `number`, or 404."""
    return get_object_or_404(
        Ticket.objects.select_related("tenant", "requester", "contact_person", "assignee"), pk=number
    )


def _operator_pk(value) -> str:
    """An operator's key for the desk's forms, from their public id ("0" for none)."""
    try:
        found = User.objects.operators(include_inactive=True).filter(public_id=UUID(str(value))).first()
    except ValueError:
        found = None
    return str(found.pk) if found else "0"


@router.get(
    "/tickets",
    response={200: schemas.DeskTicketPage, **LIST_ERRORS},
    auth=Needs(READ, OPERATOR),
    openapi_extra=schemas.query(schemas.QueueFilters),
    operation_id="listQueue",
    url_name="desk_tickets",
    summary="The queue: every company's tickets, with the desk's filters and sorts",
)
def queue(request):
    if errors := schemas.errors_against(schemas.QueueFilters, request.GET):
        return problems.invalid(errors)
    data = request.GET.copy()
    if data.get("assignee"):
        data["assignee"] = _operator_pk(data["assignee"])
    form = QueueFilterForm(data)
    if not form.is_valid():
        return problems.from_form(form)
    filters = form.cleaned_data
    tickets = filter_queue(
        Ticket.objects.select_related("tenant", "requester", "assignee").only(*LIST_FIELDS, "tenant__name"),
        filters,
        request.caller.user,
    )
    page = paginate(tickets, filters["sort"], request.GET.get("cursor"), settings.TICKETS_PER_PAGE)
    return {
        "items": [answers.ticket_row(ticket, desk=True) for ticket in page.rows],
        "next_cursor": page.next_cursor,
        "previous_cursor": page.previous_cursor,
    }


@router.get(
    "/tickets/{int:number}",
    response={200: schemas.DeskTicket, **READ_ERRORS},
    auth=Needs(READ, OPERATOR),
    operation_id="getDeskTicket",
    url_name="desk_ticket",
    summary="A ticket with its whole chat, internal notes included",
)
def ticket(request, number: int = NUMBER):
    return answers.ticket_detail(desk_ticket(number), desk=True)


def _act(request, number: int, action):
    found = desk_ticket(number)
    with answers.idempotency_key(request, request.caller.user) as key:
        action(found, key)
    return answers.ticket_detail(desk_ticket(number), desk=True)


def _json(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@router.post(
    "/tickets/{int:number}/take",
    response={200: schemas.DeskTicket, **WRITE_ERRORS},
    auth=Needs(WRITE, OPERATOR),
    openapi_extra=with_key({}),
    operation_id="takeTicket",
    url_name="desk_take",
    summary="“Prendi in carico”: the operator takes the ticket",
)
def take(request, number: int = NUMBER):
    return _act(request, number, lambda found, key: services.take(request.caller.user, found, idempotency_key=key))


@router.post(
    "/tickets/{int:number}/assign",
    response={200: schemas.DeskTicket, **WRITE_ERRORS},
    auth=Needs(WRITE, OPERATOR),
    openapi_extra=with_key(schemas.json_body(schemas.Assignment)),
    operation_id="assignTicket",
    url_name="desk_assign",
    summary="Gives the ticket to an operator",
)
def assign(request, number: int = NUMBER):
    if errors := schemas.errors_against(schemas.Assignment, _json(request)):
        return problems.invalid(errors)
    form = AssignForm({"operator": _operator_pk(_json(request).get("operator", ""))})
    if not form.is_valid():
        return problems.from_form(form)
    operator = form.cleaned_data["operator"]
    return _act(
        request,
        number,
        lambda found, key: services.assign(request.caller.user, found, operator, idempotency_key=key),
    )


@router.post(
    "/tickets/{int:number}/status",
    response={200: schemas.DeskTicket, **WRITE_ERRORS},
    auth=Needs(WRITE, OPERATOR),
    openapi_extra=with_key(schemas.json_body(schemas.StatusChange)),
    operation_id="changeTicketStatus",
    url_name="desk_status",
    summary="Moves the ticket to another status (R11's transitions)",
)
def change_status(request, number: int = NUMBER):
    if errors := schemas.errors_against(schemas.StatusChange, _json(request)):
        return problems.invalid(errors)
    form = StatusForm({"status": str(_json(request).get("status", ""))})
    if not form.is_valid():
        return problems.from_form(form)
    status = form.cleaned_data["status"]
    return _act(
        request,
        number,
        lambda found, key: services.change_status(request.caller.user, found, status, idempotency_key=key),
    )


@router.post(
    "/tickets/{int:number}/replies",
    response={201: schemas.Message, **WRITE_ERRORS},
    auth=Needs(WRITE, OPERATOR),
    openapi_extra=with_key(schemas.multipart(schemas.OperatorReply)),
    operation_id="replyAsOperator",
    url_name="desk_replies",
    summary="Replies to the customer, or writes an internal note (internal=true)",
)
def reply(request, number: int = NUMBER):
    if errors := schemas.errors_against(schemas.OperatorReply, request.POST):
        return problems.invalid(errors)
    found = desk_ticket(number)
    form = OperatorReplyForm(request.POST, request.FILES, **uploads(request))
    if not form.is_valid():
        return problems.from_form(form)
    data = form.cleaned_data
    with answers.idempotency_key(request, request.caller.user) as key:
        message = services.reply_as_operator(
            request.caller.user,
            found,
            body=data["body"],
            files=data["attachments"],
            internal=data["internal"],
            idempotency_key=key,
        )
    return HttpStatus(201, answers.message_of(message, "api-v1:desk_attachment"))


@router.get(
    "/attachments/{public_id}",
    response={**READ_ERRORS},
    auth=Needs(READ, OPERATOR),
    openapi_extra={"responses": {"200": FILE}},
    operation_id="downloadDeskAttachment",
    url_name="desk_attachment",
    summary="Any attachment, internal notes' included",
)
def attachment(request, public_id: UUID):
    return serve_attachment(get_object_or_404(Attachment, public_id=public_id))


@router.get(
    "/companies",
    response={200: schemas.CompanyPage, **LIST_ERRORS},
    auth=Needs(READ, VENDOR_ADMIN),
    openapi_extra=schemas.query(schemas.CompanyFilters),
    operation_id="listCompanies",
    url_name="desk_companies",
    summary="The customer companies, by name (vendor administrators)",
)
def companies(request):
    if errors := schemas.errors_against(schemas.CompanyFilters, request.GET):
        return problems.invalid(errors)
    page = keyset.paginate(
        Tenant.objects.all(), ("name", "id"), False, request.GET.get("cursor"), COMPANIES_PER_PAGE, salt="api.companies"
    )
    return {
        "items": [answers.company(tenant) for tenant in page.rows],
        "next_cursor": page.next_cursor,
        "previous_cursor": page.previous_cursor,
    }


@router.get(
    "/companies/{public_id}",
    response={200: schemas.Company, **READ_ERRORS},
    auth=Needs(READ, VENDOR_ADMIN),
    operation_id="getCompany",
    url_name="desk_company",
    summary="One customer company (vendor administrators)",
)
def company(request, public_id: UUID):
    return answers.company(get_object_or_404(Tenant, public_id=public_id))
