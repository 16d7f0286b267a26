"""Who may call an API operation: the bearer token, its scope, its holder's reach, and the
per-token request limit.

Each operation names what it needs, as each page does with sportello.access:

    @router.get("/tickets", auth=Needs(READ, CUSTOMER))

A request without a usable token gets 401; over the token's limit, 429 with Retry-After;
a token whose scope or holder's role is not enough, 403 (HOUSE-STYLE.md, "Tenancy").
"""

from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from sportello.lib.audit import Audit
from sportello.lib.errors import RuleViolation

from . import limits, services

READ, WRITE = "read", "write"
ANYONE = "anyone"  # any usable token
CUSTOMER = "customer"  # any token of a company (a member's, or the company's own)
COMPANY_ADMIN = "company_admin"  # a company administrator's personal token
OPERATOR = "operator"  # an operator's personal token
VENDOR_ADMIN = "vendor_admin"  # a vendor administrator's personal token


class Forbidden(RuleViolation):
    """The token is good, but its scope or its holder's role is not enough (HTTP 403)."""


class RateLimited(RuleViolation):
    """Too many requests with one token (HTTP 429); `wait` is in seconds."""

    code = "rate-limited"

    def __init__(self, wait: int):
        super().__init__(_("Too many requests with this token: wait %(seconds)s seconds.") % {"seconds": wait})
        self.wait = wait


class Needs(HttpBearer):
    """An operation's access rule: a token of `scope` (READ or WRITE) whose holder has the
    reach `who` (ANYONE, CUSTOMER, COMPANY_ADMIN, OPERATOR or VENDOR_ADMIN). Sets `request.caller`."""

    openapi_description = "An access token made in the portal (Profile → API tokens): `Bearer spt_…`."

    def __init__(self, scope: str, who: str):
        super().__init__()
        self.scope, self.who = scope, who

    def __call__(self, request) -> services.Caller:
        scheme, _space, secret = request.headers.get("Authorization", "").partition(" ")
        caller = services.authenticate(
            secret.strip() if scheme.lower() == "bearer" else None, audit=Audit.of(request, channel="api")
        )
        wait = limits.take(caller.token.pk)
        if wait:
            raise RateLimited(wait)
        self._check(caller)
        request.caller = caller
        return caller

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        raise NotImplementedError

    def _check(self, caller: services.Caller) -> None:
        if self.who in (CUSTOMER, COMPANY_ADMIN) and caller.tenant is None:
            raise Forbidden(_("This is for a company's tokens; yours is an operator's."), code="customers-only")
        if self.who in (OPERATOR, VENDOR_ADMIN) and caller.tenant is not None:
            raise Forbidden(_("Only the vendor's operators can do this."), code="operators-only")
        if self.who == COMPANY_ADMIN and not caller.is_company_admin:
            raise Forbidden(_("Only the company's administrators can do this."), code="administrators-only")
        if self.who == VENDOR_ADMIN and not caller.is_vendor_admin:
            raise Forbidden(_("Only vendor administrators can do this."), code="vendor-administrators-only")
        if self.scope == WRITE and not caller.token.can_write:
            raise Forbidden(_("This token may only read: make one that may also write."), code="insufficient-scope")
