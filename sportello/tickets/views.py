"""The customers' views of tickets: new request, list, detail chat, reply, attachments."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sportello.access import customer_member_required
from sportello.idempotency.web import key_of
from sportello.lib.compiled import CompiledQuery
from sportello.lib.errors import RuleViolation
from sportello.lib.partials import local_date
from sportello.tenants.models import get_for_tenant_or_404

from . import services, uploads
from .attachments import serve_attachment
from .chat import page_chat
from .forms import ListFilterForm, NewTicketForm, ReplyForm, erp_context
from .listing import filter_tickets, paginate, search_page
from .models import Attachment, ListPreference, Ticket
from .reading import contact_choices, ticket_of_company
from .search import similar_closed_tickets_in_time


def get_ticket_for_member(request, number: int) -> Ticket:
    """The ticket `number` of the current company with its people, or 404 (also for
    another company's); its company is the request's, not read again."""
    ticket = ticket_of_company(request.tenant, number)
    if ticket is None:
        raise Http404
    return ticket


# --- new request ----------------------------------------------------------------------


@customer_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request):
    """The manual's "Nuova richiesta di assistenza", also the landing of the ERP's deep link."""
    if request.method == "POST":
        form = uploads.bound_form(NewTicketForm, request, request.tenant)
        if form.is_valid():
            related = Ticket.objects.for_tenant(request.tenant).filter(pk=form.cleaned_data.get("related") or 0).first()
            data = form.cleaned_data
            try:
                ticket = services.open_ticket(
                    request.user,
                    request.tenant,
                    data=data,
                    files=data["attachments"],
                    related=related,
                    idempotency_key=key_of(request),
                )
            except RuleViolation as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("Ticket #%(number)s has been sent to the support team.") % {"number": ticket.pk}
                )
                if ticket.email.lower() not in ticket.customer_addresses():
                    messages.info(
                        request,
                        _("%(email)s will get the notifications once its reader confirms it: we sent a link there.")
                        % {"email": ticket.email},
                    )
                return redirect("tickets:detail", number=ticket.pk)
        uploads.keep_for_next_try(form, request, request.tenant)
    else:
        form = NewTicketForm(initial=_new_ticket_initial(request))
    return render(request, "tickets/new.html", {"form": form}, status=400 if form.errors else 200)


@customer_member_required
@require_safe
def suggestions(request):
    """ "Già risolto?": the company's closed tickets that answer a question like the one
    being written (title and description, sent by the form as the customer types)."""
    text = f"{request.GET.get('title', '')}\n{request.GET.get('description', '')}"
    found = similar_closed_tickets_in_time(text, tenant=request.tenant)
    return render(request, "tickets/partials/suggestions.html", {"suggestions": found})


@customer_member_required
@require_POST
def solved(request, number):
    """A suggested closed ticket answered the question: the request is not sent, and the
    portal records that a suggestion solved it."""
    ticket = get_for_tenant_or_404(Ticket.objects.closed(), request.tenant, pk=number)
    services.record_deflection(request.user, ticket)
    messages.success(request, _("Glad ticket #%(number)s answered your question.") % {"number": ticket.pk})
    return redirect("tickets:detail", number=ticket.pk)


def _new_ticket_initial(request) -> dict:
    initial = {"email": request.user.email, "phone": request.user.phone, **erp_context(request.GET)}
    related = Ticket.objects.for_tenant(request.tenant).filter(pk=_int(request.GET.get("related"))).first()
    if related is not None:
        initial["related"] = related.pk
        initial["title"] = related.title
        initial["description"] = _("Following ticket #%(number)s, closed on %(date)s.") % {
            "number": related.pk,
            "date": local_date(related.closed_at) if related.closed_at else "",
        }
    return initial


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- the list ("Elenco richieste di assistenza") --------------------------------------


# The filters a person saved, read by the list and every ticket's page (its "back" link):
# SQL written once per process (lib.compiled).
SAVED_PARAMS = CompiledQuery(
    lambda tenant, user: ListPreference.objects.for_tenant(tenant).filter(user=user).values_list("params")[:1],
    "tenant",
    "user",
)


def _saved_params(request) -> dict:
    found = SAVED_PARAMS.rows(tenant=request.tenant.pk, user=request.user.pk)
    return found[0][0] if found else {}


def company_tickets(filters: dict, tenant: int):
    """The tickets of the company `tenant` (its id) that the list's filters leave."""
    return filter_tickets(Ticket.objects.for_tenant(tenant), filters)


@customer_member_required
@require_safe
def ticket_list(request):
    """The company's tickets with the chosen filters and sort: those in the address, or
    else the ones this person saved with "Cerca Ticket"."""
    chosen = any(name in request.GET for name in ListFilterForm.base_fields)
    params = request.GET if chosen else QueryDict(urlencode(_saved_params(request)))
    form = ListFilterForm(params or None)
    valid = form.is_bound and form.is_valid()
    filters = form.cleaned_data if valid else {"sort": "created", "state": "any"}
    company = {"tenant": request.tenant.pk}
    page, problem = search_page(company_tickets, company, filters, request.GET.get("cursor"), include_internal=False)
    if problem:
        messages.error(request, problem)
    query = urlencode(form.as_params()) if valid else ""
    return render(request, "tickets/list.html", {"form": form, "page": page, "query": query})


@customer_member_required
@require_POST
def search(request):
    """ "Cerca Ticket": remembers the filters and sort for this person, then shows them."""
    form = ListFilterForm(request.POST)
    if not form.is_valid():
        empty = paginate(Ticket.objects.none(), "created", None, 1)
        return render(request, "tickets/list.html", {"form": form, "page": empty, "query": ""}, status=400)
    services.save_list_preference(request.user, request.tenant, form.as_params())
    return redirect(f"{reverse('tickets:list')}?{urlencode(form.as_params())}")


# --- the detail ("Dettaglio ticket") ---------------------------------------------------


def _detail_context(request, ticket: Ticket, form: ReplyForm) -> dict:
    return {
        "ticket": ticket,
        "chat": page_chat(ticket),
        "form": form,
        "back_url": f"{reverse('tickets:list')}?{urlencode(_saved_params(request))}",
        "accepts_replies": ticket.accepts_customer_replies(),
        "contact_choices": contact_choices(ticket),
        "reopen_days": settings.TICKET_REOPEN_DAYS,
    }


@customer_member_required
@require_safe
def detail(request, number):
    ticket = get_ticket_for_member(request, number)
    return render(request, "tickets/detail.html", _detail_context(request, ticket, ReplyForm(ticket=ticket)))


@customer_member_required
@require_safe
def chat(request, number):
    """The chat alone, for "Aggiorna"."""
    ticket = get_ticket_for_member(request, number)
    return render(request, "tickets/partials/chat.html", {"ticket": ticket, "chat": page_chat(ticket)})


@customer_member_required
@require_POST
def reply(request, number):
    ticket = get_ticket_for_member(request, number)
    form = uploads.bound_form(ReplyForm, request, request.tenant, ticket=ticket)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.reply_as_customer(
                request.user,
                ticket,
                body=data["body"],
                files=data["attachments"],
                priority=data["priority"],
                contact_person=data["contact_person"],
                close=data["close"],
                idempotency_key=key_of(request),
            )
        except RuleViolation as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Ticket closed.") if data["close"] else _("Reply sent."))
            return redirect(reverse("tickets:detail", args=[ticket.pk]) + "#chat-end")
    uploads.keep_for_next_try(form, request, request.tenant)
    ticket.refresh_from_db()
    return render(request, "tickets/detail.html", _detail_context(request, ticket, form), status=400)


@customer_member_required
@require_safe
def attachment(request, public_id):
    found = get_for_tenant_or_404(
        Attachment.objects.filter(message__is_internal=False), request.tenant, public_id=public_id
    )
    return serve_attachment(found)
