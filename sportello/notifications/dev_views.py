"""The demo's outbox, served only with DEBUG on: read the portal's e-mails without an SMTP server."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from sportello.access import public

from .models import OutboundEmail


def _require_debug():
    if not settings.DEBUG:
        raise Http404


@public
@require_safe
def outbox(request):
    _require_debug()
    return render(request, "notifications/outbox.html", {"emails": OutboundEmail.objects.all()[:200]})


@public
@require_safe
def outbox_email(request, public_id):
    _require_debug()
    email = get_object_or_404(OutboundEmail, public_id=public_id)
    return render(request, "notifications/outbox_email.html", {"email": email})


@public
@require_safe
def outbox_email_html(request, public_id):
    _require_debug()
    email = get_object_or_404(OutboundEmail, public_id=public_id)
    response = HttpResponse(email.body_html)
    # The e-mail's HTML is shown as it is, in a sandbox: no script, no form, no plugin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
    return response
