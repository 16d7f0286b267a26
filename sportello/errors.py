"""The error pages: each one a page of the portal, in the person's language, with a way
back (Django's own are bare English text). urls.py names them as the handlers of 400,
403, 404 and 500, settings.CSRF_FAILURE_VIEW as the page of a refused form; the 429 and
503 pages are for views (and proxies) that answer with those codes (`error_page()`)."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

PAGES = {
    400: (_("Bad request"), _("The portal could not understand this request. Go back and try again.")),
    403: (
        _("Access denied"),
        _("You cannot open this page with your role. If you need it, ask your company's administrator."),
    ),
    404: (_("Page not found"), _("The address may be mistyped, or the page may have been moved or removed.")),
    429: (
        _("Too many requests"),
        _("Too many requests came from you in a short time. Wait a few minutes and try again."),
    ),
    500: (
        _("Something went wrong"),
        _("An error on our side stopped this page. It has been recorded: try again in a few minutes."),
    ),
    503: (_("Portal unavailable"), _("The portal is being updated or is very busy. Try again in a few minutes.")),
}
# A request that met a database fault (Django's handler500 runs while the exception is
# being handled, so it can tell): the portal is there, its database will be back.
DATABASE_FAULTS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
DATABASE_PAGE = (
    _("Portal briefly unavailable"),
    _("The portal could not reach its data for a moment. Nothing was lost: try again in a few seconds."),
)
CSRF_PAGE = (
    _("The page has expired"),
    _(
        "For your security the form was not sent: the page was open for a long time, or the browser refuses "
        "the portal's cookies. Go back, reload the page and try again."
    ),
)


def _back_url(request) -> str:
    """The page the person came from, when it is a page of the portal."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return ""


def error_page(request, status: int, *, page: tuple | None = None) -> HttpResponse:
    """The portal's page for the HTTP `status` (one of PAGES), answered with that status."""
    title, message = page or PAGES[status]
    context = {"status": status, "title": title, "message": message, "back_url": _back_url(request)}
    return render(request, "errors/error.html", context, status=status)


def bad_request(request, exception=None):
    return error_page(request, 400)


def permission_denied(request, exception=None):
    return error_page(request, 403)


def page_not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    """The 500 page, or the 503 page with `Retry-After` when what broke is the database
    (a dropped connection, a restart, a failover: transient, worth trying again soon).
    Whatever broke may break this page too (a template): then a plain page, still in the
    person's language, rather than none."""
    if isinstance(sys.exception(), DATABASE_FAULTS):
        try:
            response = error_page(request, 503, page=DATABASE_PAGE)
        except Exception:
            logger.exception("The error page could not be drawn")
        else:
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
    try:
        return error_page(request, 500)
    except Exception:  # the page of last resort must always answer
        logger.exception("The error page could not be drawn")
        title, message = PAGES[500]
        return HttpResponse(f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{message}</p>", status=500)


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (settings.CSRF_FAILURE_VIEW)."""
    return error_page(request, 403, page=CSRF_PAGE)
