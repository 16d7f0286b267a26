"""The operators' view of e-mails that could not be delivered, with "send again"; each
person's choice of the notifications they receive, and the one-click unsubscribe."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sportello.access import operator_required, public, signed_in_required
from sportello.accounts.models import User

from . import services
from .forms import NotificationChoiceForm
from .models import Category, OutboundEmail


@operator_required
@require_safe
def failed(request):
    """E-mails that failed for good (refused, or undeliverable for EMAIL_RETRY_HOURS)."""
    page = Paginator(OutboundEmail.objects.failed().order_by("-last_attempt_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    waiting = OutboundEmail.objects.waiting().count()
    return render(request, "notifications/failed.html", {"page": page, "waiting": waiting})


@operator_required
@require_POST
def send_again(request, public_id):
    email = get_object_or_404(OutboundEmail.objects.failed(), public_id=public_id)
    services.send_again(email)
    messages.success(request, _("The e-mail to %(address)s is queued again.") % {"address": email.to})
    return redirect("notifications:failed")


@signed_in_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request):
    """The profile's "E-mail notifications": what reaches the account's own address."""
    return _choices_page(request, request.user.email, request.user, "notifications/preferences.html")


@public
@csrf_exempt  # RFC 8058: the mail client posts with no cookie and no form token; the signed link is the credential
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """The link of every recurring notification (List-Unsubscribe). A POST of
    "List-Unsubscribe=One-Click" (RFC 8058 §3.1) stops the e-mail's categories at once; a
    GET changes nothing and shows the address's choices, which the page's form saves. A
    link not signed by the portal answers 400 and changes nothing."""
    link = services.read_unsubscribe_token(token)
    if link is None:
        return render(request, "notifications/unsubscribe.html", {"address": None}, status=400)
    address, categories = link
    stopped = [Category(category).label for category in categories]
    if request.POST.get("List-Unsubscribe") == "One-Click":
        services.unsubscribe(address, categories)
        return render(request, "notifications/unsubscribed.html", {"address": address, "stopped": stopped})
    person = User.objects.filter(email=address).first()
    return _choices_page(request, address, person, "notifications/unsubscribe.html", {"stopped": stopped})


def _choices_page(request, address: str, person, template: str, extra: dict | None = None):
    offered = services.categories_for(person)
    muted = services.muted(address)
    form = NotificationChoiceForm(
        request.POST if request.method == "POST" else None,
        categories=offered,
        initial={"receive": [category.value for category in offered if category not in muted]},
    )
    if form.is_valid():
        services.choose_notifications(address, form.cleaned_data["receive"], offered)
        messages.success(request, _("Your choices are saved."))
        return redirect(request.path)
    context = {"form": form, "address": address, **(extra or {})}
    return render(request, template, context, status=400 if form.errors else 200)
