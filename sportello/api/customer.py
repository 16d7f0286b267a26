"""The API of a company's tokens: its tickets (the manual's list, detail, new request,
reply), their attachments, and for administrators the company's users."""

from uuid import UUID

from django.http import HttpResponse
from django.urls import reverse
from ninja import Path, Router
from ninja import Status as HttpStatus

from sportello.tenants.models import Membership, get_for_tenant_or_404
from sportello.tickets import services
from sportello.tickets.attachments import serve_attachment
from sportello.tickets.forms import ListFilterForm, NewTicketForm, ReplyForm
from sportello.tickets.listing import search_page
from sportello.tickets.models import Attachment, Priority, Ticket
from sportello.tickets.views import company_tickets

from . import answers, problems, schemas
from .auth import ANYONE, COMPANY_ADMIN, CUSTOMER, READ, WRITE, Needs

router = Router(tags=["Company"])

READ_ERRORS = {
    401: schemas.Problem,
    403: schemas.Problem,
    404: schemas.Problem,
    422: schemas.Problem,
    429: schemas.Problem,
}
LIST_ERRORS = READ_ERRORS
WRITE_ERRORS = {**READ_ERRORS, 409: schemas.Problem}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
    "description": "The same key again returns the first result and changes nothing.",
}
NUMBER = Path(..., ge=1, le=schemas.MAX_TICKET_NUMBER, description="The ticket's number.")
FILE = {
    "description": "The file, as a download.",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


def with_key(extra: dict) -> dict:
    """openapi_extra plus the Idempotency-Key header."""
    return {**extra, "parameters": [*extra.get("parameters", []), IDEMPOTENCY_KEY]}


def uploads(request) -> dict:
    return {"oversized": getattr(request, "oversized_uploads", [])}


def company_ticket(request, number: int) -> Ticket:
    """The caller's company's ticket `number`, or 404 (also for another company's)."""
    return get_for_tenant_or_404(
        Ticket.objects.select_related("tenant", "requester", "contact_person", "assignee"),
        request.caller.tenant,
        pk=number,
    )


@router.get(
    "/me",
    response={200: schemas.Me, **READ_ERRORS},
    auth=Needs(READ, ANYONE),
    operation_id="whoAmI",
    url_name="me",
    tags=["Tokens"],
    summary="The token and who it acts as",
)
def me(request):
    caller = request.caller
    token = caller.token
    return {
        "token": token.name,
        "kind": token.kind,
        "scope": token.scope,
        "expires_at": token.expires_at,
        "user": answers.person(caller.user),
        "company": answers.company(caller.tenant) if caller.tenant else None,
    }


@router.get(
    "/tickets",
    response={200: schemas.TicketPage, **LIST_ERRORS},
    auth=Needs(READ, CUSTOMER),
    openapi_extra=schemas.query(schemas.TicketFilters),
    operation_id="listTickets",
    url_name="tickets",
    summary="The company's tickets, filtered and sorted as on the list page",
)
def list_tickets(request):
    if errors := schemas.errors_against(schemas.TicketFilters, request.GET):
        return problems.invalid(errors)
    form = ListFilterForm(request.GET)
    if not form.is_valid():
        return problems.from_form(form)
    # Read as the list page reads it (its SQL written once per process for the first page);
    # the API's filters have no words, which are all search_page() can refuse.
    company = {"tenant": request.caller.tenant.pk}
    page, _problem = search_page(
        company_tickets, company, form.cleaned_data, request.GET.get("cursor"), include_internal=False
    )
    return answers.unvalidated(
        request,
        {
            "items": answers.list_rows(page.rows),
            "next_cursor": page.next_cursor,
            "previous_cursor": page.previous_cursor,
        },
    )


@router.post(
    "/tickets",
    response={201: schemas.Ticket, **WRITE_ERRORS},
    auth=Needs(WRITE, CUSTOMER),
    openapi_extra=with_key(schemas.multipart(schemas.NewTicket)),
    operation_id="openTicket",
    url_name="tickets",
    summary="Opens a ticket (“Invia Ticket”), with the ERP's context and attachments",
)
def open_ticket(request, response: HttpResponse):
    if errors := schemas.errors_against(schemas.NewTicket, request.POST):
        return problems.invalid(errors)
    caller = request.caller
    data = request.POST.copy()
    if "email" not in data and caller.user.is_activated:
        data["email"] = caller.user.email
    data.setdefault("contact_preference", "web")
    data.setdefault("priority", str(Priority.NORMAL.value))
    form = NewTicketForm(data, request.FILES, **uploads(request))
    if not form.is_valid():
        return problems.from_form(form)
    related = Ticket.objects.for_tenant(caller.tenant).filter(pk=form.cleaned_data.get("related") or 0).first()
    with answers.idempotency_key(request, caller.user) as key:
        ticket = services.open_ticket(
            caller.user,
            caller.tenant,
            data=form.cleaned_data,
            files=form.cleaned_data["attachments"],
            related=related,
            idempotency_key=key,
        )
    response["Location"] = reverse("api-v1:ticket", args=[ticket.pk])
    return HttpStatus(201, answers.ticket_detail(company_ticket(request, ticket.pk)))


@router.get(
    "/tickets/{int:number}",
    response={200: schemas.Ticket, **READ_ERRORS},
    auth=Needs(READ, CUSTOMER),
    operation_id="getTicket",
    url_name="ticket",
    summary="A ticket with its chat (never the operators' internal notes)",
)
def get_ticket(request, number: int = NUMBER):
    return answers.ticket_detail(company_ticket(request, number))


class _ReplyForm(ReplyForm):
    """The page's reply form, but any priority is let through to the service, which refuses
    "Bloccante" with its own rule (R8, code "blocking-priority-not-allowed")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = Priority.choices


@router.post(
    "/tickets/{int:number}/replies",
    response={201: schemas.Message, **WRITE_ERRORS},
    auth=Needs(WRITE, CUSTOMER),
    openapi_extra=with_key(schemas.multipart(schemas.Reply)),
    operation_id="replyToTicket",
    url_name="ticket_replies",
    summary="Replies; may change the priority and the contact person, and close the ticket",
)
def reply(request, number: int = NUMBER):
    if errors := schemas.errors_against(schemas.Reply, request.POST):
        return problems.invalid(errors)
    ticket = company_ticket(request, number)
    data = request.POST.copy()
    if data.get("contact_person"):
        data["contact_person"] = _member_pk(ticket, data["contact_person"])
    form = _ReplyForm(data, request.FILES, ticket=ticket, **uploads(request))
    if not form.is_valid():
        return problems.from_form(form)
    cleaned = form.cleaned_data
    with answers.idempotency_key(request, request.caller.user) as key:
        message = services.reply_as_customer(
            request.caller.user,
            ticket,
            body=cleaned["body"],
            files=cleaned["attachments"],
            priority=cleaned["priority"],
            contact_person=cleaned["contact_person"],
            close=cleaned["close"],
            idempotency_key=key,
        )
    return HttpStatus(201, answers.message_of(message))


def _member_pk(ticket: Ticket, public_id: str) -> str:
    """The contact person's key for the form, from their public id (the form then says
    "not a valid choice" for anyone who is not a member)."""
    try:
        found = ticket.possible_contact_people().filter(public_id=UUID(public_id)).values_list("pk", flat=True).first()
    except ValueError:
        found = None
    return str(found) if found else "0"


@router.get(
    "/attachments/{public_id}",
    response={**READ_ERRORS},
    auth=Needs(READ, CUSTOMER),
    openapi_extra={"responses": {"200": FILE}},
    operation_id="downloadAttachment",
    url_name="attachment",
    summary="An attachment of the company's tickets",
)
def attachment(request, public_id: UUID):
    found = get_for_tenant_or_404(
        Attachment.objects.filter(message__is_internal=False), request.caller.tenant, public_id=public_id
    )
    return serve_attachment(found)


@router.get(
    "/company/users",
    response={200: list[schemas.Member], **READ_ERRORS},
    auth=Needs(READ, COMPANY_ADMIN),
    operation_id="listCompanyUsers",
    url_name="company_users",
    summary="The company's users and their roles (administrators only)",
)
def company_users(request):
    memberships = Membership.objects.for_tenant(request.caller.tenant).select_related("user")
    return [
        {
            "id": membership.user.public_id,
            "name": membership.user.display_name,
            "email": membership.user.email,
            "role": membership.role,
            "member_since": membership.created_at,
        }
        for membership in memberships
    ]
