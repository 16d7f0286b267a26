"""Views of the tenants app: the company choice after sign-in, and the company's
administration ("Gestione Tenant" → "Tenant")."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sportello.access import company_admin_required, is_operator, signed_in_required
from sportello.accounts.flow import safe_next
from sportello.accounts.models import SecurityEvent
from sportello.idempotency.web import key_of
from sportello.lib.audit import Audit
from sportello.lib.errors import RuleViolation

from . import services
from .forms import InvitationForm, RoleForm
from .middleware import work_for
from .models import Invitation, Membership, get_for_tenant_or_404


def _after_choice(next_url: str):
    return redirect(next_url or "dashboard:home")


def _pending_invitations(user):
    return Invitation.objects.pending().for_email(user.email).filter(tenant__is_active=True).select_related("tenant")


@signed_in_required
@require_safe
def landing(request):
    """Where every sign-in ends: straight to work when there is one company and nothing
    to accept, otherwise to the company choice ("Scelta Tenant")."""
    next_url = safe_next(request, request.GET.get("next"))
    user = request.user
    if is_operator(user):
        return redirect(next_url or "dashboard:home")
    memberships = list(Membership.objects.usable().filter(user=user).select_related("tenant")[:2])
    if len(memberships) == 1 and not _pending_invitations(user).exists():
        work_for(request, memberships[0])
        return _after_choice(next_url)
    return redirect(f"{reverse('tenants:choose')}?{urlencode({'next': next_url})}" if next_url else "tenants:choose")


@signed_in_required
@require_safe
def choose(request):
    """The manual's "Scelta Tenant": invitations to accept, and the companies to work for."""
    context = {
        "invitations": _pending_invitations(request.user),
        "memberships": Membership.objects.usable()
        .filter(user=request.user)
        .select_related("tenant")
        .order_by("tenant__name"),
        "next": safe_next(request, request.GET.get("next")),
    }
    return render(request, "tenants/choose.html", context)


@signed_in_required
@require_POST
def accept(request, public_id):
    invitation = get_object_or_404(_pending_invitations(request.user), public_id=public_id)
    membership = services.accept_invitation(request.user, invitation, audit=Audit.of(request))
    messages.success(request, _("You have joined %(name)s.") % {"name": membership.tenant.name})
    next_url = safe_next(request, request.POST.get("next"))
    return redirect(f"{reverse('tenants:choose')}?{urlencode({'next': next_url})}" if next_url else "tenants:choose")


@signed_in_required
@require_POST
def select(request, public_id):
    membership = get_object_or_404(Membership.objects.usable(), user=request.user, tenant__public_id=public_id)
    work_for(request, membership)
    return _after_choice(safe_next(request, request.POST.get("next")))


# --- company administration (administrators only) ---------------------------------


@company_admin_required
@require_safe
def members(request):
    """Tab "Utenti": the people enabled for the company, with their role."""
    memberships = Membership.objects.for_tenant(request.tenant).select_related("user")
    return render(
        request, "tenants/members.html", {"memberships": memberships, "tab": "members", "role_form": RoleForm()}
    )


@company_admin_required
@require_safe
def invitations(request):
    """Tab "Utenti Invitati": invitations, pending first, and the "Invita utente" form."""
    invitation_list = (
        Invitation.objects.for_tenant(request.tenant)
        .select_related("invited_by")
        .order_by("accepted_at", "withdrawn_at", "-created_at")
    )
    context = {"invitations": invitation_list, "tab": "invitations", "form": InvitationForm(), "role_form": RoleForm()}
    return render(request, "tenants/invitations.html", context)


@company_admin_required
@require_POST
def invite(request):
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invite(
                request.user,
                request.tenant,
                form.cleaned_data["email"],
                form.cleaned_data["role"],
                audit=Audit.of(request),
                idempotency_key=key_of(request),
            )
        except RuleViolation as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("tenants:invitations")
    invitation_list = Invitation.objects.for_tenant(request.tenant).select_related("invited_by")
    context = {
        "invitations": invitation_list,
        "tab": "invitations",
        "form": form,
        "role_form": RoleForm(),
        "show_form": True,
    }
    return render(request, "tenants/invitations.html", context, status=400)


def _invitation_action(request, public_id, action, success_message):
    invitation = get_for_tenant_or_404(Invitation, request.tenant, public_id=public_id)
    try:
        action(invitation)
    except RuleViolation as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success_message % {"email": invitation.email})
    return redirect("tenants:invitations")


@company_admin_required
@require_POST
def resend_invitation(request, public_id):
    return _invitation_action(
        request,
        public_id,
        lambda inv: services.resend_invitation(
            request.user, inv, audit=Audit.of(request), idempotency_key=key_of(request)
        ),
        _("Invitation sent again to %(email)s."),
    )


@company_admin_required
@require_POST
def withdraw_invitation(request, public_id):
    return _invitation_action(
        request,
        public_id,
        lambda inv: services.withdraw_invitation(request.user, inv, audit=Audit.of(request)),
        _("Invitation to %(email)s withdrawn."),
    )


@company_admin_required
@require_POST
def change_invitation_role(request, public_id):
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect("tenants:invitations")
    return _invitation_action(
        request,
        public_id,
        lambda inv: services.change_invitation_role(
            request.user, inv, form.cleaned_data["role"], audit=Audit.of(request)
        ),
        _("Role of the invitation to %(email)s changed."),
    )


def _member_action(request, public_id, action, success_message):
    membership = get_for_tenant_or_404(
        Membership.objects.select_related("user"), request.tenant, user__public_id=public_id
    )
    try:
        action(membership)
    except RuleViolation as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success_message % {"name": membership.user.display_name})
    return redirect("tenants:members")


@company_admin_required
@require_POST
def change_role(request, public_id):
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect("tenants:members")
    return _member_action(
        request,
        public_id,
        lambda m: services.change_role(request.user, m, form.cleaned_data["role"], audit=Audit.of(request)),
        _("Role of %(name)s changed."),
    )


@company_admin_required
@require_POST
def remove_member(request, public_id):
    return _member_action(
        request,
        public_id,
        lambda m: services.remove_member(request.user, m, audit=Audit.of(request)),
        _("%(name)s no longer belongs to the company."),
    )


@company_admin_required
@require_safe
def security_log(request):
    """The security events of the company and of its people."""
    page = (
        SecurityEvent.objects.for_tenant(request.tenant).select_related("user", "actor").page(request.GET.get("cursor"))
    )
    return render(request, "tenants/security_log.html", {"page": page, "tab": "log"})
