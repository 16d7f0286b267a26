"""The operators' view of e-mails that could not be delivered, with "send again"."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sportello.access import operator_required

from . import services
from .models import OutboundEmail


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
