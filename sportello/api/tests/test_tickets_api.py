"""The manual's rules through the API: the same services and forms as the pages, the same
outcome, told as problem details in the caller's language."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from sportello.testing.api import ApiClient, make_token
from sportello.testing.fixtures import make_ticket
from sportello.tickets import services
from sportello.tickets.models import Attachment, Message, Status, Ticket

pytestmark = pytest.mark.django_db

NEW = {"request_type": "assistance", "area": "management", "title": "Errore in stampa", "description": "Non stampa"}


@pytest.fixture
def bob_api(bob, acme):
    return ApiClient(make_token(bob, acme))


@pytest.fixture
def oscar_api(oscar):
    return ApiClient(make_token(oscar))


def problem_of(response) -> tuple[int, str]:
    assert response["Content-Type"] == "application/problem+json"
    return response.status_code, response.json()["type"].removeprefix("urn:sportello:problem:")


def test_the_erp_opens_a_ticket_with_its_context_and_a_log_and_gets_number_and_address(bob_api, bob):
    log = SimpleUploadedFile("errore.log", b"Traceback: division by zero\n" * 100)

    response = bob_api.post(
        "/api/v1/tickets",
        {**NEW, "erp_program": "Contabilità", "erp_version": "24.3.1", "erp_error": "Errore 1045", "attachments": log},
    )

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get()
    assert body["number"] == ticket.pk
    assert body["url"] == f"{settings.SITE_URL}/tickets/{ticket.pk}/"
    assert response["Location"] == f"/api/v1/tickets/{ticket.pk}"
    assert (ticket.erp_program, ticket.erp_version, ticket.erp_error) == ("Contabilità", "24.3.1", "Errore 1045")
    assert ticket.email == bob.email and ticket.requester == bob
    [attachment] = body["messages"][0]["attachments"]
    assert attachment["name"] == "errore.log" and attachment["size"] == log.size
    download = bob_api.get(attachment["url"].removeprefix(settings.SITE_URL))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"Traceback")


def test_the_same_idempotency_key_twice_opens_one_ticket(bob_api):
    first = bob_api.post("/api/v1/tickets", NEW, HTTP_IDEMPOTENCY_KEY="erp-7f3a")
    second = bob_api.post("/api/v1/tickets", NEW, HTTP_IDEMPOTENCY_KEY="erp-7f3a")

    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    assert Ticket.objects.count() == 1


def test_the_same_idempotency_key_with_another_request_is_refused(bob_api):
    bob_api.post("/api/v1/tickets", NEW, HTTP_IDEMPOTENCY_KEY="erp-7f3a")

    response = bob_api.post("/api/v1/tickets", {**NEW, "title": "Altro"}, HTTP_IDEMPOTENCY_KEY="erp-7f3a")

    assert problem_of(response) == (422, "idempotency-key-reused")
    assert Ticket.objects.count() == 1


def test_missing_and_invalid_fields_are_listed_per_field_in_the_callers_language(bob_api):
    italian = bob_api.post("/api/v1/tickets", {"contact_preference": "phone"})
    english = bob_api.post("/api/v1/tickets", {"title": "x"}, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    off_the_document = bob_api.post("/api/v1/tickets", {**NEW, "priority": "9", "colour": "red"})

    assert problem_of(italian) == (422, "validation-failed")
    fields = {error["field"]: error for error in italian.json()["errors"]}
    assert {"request_type", "area", "title", "description"} <= fields.keys()
    assert {(e["field"], e["code"]) for e in off_the_document.json()["errors"]} == {
        ("priority", "invalid"),
        ("colour", "unknown"),
    }
    assert fields["title"]["code"] == "required" and fields["title"]["detail"] == "Questo campo è obbligatorio."
    assert italian.json()["title"] == "La richiesta non rispetta una regola" and italian["Content-Language"] == "it"
    assert english.json()["errors"][0]["detail"] == "This field is required." and english["Content-Language"] == "en"
    assert not Ticket.objects.exists()


def test_the_phone_is_needed_when_the_customer_wants_a_call(bob_api):
    response = bob_api.post("/api/v1/tickets", {**NEW, "contact_preference": "phone"})

    assert problem_of(response) == (422, "validation-failed")
    assert [(e["field"], e["detail"]) for e in response.json()["errors"]] == [
        ("phone", "Inserisci il numero di telefono a cui richiamarti.")
    ]
    assert not Ticket.objects.exists()


def test_an_attachment_of_4_mb_or_more_is_refused(bob_api):
    big = SimpleUploadedFile("dump.bin", b"x" * settings.ATTACHMENT_MAX_BYTES)

    response = bob_api.post("/api/v1/tickets", {**NEW, "attachments": big})

    assert problem_of(response) == (422, "validation-failed")
    assert response.json()["errors"][0]["field"] == "attachments"
    assert response.json()["errors"][0]["code"] == "file_too_large"
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_an_existing_ticket_is_never_raised_to_blocking(bob_api, ticket):
    response = bob_api.post(f"/api/v1/tickets/{ticket.pk}/replies", {"body": "Urgente!", "priority": "4"})

    assert problem_of(response) == (422, "blocking-priority-not-allowed")
    ticket.refresh_from_db()
    assert ticket.priority == 2 and ticket.messages.count() == 1


def test_a_ticket_is_closed_only_after_the_minutes_and_with_a_message(bob_api, ticket, clock):
    early = bob_api.post(f"/api/v1/tickets/{ticket.pk}/replies", {"body": "Risolto", "close": "true"})
    clock.shift(timedelta(minutes=settings.TICKET_CLOSE_AFTER_MINUTES))
    without_message = bob_api.post(f"/api/v1/tickets/{ticket.pk}/replies", {"close": "true"})
    closed = bob_api.post(f"/api/v1/tickets/{ticket.pk}/replies", {"body": "Risolto", "close": "true"})

    assert problem_of(early) == (409, "too-early-to-close")
    assert problem_of(without_message) == (422, "validation-failed")
    assert closed.status_code == 201
    ticket.refresh_from_db()
    assert ticket.is_closed


def test_a_closed_ticket_is_reopened_by_a_reply_only_within_the_days(bob_api, bob, acme, oscar, clock):
    recent, old = make_ticket(acme, bob), make_ticket(acme, bob)
    services.change_status(oscar, recent, "closed")
    services.change_status(oscar, old, "closed")
    clock.shift(timedelta(days=settings.TICKET_REOPEN_DAYS, seconds=1))
    old.refresh_from_db()
    Ticket.objects.filter(pk=recent.pk).update(closed_at=old.closed_at + timedelta(days=1))

    reopened = bob_api.post(f"/api/v1/tickets/{recent.pk}/replies", {"body": "Si ripresenta"})
    refused = bob_api.post(f"/api/v1/tickets/{old.pk}/replies", {"body": "Si ripresenta"})

    assert reopened.status_code == 201
    assert problem_of(refused) == (409, "reopen-period-over")
    recent.refresh_from_db()
    old.refresh_from_db()
    assert recent.status == "unassigned" and old.status == "closed"


def test_the_contact_person_must_be_a_member(bob_api, ticket, alice, eve):
    changed = bob_api.post(f"/api/v1/tickets/{ticket.pk}/replies", {"body": "Ok", "contact_person": alice.public_id})
    refused = bob_api.post(f"/api/v1/tickets/{ticket.pk}/replies", {"body": "Ok", "contact_person": eve.public_id})

    assert changed.status_code == 201
    assert problem_of(refused) == (422, "validation-failed")
    assert refused.json()["errors"][0]["field"] == "contact_person"
    ticket.refresh_from_db()
    assert ticket.contact_person == alice


def test_the_customer_never_sees_internal_notes_and_the_desk_does(bob_api, oscar_api, ticket, oscar):
    services.reply_as_operator(oscar, ticket, body="Nota riservata", internal=True,
                               files=[SimpleUploadedFile("nota.txt", b"riservato")])  # fmt: skip
    note_file = Attachment.objects.get(message__is_internal=True)

    customer = bob_api.get(f"/api/v1/tickets/{ticket.pk}").json()
    desk = oscar_api.get(f"/api/v1/desk/tickets/{ticket.pk}").json()

    assert "Nota riservata" not in str(customer)
    assert any(m["kind"] == "note" and m["text"] == "Nota riservata" for m in desk["messages"])
    assert bob_api.get(f"/api/v1/attachments/{note_file.public_id}").status_code == 404
    assert oscar_api.get(f"/api/v1/desk/attachments/{note_file.public_id}").status_code == 200


def test_operators_take_assign_change_status_and_reply(oscar_api, oscar, victor, ticket):
    taken = oscar_api.post(f"/api/v1/desk/tickets/{ticket.pk}/take")
    assigned = oscar_api.post(
        f"/api/v1/desk/tickets/{ticket.pk}/assign", {"operator": str(victor.public_id)}, content_type="application/json"
    )
    moved = oscar_api.post(
        f"/api/v1/desk/tickets/{ticket.pk}/status", {"status": "in_development"}, content_type="application/json"
    )
    refused = oscar_api.post(
        f"/api/v1/desk/tickets/{ticket.pk}/status", {"status": "unassigned"}, content_type="application/json"
    )
    reply = oscar_api.post(f"/api/v1/desk/tickets/{ticket.pk}/replies", {"body": "Ci stiamo lavorando"})

    assert taken.json()["assignee"] == "Oscar Orlando" and taken.json()["status"] == "waiting"
    assert assigned.json()["assignee"] == "Victor Valli"
    assert moved.json()["status"] == "in_development"
    assert problem_of(refused) == (409, "status-change-not-allowed")
    assert reply.status_code == 201 and reply.json()["kind"] == "reply"
    assert Message.objects.filter(ticket=ticket, body="Ci stiamo lavorando", is_internal=False).exists()


def test_the_list_filters_sorts_and_pages_as_the_list_page(bob_api, bob, acme, settings):
    settings.TICKETS_PER_PAGE = 5
    tickets = [make_ticket(acme, bob, title=f"T{n}", priority=1 + n % 3) for n in range(7)]

    first = bob_api.get("/api/v1/tickets").json()
    second = bob_api.get("/api/v1/tickets", {"cursor": first["next_cursor"]}).json()
    high = bob_api.get("/api/v1/tickets", {"priority": 3}).json()
    by_priority = bob_api.get("/api/v1/tickets", {"sort": "priority"}).json()
    one = bob_api.get("/api/v1/tickets", {"number": tickets[2].pk}).json()
    bad = bob_api.get("/api/v1/tickets", {"created_from": "2026-02-01", "created_to": "2026-01-01"})

    numbers = [row["number"] for row in first["items"] + second["items"]]
    assert numbers == [t.pk for t in reversed(tickets)] and second["next_cursor"] is None
    assert {row["priority"] for row in high["items"]} == {3}
    assert [row["priority"] for row in by_priority["items"]] == sorted(
        [row["priority"] for row in by_priority["items"]], reverse=True
    )
    assert [row["number"] for row in one["items"]] == [tickets[2].pk]
    assert problem_of(bad) == (422, "validation-failed")


def test_a_company_token_never_reaches_another_companys_tickets(bob_api, globex, eve):
    theirs = make_ticket(globex, eve, title="Globex secret")

    assert problem_of(bob_api.get(f"/api/v1/tickets/{theirs.pk}")) == (404, "not-found")
    assert "Globex" not in bob_api.get("/api/v1/tickets").text
    assert problem_of(bob_api.post(f"/api/v1/tickets/{theirs.pk}/replies", {"body": "x"})) == (404, "not-found")


def test_the_ticket_quota_is_429_with_the_seconds_to_wait(bob_api, settings):
    settings.TICKETS_PER_PERSON_PER_HOUR = 1
    bob_api.post("/api/v1/tickets", NEW)

    refused = bob_api.post("/api/v1/tickets", NEW)

    assert problem_of(refused) == (429, "quota-reached")
    assert 3590 < int(refused["Retry-After"]) <= 3601


def test_the_list_endpoints_take_a_fixed_number_of_queries(
    bob_api, oscar_api, bob, acme, victor, django_assert_num_queries
):
    for n in range(30):
        make_ticket(acme, bob, title=f"T{n}")
    bob_api.get("/api/v1/tickets")  # the token's first use of the period is logged

    # token, membership, rate-limit counter, the page of tickets (people joined)
    with django_assert_num_queries(4):
        assert len(bob_api.get("/api/v1/tickets").json()["items"]) == settings.TICKETS_PER_PAGE
    oscar_api.get("/api/v1/desk/tickets")
    # token, rate-limit counter, the queue's page (companies and people joined)
    with django_assert_num_queries(3):
        assert len(oscar_api.get("/api/v1/desk/tickets").json()["items"]) == settings.TICKETS_PER_PAGE
    victor_api = ApiClient(make_token(victor))
    victor_api.get("/api/v1/desk/companies")
    # token, rate-limit counter, the page of companies
    with django_assert_num_queries(3):
        assert len(victor_api.get("/api/v1/desk/companies").json()["items"]) == 1


def test_a_ticket_with_its_chat_takes_a_fixed_number_of_queries(
    bob_api, oscar_api, bob, oscar, acme, django_assert_num_queries
):
    ticket = make_ticket(acme, bob)
    for n in range(5):
        services.reply_as_operator(oscar, ticket, body=f"Risposta {n}", files=[], internal=False)
    bob_api.get(f"/api/v1/tickets/{ticket.pk}")  # the token's first use of the period is logged
    oscar_api.get(f"/api/v1/desk/tickets/{ticket.pk}")

    # token, membership, rate-limit counter, the ticket, its messages, their authors, their
    # attachments, and one query per author for its public identifier (two authors here)
    with django_assert_num_queries(9):
        assert bob_api.get(f"/api/v1/tickets/{ticket.pk}").status_code == 200
    # the same without the membership
    with django_assert_num_queries(8):
        assert oscar_api.get(f"/api/v1/desk/tickets/{ticket.pk}").status_code == 200


def test_the_list_answers_what_its_schema_validated_would_write(bob_api, bob, oscar, acme, settings):
    """The list's rows are answered without ninja's validation (answers.unvalidated): the
    same bytes as the tickets read as models, each through ticket_row() and the schema."""
    from sportello.api import answers, schemas
    from sportello.api.api import api
    from sportello.tickets.listing import LIST_FIELDS, filter_tickets, paginate

    settings.TICKETS_PER_PAGE = 2
    services.take(oscar, make_ticket(acme, bob, title='Stampa <b>"l\'ordine"</b> & co.', priority=4))
    make_ticket(acme, bob, title="Città")
    closed = make_ticket(acme, bob, title="Chiuso")
    services.change_status(oscar, closed, Status.CLOSED)

    def validated(params: dict) -> bytes:
        filters = {"sort": params.get("sort", "created"), "state": params.get("state", "any")}
        tickets = filter_tickets(
            Ticket.objects.for_tenant(acme).select_related("requester", "assignee").only(*LIST_FIELDS), filters
        )
        page = paginate(tickets, filters["sort"], params.get("cursor"), settings.TICKETS_PER_PAGE)
        data = {
            "items": [answers.ticket_row(ticket) for ticket in page.rows],
            "next_cursor": page.next_cursor,
            "previous_cursor": page.previous_cursor,
        }
        answer = api.create_response(None, schemas.TicketPage.model_validate(data).model_dump(), status=200)
        return unsigned(answer.content)

    def unsigned(content: bytes) -> bytes:
        # A cursor's signature holds the second it was made at.
        return re.sub(rb":[0-9A-Za-z]+:[A-Za-z0-9_-]{43}", b":T:S", content)

    for language in ("it", "en"):
        first = bob_api.get("/api/v1/tickets", HTTP_ACCEPT_LANGUAGE=language)
        with translation.override(language):
            assert unsigned(first.content) == validated({})
        second = bob_api.get("/api/v1/tickets", {"cursor": first.json()["next_cursor"]}, HTTP_ACCEPT_LANGUAGE=language)
        with translation.override(language):
            assert unsigned(second.content) == validated({"cursor": first.json()["next_cursor"]})
            by_priority = bob_api.get("/api/v1/tickets", {"sort": "priority"}, HTTP_ACCEPT_LANGUAGE=language)
            assert unsigned(by_priority.content) == validated({"sort": "priority"})
        assert first["Content-Type"] == "application/json; charset=utf-8"
    assert "Bloccante" in bob_api.get("/api/v1/tickets", {"sort": "priority"}).text
    assert "Blocking" in bob_api.get("/api/v1/tickets", {"sort": "priority"}, HTTP_ACCEPT_LANGUAGE="en").text
