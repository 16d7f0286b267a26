"""What the API's requests and answers look like, for the OpenAPI document and for the
answers' serialisation.

The requests' fields are described here but read by the pages' own forms (tickets.forms,
desk.forms), so that a field is checked by the same rules, with the same messages, on
a page and through the API; tests/test_schemas.py keeps the two lists of fields equal.
"""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django import forms
from django.utils.translation import gettext
from ninja import Schema
from pydantic import BaseModel, BeforeValidator, Field, ValidationError

from sportello.tickets.forms import ERP_LIMITS


def _int_of_digits(value):
    """Form and query fields are text: "3" is the priority 3."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


Status = Literal["unassigned", "waiting", "postponed", "in_development", "closed"]
PriorityValue = Annotated[Literal[1, 2, 3, 4], BeforeValidator(_int_of_digits)]
RequestTypeValue = Literal["assistance", "appointment"]
AreaValue = Literal["administrative", "management", "systems"]
MAX_TICKET_NUMBER = 2**63 - 1


# --- answers ---------------------------------------------------------------------------------


class FieldError(Schema):
    field: str | None = Field(description="The field's name; null for an error of the whole request.")
    code: str = Field(description="What is wrong: required, invalid, invalid_choice, max_length, file_too_large, …")
    detail: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = Field(description="The rule broken: urn:sportello:problem:<code>, stable across releases.")
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = Field(None, description="For invalid input: the errors of each field.")


class Person(Schema):
    id: UUID = Field(description="The person's public identifier.")
    name: str
    is_operator: bool


class Attachment(Schema):
    id: UUID
    name: str
    size: int = Field(description="Bytes.")
    url: str = Field(description="Where the API gives the file (GET, with the token).")


class Message(Schema):
    kind: Literal["reply", "note", "event"] = Field(
        description="A reply, an operators' internal note (desk only), or an event (a change)."
    )
    author: Person | None
    text: str = Field(description="A reply's or note's text; for an event, the sentence that tells it.")
    created_at: datetime
    event: Literal["status", "priority", "contact_person", "assignee", ""] = ""
    old_value: str = ""
    new_value: str = ""
    attachments: list[Attachment] = []


class Company(Schema):
    id: UUID
    name: str
    vat_number: str
    is_active: bool


class TicketRow(Schema):
    number: int
    title: str
    summary: str
    status: Status
    status_label: str
    priority: PriorityValue
    priority_label: str
    area: AreaValue
    created_at: datetime
    last_reply_at: datetime
    closed_at: datetime | None
    requester: str = Field(description="The requester's name.")
    assignee: str | None = Field(description="The operator in charge, if any.")
    url: str = Field(description="The ticket's page in the portal, to open in a browser.")


class DeskTicketRow(TicketRow):
    company: str = Field(description="The company's name.")
    awaiting_vendor_since: datetime | None = Field(description="Since when the customer waits for an answer.")


class TicketPage(Schema):
    items: list[TicketRow]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last one.")
    previous_cursor: str | None


class DeskTicketPage(Schema):
    items: list[DeskTicketRow]
    next_cursor: str | None
    previous_cursor: str | None


class Ticket(TicketRow):
    request_type: RequestTypeValue
    contact_preference: Literal["web", "phone"]
    email: str
    phone: str
    description: str
    erp_program: str
    erp_version: str
    erp_error: str
    related_ticket: int | None = Field(description="The closed ticket this one follows, if any.")
    contact_person: Person
    closable_from: datetime = Field(description="From when the customer may close it.")
    accepts_replies: bool = Field(description="False once a closed ticket can no longer be reopened.")
    messages: list[Message]


class DeskTicket(Ticket):
    company: Company
    next_statuses: list[Status]


class Member(Schema):
    id: UUID
    name: str
    email: str
    role: Literal["administrator", "technician"]
    member_since: datetime


class CompanyPage(Schema):
    items: list[Company]
    next_cursor: str | None
    previous_cursor: str | None


class Me(Schema):
    token: str = Field(description="The token's name.")
    kind: Literal["personal", "company"]
    scope: Literal["read", "write"]
    expires_at: datetime
    user: Person
    company: Company | None = Field(description="The company the token works for; null at the desk.")


# --- requests (described here, read by the forms) --------------------------------------------


class NewTicket(BaseModel):
    """multipart/form-data of "Invia Ticket"."""

    email: str | None = Field(
        None,
        max_length=254,
        json_schema_extra={"format": "email"},
        description="Where the notifications go; the account's address when left out (a company token must "
        "give one). Another address is told once its reader confirms it.",
    )
    phone: str | None = Field(None, max_length=32, description="Required with contact_preference=phone.")
    contact_preference: Literal["web", "phone"] = "web"
    request_type: RequestTypeValue
    area: AreaValue
    priority: PriorityValue = Field(2, description="1 low, 2 normal, 3 high, 4 blocking.")
    title: str = Field(max_length=200, min_length=1)
    description: str = Field(max_length=20000, min_length=1)
    erp_program: str | None = Field(None, max_length=ERP_LIMITS["program"], description="The ERP's program.")
    erp_version: str | None = Field(None, max_length=ERP_LIMITS["version"], description="The program's version.")
    erp_error: str | None = Field(None, max_length=ERP_LIMITS["error"], description="The error message shown.")
    related: int | None = Field(None, ge=1, le=MAX_TICKET_NUMBER, description="A closed ticket this one follows.")
    attachments: list[bytes] = Field(
        [], json_schema_extra={"items": {"type": "string", "format": "binary"}}, description="Files, each < 4 MB."
    )


class Reply(BaseModel):
    """multipart/form-data of a customer's reply (R8–R10)."""

    body: str = Field(max_length=20000, min_length=1)
    priority: PriorityValue | None = Field(None, description="A new priority; never 4 (blocking) for a ticket.")
    contact_person: UUID | None = Field(None, description="A new contact person: a member's id.")
    close: bool = Field(False, description="Close the ticket with this reply (some minutes after its creation).")
    attachments: list[bytes] = Field([], json_schema_extra={"items": {"type": "string", "format": "binary"}})


class OperatorReply(BaseModel):
    """multipart/form-data of an operator's reply or internal note."""

    body: str = Field(max_length=20000, min_length=1)
    internal: bool = Field(False, description="An internal note: only operators see it.")
    attachments: list[bytes] = Field([], json_schema_extra={"items": {"type": "string", "format": "binary"}})


class Assignment(BaseModel):
    operator: UUID = Field(description="The operator's id.")


class StatusChange(BaseModel):
    status: Status


class TicketFilters(BaseModel):
    """The list's filters and sort (R7), as on the page."""

    sort: Literal["created", "last_reply", "priority"] = "created"
    number: int | None = Field(None, ge=1, le=MAX_TICKET_NUMBER, description="A ticket's number.")
    state: Literal["any", "open", "closed"] = "any"
    priority: PriorityValue | None = None
    request_type: RequestTypeValue | None = None
    created_from: date | None = None
    created_to: date | None = None
    cursor: str | None = Field(None, description="next_cursor or previous_cursor of a page.")


class QueueFilters(BaseModel):
    """The desk queue's filters and sort."""

    q: str | None = Field(None, max_length=100, description="A ticket's number, or words of the title.")
    state: Literal["open", "any", "unassigned", "waiting", "postponed", "in_development", "closed"] = "open"
    area: AreaValue | None = None
    priority: PriorityValue | None = None
    request_type: RequestTypeValue | None = None
    company: str | None = Field(None, max_length=100, description="A company's name or VAT number.")
    assignee: UUID | None = Field(None, description="An operator's id.")
    mine: bool = False
    unassigned: bool = False
    sort: Literal["created", "last_reply", "priority", "waiting"] = "created"
    cursor: str | None = None


class CompanyFilters(BaseModel):
    cursor: str | None = None


def _schema_of(model: type[BaseModel]) -> dict:
    """`model`'s JSON schema as a form or a query string has it: a field left out is how
    one says "none", so no field is nullable and no default is null."""
    schema = model.model_json_schema()
    schema.pop("title", None)
    for name, prop in schema.get("properties", {}).items():
        prop.pop("title", None)
        choices = prop.pop("anyOf", None)
        if choices:
            [kept] = [choice for choice in choices if choice.get("type") != "null"]
            prop.update(kept)
        if prop.get("default", "") is None:
            del prop["default"]
        schema["properties"][name] = prop
    return schema


def multipart(model: type[BaseModel]) -> dict:
    """openapi_extra for an operation whose body is `model` as multipart/form-data."""
    schema = _schema_of(model)
    encoding = (
        {"attachments": {"contentType": "application/octet-stream"}} if "attachments" in schema["properties"] else {}
    )
    content = {"schema": schema}
    if encoding:
        content["encoding"] = encoding
    return {"requestBody": {"required": True, "content": {"multipart/form-data": content}}}


def json_body(model: type[BaseModel]) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": _schema_of(model)}}}}


def query(model: type[BaseModel]) -> dict:
    """openapi_extra for an operation whose query parameters are `model`'s fields."""
    schema = _schema_of(model)
    return {
        "parameters": [
            {"name": name, "in": "query", "required": False, "schema": prop, "description": prop.pop("description", "")}
            for name, prop in schema["properties"].items()
        ]
    }


def errors_against(model: type[BaseModel], data) -> list[dict]:
    """The fields of `data` (a QueryDict or a dict) that break `model`'s description (a
    type, a choice, a bound, a length), as problem details' `errors`; empty when none.
    The pages' forms then check the rules themselves."""
    values = {name: data.get(name) for name in model.model_fields if name != "attachments" and name in data}
    unknown = [
        {"field": name, "code": "unknown", "detail": gettext("This API does not know this field.")}
        for name in data
        if name not in model.model_fields
    ]
    if "attachments" in data:  # text where files belong (a file is never among the form's text fields)
        unknown.append({"field": "attachments", "code": "invalid", "detail": gettext("Send the attachments as files.")})
    try:
        model.model_validate(values)
    except ValidationError as error:
        return unknown + [
            {
                "field": ".".join(str(part) for part in item["loc"]) or None,
                "code": "required" if item["type"] == "missing" else "invalid",
                "detail": str(
                    forms.Field.default_error_messages["required"]
                    if item["type"] == "missing"
                    else gettext("Enter a valid value.")
                ),
            }
            for item in error.errors()
        ]
    return unknown
