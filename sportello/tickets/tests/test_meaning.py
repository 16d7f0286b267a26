"""Ranking "Già risolto?" by meaning: the embedding stored when a ticket closes, and used."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from sportello.testing.fixtures import make_ticket
from sportello.testing.tasks import run_ready_tasks
from sportello.tickets import meaning, services
from sportello.tickets.models import Status, TicketEmbedding
from sportello.tickets.search import similar_closed_tickets

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not meaning.is_available(), reason="the embedding model's package is not installed"),
]


def test_closing_a_ticket_stores_the_meaning_of_its_question(bob, oscar, acme, settings):
    settings.SEARCH_MEANING = True
    ticket = make_ticket(acme, bob, title="Stampante bloccata", description="La coda di stampa non si svuota.")
    services.change_status(oscar, ticket, Status.CLOSED)
    assert not TicketEmbedding.objects.exists()

    run_ready_tasks()

    stored = TicketEmbedding.objects.get()
    assert (stored.ticket, stored.tenant, stored.model) == (ticket, acme, meaning.MODEL_NAME)
    assert len(stored.vector) == 512 * 4


def test_no_embedding_is_queued_when_meaning_is_off(bob, oscar, acme, settings):
    settings.SEARCH_MEANING = False
    ticket = make_ticket(acme, bob, title="Stampante bloccata")
    services.change_status(oscar, ticket, Status.CLOSED)

    run_ready_tasks()

    assert not TicketEmbedding.objects.exists()


def test_the_closer_meaning_comes_first(bob, oscar, acme, settings):
    settings.SEARCH_MEANING = True
    printer = make_ticket(acme, bob, title="Errore stampa", description="La stampante non stampa i documenti.")
    register = make_ticket(acme, bob, title="Errore stampa registro", description="Il registro IVA non quadra.")
    for ticket, answer in ((printer, "Riavviate lo spooler."), (register, "Ricostruite gli archivi IVA.")):
        services.reply_as_operator(oscar, ticket, body=answer)
        services.change_status(oscar, ticket, Status.CLOSED)
    run_ready_tasks()

    found = similar_closed_tickets("Errore stampa\nLe stampanti dell'ufficio non funzionano", tenant=acme)

    assert [suggestion.ticket for suggestion in found] == [printer, register]
    assert found[0].answer == "Riavviate lo spooler."


class CountingModel:
    """The real model, counting the requests' texts it embeds (one text; tickets' questions
    come as lists)."""

    def __init__(self, model):
        self.model, self.queries = model, []

    def encode(self, texts):
        if isinstance(texts, str):
            self.queries.append(texts)
        return self.model.encode(texts)


@pytest.fixture
def model(monkeypatch):
    counting = CountingModel(meaning._model())
    monkeypatch.setattr(meaning, "_model", lambda: counting)
    return counting


def closed_and_embedded(oscar, *tickets):
    for ticket in tickets:
        services.reply_as_operator(oscar, ticket, body="Riavviate lo spooler.")
        services.change_status(oscar, ticket, Status.CLOSED)
    run_ready_tasks()


def test_the_desk_embeds_a_tickets_question_once_and_a_customers_text_each_time(bob, oscar, acme, settings, model):
    settings.SEARCH_MEANING = True
    closed_and_embedded(
        oscar, make_ticket(acme, bob, title="Errore stampa"), make_ticket(acme, bob, title="Errore stampa registro")
    )
    text = "Errore stampa\nLe stampanti non funzionano"

    first = similar_closed_tickets(text)
    again = similar_closed_tickets(text)
    assert [s.ticket for s in again] == [s.ticket for s in first] and len(model.queries) == 1

    similar_closed_tickets(text, tenant=acme)
    similar_closed_tickets(text, tenant=acme)
    assert len(model.queries) == 3


def test_a_single_candidate_is_not_embedded(bob, oscar, acme, settings, model):
    settings.SEARCH_MEANING = True
    printer = make_ticket(acme, bob, title="Errore stampa")
    closed_and_embedded(oscar, printer)

    found = similar_closed_tickets("Errore stampa\nLe stampanti non funzionano", tenant=acme)

    assert [s.ticket for s in found] == [printer] and model.queries == []


def test_the_command_embeds_closed_tickets_without_an_embedding_of_the_current_model(bob, oscar, acme, settings):
    settings.SEARCH_MEANING = False  # closed without the task
    never, older, current = (make_ticket(acme, bob, title=f"Errore stampa {n}") for n in range(3))
    for ticket in (never, older, current):
        services.change_status(oscar, ticket, Status.CLOSED)
    TicketEmbedding.objects.create(ticket=older, tenant=acme, model="a model used before", vector=b"\0" * 8)
    meaning.store_embeddings([current])
    kept = TicketEmbedding.objects.get(ticket=current).created_at

    call_command("embed_closed_tickets", stdout=io.StringIO())

    stored = {e.ticket_id: e for e in TicketEmbedding.objects.all()}
    assert {pk: e.model for pk, e in stored.items()} == dict.fromkeys(
        [never.pk, older.pk, current.pk], meaning.MODEL_NAME
    )
    assert len(stored[older.pk].vector) == len(stored[current.pk].vector) and stored[current.pk].created_at == kept


LOADED_BY_WSGI = (
    "import sportello.wsgi; from sportello.tickets import meaning; print(meaning._model.cache_info().currsize)"
)


@pytest.mark.parametrize(("setting", "loaded"), [("true", "1"), ("false", "0")])
def test_a_web_process_loads_the_model_as_it_starts_not_on_its_first_suggestion(setting, loaded):
    # The package builds its tokenizer's tables on its first text: seconds the first
    # customer asking for suggestions in each gunicorn worker would otherwise wait.
    environment = {**os.environ, "SEARCH_MEANING": setting}
    started = subprocess.run(
        [sys.executable, "-c", LOADED_BY_WSGI], env=environment, capture_output=True, text=True, check=True
    )

    assert started.stdout.strip().splitlines()[-1] == loaded
