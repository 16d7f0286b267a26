"""Who may reach which URL: one table, every URL name × every kind of person.

The people (sportello.testing.fixtures): nobody signed in; Bob, technician of ACME;
Alice, administrator of ACME; Eve, administrator of Globex, an outsider to ACME;
Oscar, an operator; Victor, a vendor administrator. Every URL that takes an identifier
is filled with ACME's objects, so Eve's column is the tenant isolation check (R15):
another company's object answers 404, like a missing one, and a role that is not
enough answers 403 (HOUSE-STYLE.md, "Tenancy"). A request refused (403, 404 or sent to
the sign-in) must change nothing of either company.

The table fails when a URL has no row, so a new URL cannot be added without deciding
who may reach it.

The REST API (`/api/v1/`) has a table of its own, API_TABLE, one row per operation of its
OpenAPI document: the same people call it with their own tokens (Bob's, Alice's, Eve's
for Globex, Oscar's and Victor's), plus ACME's company token (a service account), and
"anonymous" sends none. Eve's column is again the isolation check: every ACME object
answers 404 to a Globex token.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from json import dumps as json_dumps

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from sportello.accounts.models import TrustedDevice
from sportello.api.api import api
from sportello.api.models import Event, WebhookDelivery, WebhookEndpoint
from sportello.notifications.models import OutboundEmail
from sportello.notifications.services import unsubscribe_token
from sportello.tenants.models import Invitation, Membership, Role, Tenant
from sportello.testing.access import request, url_patterns
from sportello.testing.api import ApiClient, make_token
from sportello.testing.fixtures import make_ticket, sign_in
from sportello.tickets.models import Attachment, Message, Ticket
from sportello.tickets.services import change_status, reply_as_customer

pytestmark = pytest.mark.django_db

PEOPLE = ("anonymous", "technician", "administrator", "outsider", "operator", "vendor_admin")
LOGIN = "/account/login/"  # a 302 to the sign-in page
CHOICE = "/companies/start/"  # a 302 to the company choice (an operator on a customer's page)
LANDING = CHOICE
DASHBOARD = "/dashboard/"
REFUSED = (LOGIN, CHOICE, 403, 404)


@dataclass
class Row:
    method: str
    outcomes: dict
    arguments: object = None  # objects → URL kwargs
    data: dict = field(default_factory=dict)


def row(method="get", arguments=None, data=None, **outcomes) -> Row:
    """`outcomes` per person; `everyone`, `customers` (the three customer people) and
    `operators` (both operators) fill the people not named."""
    groups = {
        "everyone": PEOPLE,
        "signed_in": PEOPLE[1:],
        "customers": ("technician", "administrator", "outsider"),
        "operators": ("operator", "vendor_admin"),
    }
    resolved = {}
    for name in ("everyone", "signed_in", "customers", "operators"):
        if name in outcomes:
            for person in groups[name]:
                resolved[person] = outcomes[name]
    resolved.update({person: want for person, want in outcomes.items() if person in PEOPLE})
    missing = set(PEOPLE) - resolved.keys()
    assert not missing, f"no outcome for {missing}"
    return Row(method, resolved, arguments, data or {})


def ticket_of(objects):
    return {"number": objects["ticket"].pk}


def customer_page(method="get", arguments=None, data=None, **outcomes):
    """A page of a customer member: anonymous to the sign-in, operators to the company choice."""
    return row(method, arguments, data, anonymous=LOGIN, operators=CHOICE, **outcomes)


def admin_page(method="get", arguments=None, data=None, administrator=200, outsider=200):
    """Company administration: the administrator in, the technician 403; the outsider
    works for Globex, so its lists are Globex's and ACME's objects are 404."""
    return customer_page(method, arguments, data, technician=403, administrator=administrator, outsider=outsider)


def desk_page(method="get", arguments=None, data=None, operators=200, vendor_admin=None):
    outcomes = {"operators": operators} if vendor_admin is None else {"operator": operators}
    if vendor_admin is not None:
        outcomes["vendor_admin"] = vendor_admin
    return row(method, arguments, data, anonymous=LOGIN, customers=403, **outcomes)


def vendor_page(method="get", arguments=None, data=None, vendor_admin=200):
    return row(method, arguments, data, anonymous=LOGIN, customers=403, operator=403, vendor_admin=vendor_admin)


TABLE = {
    "home": row(anonymous=LOGIN, signed_in=LANDING),
    "healthz": row(everyone=200),
    "readyz": row(everyone=200),
    # Signing in and the pages around it.
    "accounts:login": row(anonymous=200, signed_in=LANDING),
    "accounts:code": row(everyone=LOGIN),
    "accounts:resend_code": row("post", everyone=LOGIN),
    "accounts:activate": row(everyone=LOGIN),
    "accounts:logout": row("post", everyone=LOGIN),
    "accounts:privacy": row(everyone=200),
    "accounts:set_language": row("post", data={"language": "en", "next": "/"}, everyone="/"),
    "accounts:recover_password": row(everyone=200),
    "accounts:confirm_address": row("post", arguments=lambda o: {"token": "not-a-signed-token"}, everyone=400),
    "accounts:recover_password_sent": row(everyone=200),
    "accounts:reset_password": row(arguments=lambda o: {"uidb64": "MQ", "token": "set-password"}, everyone=200),
    # The profile: one's own account only.
    "accounts:profile": row(anonymous=LOGIN, signed_in=200),
    "accounts:change_password": row("post", anonymous=LOGIN, signed_in=400),
    "accounts:change_avatar": row("post", anonymous=LOGIN, signed_in=400),
    "accounts:remove_avatar": row("post", anonymous=LOGIN, signed_in="/account/profile/"),
    "accounts:remove_device": row(
        "post",
        lambda o: {"public_id": o["device"].public_id},
        anonymous=LOGIN,
        signed_in=404,
        administrator="/account/profile/",
    ),
    "accounts:remove_all_devices": row("post", anonymous=LOGIN, signed_in="/account/profile/"),
    "accounts:avatar": row(
        arguments=lambda o: {"public_id": o["alice"].public_id},
        anonymous=LOGIN,
        technician=200,
        administrator=200,
        outsider=404,
        operators=200,
    ),
    # The company choice.
    "tenants:choose": row(anonymous=LOGIN, signed_in=200),
    "tenants:landing": row(anonymous=LOGIN, customers=DASHBOARD, outsider="/companies/", operators=DASHBOARD),
    "tenants:select": row(
        "post",
        lambda o: {"public_id": o["acme"].public_id},
        anonymous=LOGIN,
        technician=DASHBOARD,
        administrator=DASHBOARD,
        outsider=404,
        operators=404,
    ),
    "tenants:accept": row(
        "post",
        lambda o: {"public_id": o["invitation"].public_id},
        anonymous=LOGIN,
        signed_in=404,
        outsider="/companies/",
    ),
    # Company administration ("Gestione Tenant").
    "tenants:members": admin_page(),
    "tenants:invitations": admin_page(),
    "tenants:invite": admin_page(
        "post",
        data={"email": "new@acme.example.com", "role": Role.TECHNICIAN},
        administrator="/tenant/invitations/",
        outsider="/tenant/invitations/",
    ),
    "tenants:resend_invitation": admin_page(
        "post", lambda o: {"public_id": o["invitation"].public_id}, administrator="/tenant/invitations/", outsider=404
    ),
    "tenants:withdraw_invitation": admin_page(
        "post", lambda o: {"public_id": o["invitation"].public_id}, administrator="/tenant/invitations/", outsider=404
    ),
    "tenants:change_invitation_role": admin_page(
        "post",
        lambda o: {"public_id": o["invitation"].public_id},
        {"role": Role.ADMINISTRATOR},
        administrator="/tenant/invitations/",
        outsider=404,
    ),
    "tenants:change_role": admin_page(
        "post",
        lambda o: {"public_id": o["bob"].public_id},
        {"role": Role.ADMINISTRATOR},
        administrator="/tenant/",
        outsider=404,
    ),
    "tenants:remove_member": admin_page(
        "post", lambda o: {"public_id": o["bob"].public_id}, administrator="/tenant/", outsider=404
    ),
    "tenants:security_log": admin_page(),
    # The dashboard: customers and operators, each with their own widgets.
    "dashboard:home": row(anonymous=LOGIN, signed_in=200),
    "dashboard:save_layout": row(
        "post",
        data={"layout": '[{"id": "w1", "kind": "ticket_list", "x": 0, "y": 0, "w": 6, "h": 4}]'},
        anonymous=LOGIN,
        customers=204,
        operators=400,
    ),
    "dashboard:widget": row(arguments=lambda o: {"kind": "ticket_list"}, anonymous=LOGIN, customers=200, operators=404),
    # The customers' tickets.
    "tickets:list": customer_page(technician=200, administrator=200, outsider=200),
    "tickets:search": customer_page(
        "post", data={"sort": "created"}, technician="/tickets/", administrator="/tickets/", outsider="/tickets/"
    ),
    "tickets:new": customer_page(technician=200, administrator=200, outsider=200),
    "tickets:suggestions": customer_page(technician=200, administrator=200, outsider=200),
    "tickets:solved": customer_page(
        "post",
        lambda o: {"number": o["closed_ticket"].pk},
        technician="/tickets/",
        administrator="/tickets/",
        outsider=404,
    ),
    "tickets:detail": customer_page(arguments=ticket_of, technician=200, administrator=200, outsider=404),
    "tickets:chat": customer_page(arguments=ticket_of, technician=200, administrator=200, outsider=404),
    "tickets:reply": customer_page(
        "post", ticket_of, {"body": "A reply"}, technician="/tickets/", administrator="/tickets/", outsider=404
    ),
    "tickets:attachment": customer_page(
        arguments=lambda o: {"public_id": o["attachment"].public_id},
        technician=200,
        administrator=200,
        outsider=404,
    ),
    # The operators' desk.
    "desk:queue": desk_page(),
    "desk:ticket": desk_page(arguments=ticket_of),
    "desk:ticket_chat": desk_page(arguments=ticket_of),
    "desk:similar": desk_page(arguments=ticket_of),
    "desk:take": desk_page("post", ticket_of, operators="/desk/tickets/"),
    "desk:assign": desk_page("post", ticket_of, {"operator": "0"}, operators=400),
    "desk:set_status": desk_page("post", ticket_of, {"status": "waiting"}, operators="/desk/tickets/"),
    "desk:reply": desk_page("post", ticket_of, {"body": "An answer"}, operators="/desk/tickets/"),
    "desk:attachment": desk_page(arguments=lambda o: {"public_id": o["attachment"].public_id}),
    "desk:security_log": desk_page(),
    "notifications:failed": desk_page(),
    "notifications:send_again": desk_page(
        "post", lambda o: {"public_id": o["failed_email"].public_id}, operators="/desk/emails/"
    ),
    # What each person receives: their own choices; the signed link of an e-mail needs no session.
    "notifications:preferences": row(anonymous=LOGIN, signed_in=200),
    "notifications:unsubscribe": row(
        arguments=lambda o: {"token": unsubscribe_token(o["bob"].email, ["operator_reply"])}, everyone=200
    ),
    # Vendor administration.
    "desk:companies": vendor_page(),
    "desk:company_new": vendor_page(),
    "desk:company": vendor_page(arguments=lambda o: {"public_id": o["acme"].public_id}),
    "desk:company_set_active": vendor_page(
        "post", lambda o: {"public_id": o["acme"].public_id}, {"active": "0"}, vendor_admin="/desk/companies/"
    ),
    "desk:operators": vendor_page(),
    "desk:operator_areas": vendor_page(
        "post", lambda o: {"public_id": o["oscar"].public_id}, {"areas": ["systems"]}, vendor_admin="/desk/operators/"
    ),
    # API tokens and webhooks (sportello.api), and the API's documentation.
    "api:tokens": row(anonymous=LOGIN, signed_in=200),
    "api:revoke_token": row(
        "post",
        lambda o: {"public_id": o["alice_token"].public_id},
        anonymous=LOGIN,
        signed_in=404,
        administrator="/account/api-tokens/",
    ),
    "api:company_tokens": admin_page(),
    "api:company_revoke_token": admin_page(
        "post", lambda o: {"public_id": o["company_token"].public_id}, administrator="/tenant/api/", outsider=404
    ),
    "api:company_webhooks": admin_page(),
    "api:company_webhook": admin_page(arguments=lambda o: {"public_id": o["webhook"].public_id}, outsider=404),
    "api:company_webhook_remove": admin_page(
        "post", lambda o: {"public_id": o["webhook"].public_id}, administrator="/tenant/webhooks/", outsider=404
    ),
    "api:company_webhook_enable": admin_page(
        "post", lambda o: {"public_id": o["webhook"].public_id}, administrator="/tenant/webhooks/", outsider=404
    ),
    "api:company_send_again": admin_page(
        "post", lambda o: {"public_id": o["delivery"].public_id}, administrator="/tenant/webhooks/", outsider=404
    ),
    "api:vendor_webhooks": vendor_page(),
    "api:vendor_webhook": vendor_page(arguments=lambda o: {"public_id": o["vendor_webhook"].public_id}),
    "api:vendor_webhook_remove": vendor_page(
        "post", lambda o: {"public_id": o["vendor_webhook"].public_id}, vendor_admin="/desk/webhooks/"
    ),
    "api:vendor_webhook_enable": vendor_page(
        "post", lambda o: {"public_id": o["vendor_webhook"].public_id}, vendor_admin="/desk/webhooks/"
    ),
    "api:vendor_send_again": vendor_page(
        "post", lambda o: {"public_id": o["vendor_delivery"].public_id}, vendor_admin="/desk/webhooks/"
    ),
    "api-v1:openapi-json": row(everyone=200),
    "api-v1:openapi-view": row(everyone=200),
    "api-v1:api-root": row(everyone=404),
    # The installable app and the retired portal: open to all.
    "pwa:manifest": row(everyone=200),
    "pwa:service_worker": row(everyone=200),
    "pwa:offline": row(everyone=200),
    "pwa:unsupported_browser": row(everyone=200),
    "pwa:classic_portal": row(everyone=200),
}


@pytest.fixture
def objects(acme, globex, alice, bob, eve, oscar, victor, live_workers):
    alice.avatar.save("alice.png", ContentFile(b"\x89PNG not really"), save=True)
    ticket = make_ticket(acme, bob, title="ACME's own problem")
    reply_as_customer(bob, ticket, body="with a file", files=[SimpleUploadedFile("acme.txt", b"ACME only")])
    closed_ticket = make_ticket(acme, bob, title="ACME's solved problem")
    change_status(oscar, closed_ticket, "closed")
    alice_secret = make_token(alice, acme)
    company_secret = make_token(alice, acme, company=True)
    company_token = acme_company_token()
    webhook = WebhookEndpoint.objects.create(
        tenant=acme, url="https://hooks.acme.example.com/", events=Event.values, secret=WebhookEndpoint.new_secret()
    )
    vendor_webhook = WebhookEndpoint.objects.create(
        url="https://hooks.vendor.example.com/", events=Event.values, secret=WebhookEndpoint.new_secret()
    )
    return {
        "acme": acme,
        "alice": alice,
        "bob": bob,
        "oscar": oscar,
        "ticket": ticket,
        "closed_ticket": closed_ticket,
        "attachment": Attachment.objects.get(tenant=acme),
        "invitation": Invitation.objects.create(tenant=acme, email=eve.email, role=Role.TECHNICIAN),
        "device": TrustedDevice.objects.create(
            user=alice, token_hash="a" * 64, expires_at=timezone.now() + timedelta(days=1)
        ),
        "failed_email": OutboundEmail.objects.create(
            kind="test",
            to="x@acme.example.com",
            subject="s",
            body_text="t",
            body_html="h",
            language="it",
            status=OutboundEmail.Status.FAILED,
        ),
        "alice_token": alice.access_tokens.get(),
        "company_token": company_token,
        "webhook": webhook,
        "delivery": WebhookDelivery.objects.create(
            endpoint=webhook, event=Event.TICKET_CREATED, payload="{}", status=WebhookDelivery.Status.FAILED
        ),
        "vendor_webhook": vendor_webhook,
        "vendor_delivery": WebhookDelivery.objects.create(
            endpoint=vendor_webhook, event=Event.TICKET_CREATED, payload="{}", status=WebhookDelivery.Status.FAILED
        ),
        "tokens": {
            "anonymous": None,
            "technician": make_token(bob, acme),
            "administrator": alice_secret,
            "outsider": make_token(eve, globex),
            "operator": make_token(oscar),
            "vendor_admin": make_token(victor),
            "company": company_secret,
        },
        "people": {
            "anonymous": None,
            "technician": (bob, acme),
            "administrator": (alice, acme),
            "outsider": (eve, globex),
            "operator": (oscar, None),
            "vendor_admin": (victor, None),
        },
    }


def acme_company_token():
    from sportello.api.models import AccessToken

    return AccessToken.objects.get(kind=AccessToken.Kind.COMPANY)


def _is_api_operation(route) -> bool:
    return route.name.startswith("api-v1:") and route.name not in TABLE


def test_every_url_has_a_row_in_the_table():
    names = {route.name for route in url_patterns() if not _is_api_operation(route)}

    assert not names - TABLE.keys(), f"decide who may reach these URLs, in TABLE: {sorted(names - TABLE.keys())}"
    assert not TABLE.keys() - names, f"these rows name no URL: {sorted(TABLE.keys() - names)}"


def test_every_view_names_its_access_rule():
    """Each view is wrapped by one of sportello.access's decorators (or marked public)."""
    unmarked = []
    for route in url_patterns():
        url = reverse(route.name, kwargs=_placeholder_arguments(route.arguments)) if route.arguments else None
        view = resolve(url or reverse(route.name)).func
        if not getattr(view, "access_rule", None):
            unmarked.append(route.name)
    assert not unmarked, f"these views name no access rule (sportello.access): {unmarked}"


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_person_gets_what_the_table_says(name, objects):
    entry = TABLE[name]
    url = reverse(name, kwargs=entry.arguments(objects) if entry.arguments else None)
    problems = []
    for person in PEOPLE:
        # Each person starts from the same data: what one does is rolled back before the next.
        with transaction.atomic():
            before = _state()
            who = objects["people"][person]
            client = Client() if who is None else sign_in(Client(), *who)
            response = request(client, url, entry.method, entry.data)
            want = entry.outcomes[person]
            if not _matches(response, want):
                problems.append(f"{entry.method.upper()} {url} as {person}: expected {want}, got {_describe(response)}")
            elif want in REFUSED and _state() != before:
                problems.append(f"{entry.method.upper()} {url} as {person}: refused, yet something changed")
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


def test_a_technician_gets_403_on_every_administrator_url(objects):
    """Whatever the URL, a page of company administration refuses a technician."""
    administration = [
        route.name
        for route in url_patterns()
        if not _is_api_operation(route)
        and getattr(resolve(_url_of(route.name, objects)).func, "access_rule", "") == "company_admin"
    ]
    refused_to_technicians = {
        name
        for name, entry in TABLE.items()
        if entry.outcomes["technician"] == 403 and entry.outcomes["administrator"] != 403
    }
    assert set(administration) == refused_to_technicians
    client = sign_in(Client(), objects["bob"], objects["acme"])
    for name in administration:
        entry = TABLE[name]
        response = request(client, _url_of(name, objects), entry.method, entry.data)
        assert response.status_code == 403, name


def _matches(response, want) -> bool:
    if isinstance(want, int):
        return response.status_code == want
    return response.status_code == 302 and response.url.startswith(want)


def _describe(response) -> str:
    return f"{response.status_code} → {response.url}" if response.status_code == 302 else str(response.status_code)


def _state():
    """Everything a request of this table could change, for both companies."""
    return (
        list(Membership.objects.order_by("pk").values_list("tenant_id", "user_id", "role")),
        list(
            Invitation.objects.order_by("pk").values_list("pk", "role", "withdrawn_at", "accepted_at", "last_sent_at")
        ),
        list(TrustedDevice.objects.order_by("pk").values_list("pk", flat=True)),
        list(Tenant.objects.order_by("pk").values_list("pk", "is_active")),
        list(Ticket.objects.order_by("pk").values_list("pk", "status", "assignee", "priority")),
        Message.objects.count(),
        list(OutboundEmail.objects.order_by("pk").values_list("pk", "status")),
        list(WebhookEndpoint.objects.order_by("pk").values_list("pk", "is_active")),
        list(WebhookDelivery.objects.order_by("pk").values_list("pk", "status", "attempts")),
    )


def _placeholder_arguments(arguments) -> dict:
    values = {"public_id": "00000000-0000-0000-0000-000000000000", "number": 1, "kind": "x", "uidb64": "MQ",
              "token": "t"}  # fmt: skip
    return {name: values[name] for name in arguments}


def _url_of(name, objects) -> str:
    entry = TABLE[name]
    return reverse(name, kwargs=entry.arguments(objects) if entry.arguments else None)


# --- the REST API ------------------------------------------------------------------------------

API_PEOPLE = (*PEOPLE, "company")
API_GROUPS = {
    "everyone": API_PEOPLE,
    "with_token": API_PEOPLE[1:],
    "customers": ("technician", "administrator", "outsider", "company"),
    "operators": ("operator", "vendor_admin"),
}
NO_TOKEN = 401
API_REFUSED = (401, 403, 404)


@dataclass
class ApiRow:
    outcomes: dict
    arguments: object = None
    data: dict = field(default_factory=dict)
    json: bool = False


def api_row(arguments=None, data=None, *, json=False, **outcomes) -> ApiRow:
    """`outcomes` (HTTP statuses) per person; `anonymous` (no token) is 401 unless named;
    `with_token`, `customers` and `operators` fill the people not named."""
    resolved = {"anonymous": NO_TOKEN}
    for name in ("everyone", "with_token", "customers", "operators"):
        for person in API_GROUPS[name] if name in outcomes else ():
            resolved[person] = outcomes[name]
    resolved.update({person: want for person, want in outcomes.items() if person in API_PEOPLE})
    missing = set(API_PEOPLE) - resolved.keys()
    assert not missing, f"no outcome for {missing}"
    return ApiRow(resolved, arguments, data or {}, json)


def number_of(objects):
    return {"number": objects["ticket"].pk}


def customer_api(arguments=None, data=None, *, ok=200, **outcomes):
    """An operation of a company's tokens: operators' tokens are refused (403)."""
    return api_row(arguments, data, customers=ok, operators=403, **outcomes)


def desk_api(arguments=None, data=None, *, ok=200, json=False, **outcomes):
    """An operation of operators' tokens: a company's tokens are refused (403)."""
    return api_row(arguments, data, json=json, customers=403, operators=ok, **outcomes)


NEW_TICKET = {
    "email": "it@acme.example.com",
    "request_type": "assistance",
    "area": "systems",
    "title": "From a script",
    "description": "Help",
}

API_TABLE = {
    "whoAmI": api_row(with_token=200),
    "listTickets": customer_api(),
    "openTicket": customer_api(data=NEW_TICKET, ok=201),
    "getTicket": customer_api(number_of, outsider=404),
    "replyToTicket": customer_api(number_of, {"body": "A reply"}, ok=201, outsider=404),
    "downloadAttachment": customer_api(lambda o: {"public_id": o["attachment"].public_id}, outsider=404),
    "listCompanyUsers": customer_api(technician=403, company=403),
    "listQueue": desk_api(),
    "getDeskTicket": desk_api(number_of),
    "takeTicket": desk_api(number_of),
    "assignTicket": desk_api(number_of, lambda o: {"operator": str(o["oscar"].public_id)}, json=True),
    "changeTicketStatus": desk_api(number_of, {"status": "waiting"}, json=True),
    "replyAsOperator": desk_api(number_of, {"body": "An answer"}, ok=201),
    "downloadDeskAttachment": desk_api(lambda o: {"public_id": o["attachment"].public_id}),
    "listCompanies": desk_api(operator=403),
    "getCompany": desk_api(lambda o: {"public_id": o["acme"].public_id}, operator=403),
}


def api_operations() -> dict[str, tuple[str, str]]:
    """Every operation of the API's OpenAPI document: operationId → (method, path)."""
    schema = api.get_openapi_schema()
    return {
        operation["operationId"]: (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def test_every_api_operation_has_a_row_in_the_api_table():
    operations = api_operations().keys()

    unlisted = operations - API_TABLE.keys()
    assert not unlisted, f"decide who may call these, in API_TABLE: {unlisted}"
    assert not API_TABLE.keys() - operations, f"these rows name no operation: {API_TABLE.keys() - operations}"


def test_every_api_url_is_an_operation_of_the_document():
    """No URL of the API escapes its document (and so the table above)."""
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.route) for route in url_patterns() if _is_api_operation(route)}
    documented = {path.removeprefix("/") for _method, path in api_operations().values()}
    assert routes == documented


@pytest.mark.parametrize("operation", sorted(API_TABLE))
def test_each_token_gets_what_the_api_table_says(operation, objects):
    entry = API_TABLE[operation]
    method, path = api_operations()[operation]
    url = path.format(**(entry.arguments(objects) if entry.arguments else {}))
    problems = []
    for person in API_PEOPLE:
        with transaction.atomic():
            before = _state()
            client = ApiClient(objects["tokens"][person])
            data = entry.data(objects) if callable(entry.data) else entry.data
            if entry.json:
                response = client.generic(method.upper(), url, json_dumps(data), content_type="application/json")
            else:
                response = getattr(client, method)(url, data)
            want = entry.outcomes[person]
            if response.status_code != want:
                problems.append(f"{method.upper()} {url} as {person}: expected {want}, got {response.status_code}")
            elif want in API_REFUSED and _state() != before:
                problems.append(f"{method.upper()} {url} as {person}: refused, yet something changed")
            elif want in API_REFUSED and response["Content-Type"] != "application/problem+json":
                problems.append(f"{method.upper()} {url} as {person}: refused without problem details")
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)
