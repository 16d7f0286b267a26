"""The REST API, `/api/v1/`: django-ninja, OpenAPI 3.1 made from the code, documentation
at `/api/v1/docs`. Its operations call the same services as the pages (one write path:
DESIGN.md, "Beyond the manual"); a rule broken answers RFC 9457 problem details."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger

from sportello.idempotency.services import KeyReused
from sportello.lib.errors import RuleViolation

from . import problems
from .auth import Forbidden, RateLimited
from .services import TokenRefused

DESCRIPTION = """The support portal's REST API, for the vendor's ERP, the customers' own systems and the
vendor's.

**Tokens.** Every request carries `Authorization: Bearer <token>`. A person makes a token in the
portal, Profile → API tokens (it acts as them: in the company they work for, or at the desk
for an operator); a company administrator makes one for the company (a service account) in
Tenant → API. A token may read, or read and write, until it expires or is revoked.

**Errors** are `application/problem+json` (RFC 9457): `type` is `urn:sportello:problem:<code>`,
stable across releases; `title` and `detail` are in the language of `Accept-Language`
(Italian unless English is asked for). 401: no usable token; 403: the token's scope or its
holder's role is not enough; 404: nothing there, or another company's; 409: not possible in
the ticket's present state; 422: the input breaks a rule (per field in `errors`); 429: too
many requests (`Retry-After` says how many seconds to wait).

**Creates** may carry an `Idempotency-Key` header (1 to 255 printable characters, e.g. a UUID):
sending the same request again with the same key returns the first result and changes
nothing; the same key with another request is refused (422).
"""


def _to(operation_id: str, number: str) -> dict:
    return {"operationId": operation_id, "parameters": {"number": number}}


# OpenAPI links: where a client (and schemathesis's stateful tests) goes from an answer.
LINKS = {
    ("openTicket", "201"): {
        "GetTicket": _to("getTicket", "$response.body#/number"),
        "Reply": _to("replyToTicket", "$response.body#/number"),
    },
    ("listTickets", "200"): {
        "GetFirstTicket": _to("getTicket", "$response.body#/items/0/number"),
        "ReplyToFirstTicket": _to("replyToTicket", "$response.body#/items/0/number"),
    },
    ("listQueue", "200"): {
        "GetFirstTicket": _to("getDeskTicket", "$response.body#/items/0/number"),
        "TakeFirstTicket": _to("takeTicket", "$response.body#/items/0/number"),
        "AssignFirstTicket": _to("assignTicket", "$response.body#/items/0/number"),
        "MoveFirstTicket": _to("changeTicketStatus", "$response.body#/items/0/number"),
        "ReplyToFirstTicket": _to("replyAsOperator", "$response.body#/items/0/number"),
    },
    ("takeTicket", "200"): {"MoveTicket": _to("changeTicketStatus", "$response.body#/number")},
    ("listCompanies", "200"): {
        "GetFirstCompany": {"operationId": "getCompany", "parameters": {"public_id": "$response.body#/items/0/id"}}
    },
}


class SportelloAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """ninja's document, with every error answer as `application/problem+json`, and
        the links between operations."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for (operation_id, status), links in LINKS.items():
                    if operation.get("operationId") == operation_id:
                        operation["responses"][int(status)]["links"] = links
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[problems.CONTENT_TYPE] = content.pop("application/json")
                    if int(status) == 429:
                        answer["headers"] = {
                            "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
                        }
        return schema


api = SportelloAPI(
    title="Sportello API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": False, "validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(TokenRefused)
def token_refused(request, error):
    return problems.problem(401, error.code, error.message, headers={"WWW-Authenticate": 'Bearer realm="api"'})


@api.exception_handler(AuthenticationError)
def not_authenticated(request, error):
    return problems.problem(401, "token-missing", _("Send an access token: Authorization: Bearer <token>."))


@api.exception_handler(Forbidden)
def forbidden(request, error):
    return problems.problem(403, error.code, error.message)


@api.exception_handler(RateLimited)
def rate_limited(request, error):
    return problems.problem(429, error.code, error.message, headers={"Retry-After": str(error.wait)})


@api.exception_handler(KeyReused)
def key_reused(request, error):
    return problems.problem(
        422, error.code, _("This Idempotency-Key was already used for another request: send a new key.")
    )


@api.exception_handler(RuleViolation)
def rule_violation(request, error):
    return problems.from_violation(error)


@api.exception_handler(Http404)
def not_found(request, error):
    return problems.not_found()


@api.exception_handler(ValidationError)
def invalid(request, error):
    errors = [
        {
            "field": ".".join(str(part) for part in item["loc"][1:]) or None,
            "code": "invalid",
            "detail": _("Enter a valid value."),
        }
        for item in error.errors
    ]
    return problems.invalid(errors)


@api.exception_handler(HttpError)
def http_error(request, error):
    return problems.problem(error.status_code, "http-error", str(error))


api.add_router("", "sportello.api.customer.router")
api.add_router("/desk", "sportello.api.desk.router")
