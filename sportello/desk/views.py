"""Views of the operators' console: companies and operators (vendor administrators),
the security log."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sportello.accounts.models import SecurityEvent, User
from sportello.tenants import services as tenants
from sportello.tenants.forms import TenantForm
from sportello.tenants.models import Invitation, Membership, Tenant

from . import services
from .decorators import operator_required, vendor_admin_required
from .forms import OperatorInvitationForm


@vendor_admin_required
@require_safe
def companies(request):
    tenant_list = Tenant.objects.annotate(user_count=Count("memberships", distinct=True)).order_by("name")
    page = Paginator(tenant_list, 50).get_page(request.GET.get("page"))
    return render(request, "desk/companies.html", {"page": page})


@vendor_admin_required
@require_http_methods(["GET", "POST"])
def company_new(request):
    form = TenantForm(request.POST or None)
    if form.is_valid():
        try:
            tenant = tenants.onboard_tenant(request.user, request=request, **form.cleaned_data)
        except tenants.TenancyError as error:
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
    tenants.set_tenant_active(request.user, tenant, active, request=request)
    if active:
        messages.success(request, _("%(name)s is active again.") % {"name": tenant.name})
    else:
        messages.success(
            request, _("%(name)s is deactivated: its users can no longer work for it.") % {"name": tenant.name}
        )
    return redirect("desk:company", public_id=tenant.public_id)


@vendor_admin_required
@require_http_methods(["GET", "POST"])
def operators(request):
    form = OperatorInvitationForm(request.POST or None)
    if form.is_valid():
        try:
            services.invite_operator(
                request.user,
                form.cleaned_data["email"],
                is_vendor_admin=form.cleaned_data["is_vendor_admin"],
                request=request,
            )
        except services.DeskError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("desk:operators")
    operator_list = User.objects.filter(is_operator=True).order_by("last_name", "first_name", "email")
    return render(
        request, "desk/operators.html", {"form": form, "operators": operator_list}, status=400 if form.errors else 200
    )


@operator_required
@require_safe
def security_log(request):
    events = SecurityEvent.objects.select_related("user", "actor", "tenant")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "desk/security_log.html", {"page": page})
