"""The API's pages: personal access tokens (profile), the company's tokens and webhooks
(company administration), the vendor's webhooks (desk)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sportello.access import company_admin_required, is_operator, member_or_operator_required, vendor_admin_required
from sportello.lib.audit import Audit
from sportello.lib.errors import RuleViolation

from . import services
from .forms import TokenForm, WebhookForm
from .models import AccessToken, WebhookDelivery, WebhookEndpoint

DELIVERIES_SHOWN = 50


def _token_page(request, template: str, tokens, form: TokenForm, new_secret: str | None = None, status=200):
    context = {"tokens": tokens, "form": form, "new_secret": new_secret, "tab": "api"}
    return render(request, template, context, status=status)


def _create_token(request, create, redirect_to: str, template: str, tokens):
    """POST of a token form: makes the token with `create(**cleaned_data)` and shows its
    secret once, on the page that answers the POST (never in a URL or a redirect)."""
    form = TokenForm(request.POST or None)
    if request.method != "POST":
        return _token_page(request, template, tokens, form)
    if not form.is_valid():
        return _token_page(request, template, tokens, form, status=400)
    try:
        _token, secret = create(**form.cleaned_data, audit=Audit.of(request))
    except RuleViolation as error:
        form.add_error(None, error.message)
        return _token_page(request, template, tokens, form, status=400)
    messages.success(request, _("Token created. Copy it now: it will not be shown again."))
    return _token_page(request, template, tokens, TokenForm(), new_secret=secret)


# --- personal tokens ---------------------------------------------------------------------------


def _personal_tokens(request):
    return AccessToken.objects.filter(user=request.user, kind=AccessToken.Kind.PERSONAL).select_related("tenant")


@member_or_operator_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request):
    """Profile → API tokens: a person's own tokens, for the company they work for now (or
    the desk, for an operator)."""
    tenant = None if is_operator(request.user) else request.tenant
    return _create_token(
        request,
        lambda **data: services.create_personal_token(request.user, tenant, **data),
        "api:tokens",
        "api/tokens.html",
        _personal_tokens(request),
    )


@member_or_operator_required
@require_POST
def revoke_token(request, public_id):
    token = get_object_or_404(_personal_tokens(request), public_id=public_id)
    services.revoke_token(request.user, token, audit=Audit.of(request))
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api:tokens")


# --- the company's tokens (service accounts) ---------------------------------------------------


def _company_tokens(request):
    return (
        AccessToken.objects.for_tenant(request.tenant)
        .filter(kind=AccessToken.Kind.COMPANY)
        .select_related("created_by")
    )


@company_admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def company_tokens(request):
    """Tenant → API: tokens of the company's own programs, each a service account."""
    return _create_token(
        request,
        lambda **data: services.create_company_token(request.user, request.tenant, **data),
        "api:company_tokens",
        "api/company_tokens.html",
        _company_tokens(request),
    )


@company_admin_required
@require_POST
def company_revoke_token(request, public_id):
    token = get_object_or_404(_company_tokens(request), public_id=public_id)
    services.revoke_token(request.user, token, audit=Audit.of(request))
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api:company_tokens")


# --- webhooks: the company's and the vendor's -----------------------------------------------------


def _endpoints_of(request, vendor: bool):
    return WebhookEndpoint.objects.of_vendor() if vendor else WebhookEndpoint.objects.for_tenant(request.tenant)


def _webhooks(request, vendor: bool):
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.register_endpoint(
                request.user, None if vendor else request.tenant, **form.cleaned_data, audit=Audit.of(request)
            )
        except RuleViolation as error:
            form.add_error("url", error.message)
        else:
            messages.success(request, _("Webhook registered. Its signing secret is on its page."))
            return redirect("api:vendor_webhook" if vendor else "api:company_webhook", public_id=endpoint.public_id)
    context = {"form": form, "endpoints": _endpoints_of(request, vendor), "vendor": vendor, "tab": "api"}
    return render(request, "api/webhooks.html", context, status=400 if form.errors else 200)


def _webhook(request, vendor: bool, public_id):
    endpoint = get_object_or_404(_endpoints_of(request, vendor), public_id=public_id)
    deliveries = endpoint.deliveries.all()[:DELIVERIES_SHOWN]
    context = {"endpoint": endpoint, "deliveries": deliveries, "vendor": vendor, "tab": "api"}
    return render(request, "api/webhook.html", context)


def _webhook_action(request, vendor: bool, public_id, action: str):
    endpoint = get_object_or_404(_endpoints_of(request, vendor), public_id=public_id)
    if action == "remove":
        services.remove_endpoint(request.user, endpoint, audit=Audit.of(request))
        messages.success(request, _("Webhook removed."))
        return redirect("api:vendor_webhooks" if vendor else "api:company_webhooks")
    services.enable_endpoint(request.user, endpoint)
    messages.success(request, _("Webhook turned back on."))
    return redirect("api:vendor_webhook" if vendor else "api:company_webhook", public_id=endpoint.public_id)


def _send_again(request, vendor: bool, public_id):
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("endpoint").filter(endpoint__in=_endpoints_of(request, vendor)),
        public_id=public_id,
    )
    try:
        services.send_again(request.user, delivery)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The delivery will be sent again in a moment."))
    return redirect("api:vendor_webhook" if vendor else "api:company_webhook", public_id=delivery.endpoint.public_id)


@company_admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def company_webhooks(request):
    return _webhooks(request, vendor=False)


@company_admin_required
@require_http_methods(["GET", "HEAD"])
def company_webhook(request, public_id):
    return _webhook(request, False, public_id)


@company_admin_required
@require_POST
def company_webhook_remove(request, public_id):
    return _webhook_action(request, False, public_id, "remove")


@company_admin_required
@require_POST
def company_webhook_enable(request, public_id):
    return _webhook_action(request, False, public_id, "enable")


@company_admin_required
@require_POST
def company_send_again(request, public_id):
    return _send_again(request, False, public_id)


@vendor_admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def vendor_webhooks(request):
    return _webhooks(request, vendor=True)


@vendor_admin_required
@require_http_methods(["GET", "HEAD"])
def vendor_webhook(request, public_id):
    return _webhook(request, True, public_id)


@vendor_admin_required
@require_POST
def vendor_webhook_remove(request, public_id):
    return _webhook_action(request, True, public_id, "remove")


@vendor_admin_required
@require_POST
def vendor_webhook_enable(request, public_id):
    return _webhook_action(request, True, public_id, "enable")


@vendor_admin_required
@require_POST
def vendor_send_again(request, public_id):
    return _send_again(request, True, public_id)
