"""Views of the operators' console: companies and operators (vendor administrators),
the security log."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sportello.access import operator_required, vendor_admin_required
from sportello.accounts.models import SecurityEvent, User
from sportello.idempotency.web import key_of
from sportello.lib.audit import Audit
from sportello.lib.errors import RuleViolation
from sportello.tenants import services as tenants
from sportello.tenants.forms import TenantForm
from sportello.tenants.models import Invitation, Membership, Tenant
from sportello.tickets import search, uploads
from sportello.tickets import services as tickets
from sportello.tickets.attachments import serve_attachment
from sportello.tickets.chat import page_chat
from sportello.tickets.listing import search_page
from sportello.tickets.models import Area, Attachment, Ticket
from sportello.tickets.reading import ticket_of_any_company

from . import services
from .companies import count_people_and_open_tickets
from .forms import AssignForm, OperatorAreasForm, OperatorInvitationForm, OperatorReplyForm, QueueFilterForm
from .queue import assignable_operators, filter_queue, queue_facts


@vendor_admin_required
@require_safe
def companies(request):
    page = Paginator(Tenant.objects.order_by("name", "pk"), 50).get_page(request.GET.get("page"))
    page.object_list = count_people_and_open_tickets(list(page.object_list))
    return render(request, "desk/companies.html", {"page": page})


@vendor_admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def company_new(request):
    form = TenantForm(request.POST or None)
    if form.is_valid():
        try:
            tenant = tenants.onboard_tenant(
                request.user, audit=Audit.of(request), idempotency_key=key_of(request), **form.cleaned_data
            )
        except RuleViolation as error:
            form.add_error("vat_number", str(error))
        else:
            messages.success(
                request,
                _("%(name)s created; the invitation is on its way to %(email)s.")
                % {"name": tenant.name, "email": form.cleaned_data["admin_email"]},
            )
            return redirect("desk:company", public_id=tenant.public_id)
    return render(request, "desk/company_new.html", {"form": form}, status=400 if form.errors else 200)


@vendor_admin_required
@require_safe
def company(request, public_id):
    tenant = get_object_or_404(Tenant, public_id=public_id)
    context = {
        "tenant": tenant,
        "memberships": Membership.objects.for_tenant(tenant).select_related("user"),
        "invitations": Invitation.objects.for_tenant(tenant).pending(),
    }
    return render(request, "desk/company.html", context)


@vendor_admin_required
@require_POST
def company_set_active(request, public_id):
    tenant = get_object_or_404(Tenant, public_id=public_id)
    active = request.POST.get("active") == "1"
    tenants.set_tenant_active(request.user, tenant, active, audit=Audit.of(request))
    if active:
        messages.success(request, _("%(name)s is active again.") % {"name": tenant.name})
    else:
        messages.success(
            request, _("%(name)s is deactivated: its users can no longer work for it.") % {"name": tenant.name}
        )
    return redirect("desk:company", public_id=tenant.public_id)


@vendor_admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def operators(request):
    form = OperatorInvitationForm(request.POST or None)
    if form.is_valid():
        try:
            services.invite_operator(
                request.user,
                form.cleaned_data["email"],
                is_vendor_admin=form.cleaned_data["is_vendor_admin"],
                areas=form.cleaned_data["areas"],
                audit=Audit.of(request),
                idempotency_key=key_of(request),
            )
        except RuleViolation as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("desk:operators")
    operator_list = (
        User.objects.operators(include_inactive=True)
        .prefetch_related("operator_areas")
        .order_by("last_name", "first_name", "email")
    )
    page = Paginator(operator_list, 50).get_page(request.GET.get("page"))
    for operator in page.object_list:
        operator.area_values = {served.area for served in operator.operator_areas.all()}
    context = {"form": form, "page": page, "area_choices": Area.choices}
    return render(request, "desk/operators.html", context, status=400 if form.errors else 200)


@operator_required
@require_safe
def security_log(request):
    page = SecurityEvent.objects.select_related("user", "actor", "tenant").page(request.GET.get("cursor"))
    return render(request, "desk/security_log.html", {"page": page})


# --- the queue and the tickets ----------------------------------------------------------


def _operator_ticket(number: int) -> Ticket:
    """Operators work every company's tickets: a ticket by number, or 404."""
    ticket = ticket_of_any_company(number)
    if ticket is None:
        raise Http404
    return ticket


def queue_tickets(filters: dict, operator: int | None = None):
    """Every company's tickets that the queue's filters leave (`operator`: the id of the
    one whose tickets are "Mine")."""
    return filter_queue(Ticket.objects.all(), filters, operator)


@operator_required
@require_safe
def queue(request):
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {"state": "open", "sort": "created"}
    # The operator is an argument of the SQL only when "Mine" uses them.
    operator = {"operator": request.user.pk} if filters.get("mine") else {}
    page, problem = search_page(
        queue_tickets,
        operator,
        filters,
        request.GET.get("cursor"),
        include_internal=True,
        with_company=True,
        fixed=not filters.get("company"),  # the companies matching the name are read first
    )
    if problem:
        messages.error(request, problem)
    query = urlencode({key: value for key, value in request.GET.items() if key != "cursor"})
    counts, operators = queue_facts()
    context = {
        "form": form,
        "page": page,
        "query": query,
        "counts": counts,
        "operator_choices": (("", _("Any")), *operators),  # pairs: part of the kept panel's key
        "now": timezone.now(),
    }
    return render(request, "desk/queue.html", context)


def _ticket_page(request, ticket: Ticket, status=200, **forms):
    context = {
        "ticket": ticket,
        "chat": page_chat(ticket, include_internal=True),
        "reply_form": forms.get("reply_form") or OperatorReplyForm(),
        "assign_form": forms.get("assign_form") or AssignForm(initial={"operator": ticket.assignee_id}),
        "next_statuses": ticket.next_statuses(),
        "operator_choices": assignable_operators(),
        "attachment_url_name": "desk:attachment",
    }
    return render(request, "desk/ticket.html", context, status=status)


@operator_required
@require_safe
def ticket(request, number):
    return _ticket_page(request, _operator_ticket(number))


@operator_required
@require_safe
def ticket_chat(request, number):
    found = _operator_ticket(number)
    context = {
        "ticket": found,
        "chat": page_chat(found, include_internal=True),
        "attachment_url_name": "desk:attachment",
    }
    return render(request, "tickets/partials/chat.html", context)


@operator_required
@require_safe
def similar(request, number):
    """Closed tickets of every company about a question like this ticket's (loaded into
    the ticket's page after it shows)."""
    found = _operator_ticket(number)
    suggestions = search.similar_closed_tickets_in_time(f"{found.title}\n{found.description}", exclude=found.pk)
    tenants = Tenant.objects.in_bulk({suggestion.ticket.tenant_id for suggestion in suggestions})
    for suggestion in suggestions:
        suggestion.ticket.tenant = tenants[suggestion.ticket.tenant_id]
    return render(request, "desk/partials/similar.html", {"suggestions": suggestions})


def _act(request, number, action, success_message):
    found = _operator_ticket(number)
    try:
        action(found)
    except RuleViolation as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success_message)
    return redirect("desk:ticket", number=found.pk)


@operator_required
@require_POST
def take(request, number):
    return _act(
        request,
        number,
        lambda t: tickets.take(request.user, t, idempotency_key=key_of(request)),
        _("You took the ticket."),
    )


@operator_required
@require_POST
def assign(request, number):
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _ticket_page(request, _operator_ticket(number), status=400, assign_form=form)
    operator = form.cleaned_data["operator"]
    return _act(
        request,
        number,
        lambda t: tickets.assign(request.user, t, operator, idempotency_key=key_of(request)),
        _("Ticket assigned to %(name)s.") % {"name": operator.display_name},
    )


@operator_required
@require_POST
def set_status(request, number):
    status = request.POST.get("status", "")
    return _act(
        request,
        number,
        lambda t: tickets.change_status(request.user, t, status, idempotency_key=key_of(request)),
        _("Status changed."),
    )


@operator_required
@require_POST
def reply(request, number):
    found = _operator_ticket(number)
    form = uploads.bound_form(OperatorReplyForm, request, found.tenant)
    if not form.is_valid():
        uploads.keep_for_next_try(form, request, found.tenant)
        return _ticket_page(request, found, status=400, reply_form=form)
    data = form.cleaned_data
    tickets.reply_as_operator(
        request.user,
        found,
        body=data["body"],
        files=data["attachments"],
        internal=data["internal"],
        idempotency_key=key_of(request),
    )
    messages.success(request, _("Internal note saved.") if data["internal"] else _("Reply sent to the customer."))
    return redirect(reverse("desk:ticket", args=[found.pk]) + "#chat-end")


@operator_required
@require_safe
def attachment(request, public_id):
    return serve_attachment(get_object_or_404(Attachment, public_id=public_id))


@vendor_admin_required
@require_POST
def operator_areas(request, public_id):
    operator = get_object_or_404(User.objects.operators(include_inactive=True), public_id=public_id)
    form = OperatorAreasForm(request.POST)
    if form.is_valid():
        services.set_operator_areas(operator, form.cleaned_data["areas"])
        messages.success(request, _("Areas of %(name)s saved.") % {"name": operator.display_name})
    else:
        messages.error(request, form.errors["areas"][0])
    return redirect("desk:operators")
