"""Errors of the API as problem details (RFC 9457, `application/problem+json`).

Every refusal names the rule broken with a stable `type`, `urn:sportello:problem:` and
the rule's code (RuleViolation.code: "too-early-to-close", "quota-reached", …), so a
client may act on it; `title` and `detail` are in the caller's language (the
Accept-Language header; Italian by default), and a refused input lists its errors per
field in `errors`.
"""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _

from sportello.lib.errors import RuleViolation

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:sportello:problem:"

# The HTTP status of each rule's refusal, where it is not 422 ("a well-formed request that
# breaks a rule"): 409 when the ticket's state forbids it now, 429 when a quota is used up.
STATUS_OF = {
    "too-early-to-close": 409,
    "reopen-period-over": 409,
    "already-closed": 409,
    "status-change-not-allowed": 409,
    "quota-reached": 429,
}


def _titles() -> dict[int, str]:
    return {
        400: _("The request cannot be read"),
        401: _("An access token is needed"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Not possible now"),
        413: _("The request is too large"),
        422: _("The request breaks a rule"),
        429: _("Too many requests"),
    }


def problem(
    status: int, code: str, detail: str, *, errors: list[dict] | None = None, headers: dict | None = None
) -> HttpResponse:
    """A problem details response: `status`, the rule's `code` (made into `type`), the
    `detail` for the caller, and for invalid input `errors` ({"field", "detail"} each)."""
    body = {"type": TYPE_PREFIX + code, "title": _titles().get(status, _("Error")), "status": status, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_violation(error: RuleViolation) -> HttpResponse:
    """The problem of a broken rule; a rule that will let the same request through after a
    wait (a quota) also says how long, in `Retry-After` (RFC 9110, 10.2.3)."""
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    return problem(STATUS_OF.get(error.code, 422), error.code, error.message, headers=headers)


def invalid(errors: list[dict]) -> HttpResponse:
    """422 listing `errors` ({"field", "code", "detail"} each)."""
    return problem(422, "validation-failed", _("Some fields are not valid: see errors."), errors=errors)


def from_form(form) -> HttpResponse:
    """422 with each field's errors (the form's own messages: the same as the pages'); the
    errors that concern no single field have `field` null."""
    errors = [
        {"field": None if name == "__all__" else name, "code": error.code or "invalid", "detail": " ".join(error)}
        for name, found in form.errors.as_data().items()
        for error in found
    ]
    return invalid(errors)


def not_found() -> HttpResponse:
    return problem(404, "not-found", _("There is nothing at this address, or it is not yours to see."))


def method_not_allowed() -> HttpResponse:
    return problem(405, "method-not-allowed", _("This address does not take this method."))


def unreadable() -> HttpResponse:
    return problem(400, "unreadable-request", _("The request cannot be read: check its body and its size."))
