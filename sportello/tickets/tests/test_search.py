"""Searching tickets by what they are about, and "Già risolto?" (issue 19), on PostgreSQL."""

import re

import pytest

from sportello.testing.fixtures import make_ticket
from sportello.tickets import services
from sportello.tickets.models import Deflection, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def full_text_only(settings):
    # Meaning is tested in test_meaning.py; here the order is the full-text one.
    settings.SEARCH_MEANING = False


def titles_found(client, url, **params) -> list[str]:
    """The titles of the rows a list page shows, in order, without the search's marks."""
    page = client.get(url, params).text
    return [
        re.sub(r"</?mark>", "", title) for title in re.findall(r'<td class="cell-request"><strong>(.*?)</strong>', page)
    ]


def solved(operator, ticket, answer: str):
    """`ticket` answered by `operator` and closed."""
    services.reply_as_operator(operator, ticket, body=answer)
    services.change_status(operator, ticket, Status.CLOSED)
    return ticket


def test_singular_plural_and_accents_find_the_same_tickets(client, bob, acme, login):
    make_ticket(acme, bob, title="Le fatture non arrivano al cliente", description="Nessun esito dallo SDI.")
    make_ticket(acme, bob, title="Domanda sul magazzino", description="Perché la giacenza è negativa?")
    make_ticket(acme, bob, title="Stampante ferma", description="Non stampa più.")
    login(client, bob, acme)

    assert titles_found(client, "/tickets/", q="fattura") == ["Le fatture non arrivano al cliente"]
    assert titles_found(client, "/tickets/", q="FATTURE") == ["Le fatture non arrivano al cliente"]
    assert titles_found(client, "/tickets/", q="perche giacenza") == ["Domanda sul magazzino"]
    assert titles_found(client, "/tickets/", q="perché giacenze") == ["Domanda sul magazzino"]
    assert titles_found(client, "/tickets/", q="antivirus") == []


def test_a_ticket_number_with_or_without_hash_finds_the_ticket(client, bob, acme, login):
    wanted = make_ticket(acme, bob, title="Registro IVA")
    make_ticket(acme, bob, title="Altro")
    login(client, bob, acme)

    assert titles_found(client, "/tickets/", q=f"#{wanted.pk}") == ["Registro IVA"]
    assert titles_found(client, "/tickets/", q=str(wanted.pk)) == ["Registro IVA"]


def test_words_of_the_replies_are_found_and_highlighted(client, bob, oscar, acme, login):
    ticket = make_ticket(acme, bob, title="Problema", description="Qualcosa non va.")
    services.reply_as_operator(oscar, ticket, body="Aggiornate il certificato del DDT e riprovate.")
    login(client, bob, acme)

    page = client.get("/tickets/", {"q": "certificati"}).text

    assert "Aggiornate il <mark>certificato</mark> del DDT" in page


def test_a_new_message_is_searchable_at_once(client, bob, acme, login):
    ticket = make_ticket(acme, bob, title="Problema", description="Qualcosa non va.")
    login(client, bob, acme)
    assert titles_found(client, "/tickets/", q="inventario") == []

    services.reply_as_customer(bob, ticket, body="Succede durante l'inventario di fine anno.")

    assert titles_found(client, "/tickets/", q="inventario") == ["Problema"]


def test_another_companys_tickets_never_appear(client, bob, eve, oscar, acme, globex, login):
    make_ticket(acme, bob, title="Antivirus di ACME", description="Blocca il gestionale.")
    globex_ticket = make_ticket(globex, eve, title="Antivirus di Globex", description="Blocca il gestionale.")
    solved(oscar, globex_ticket, "Escludete la cartella del gestionale dalla scansione.")
    login(client, bob, acme)

    assert titles_found(client, "/tickets/", q="antivirus gestionale") == ["Antivirus di ACME"]
    assert titles_found(client, "/tickets/", q=f"#{globex_ticket.pk}") == []
    suggestions = client.get("/tickets/new/suggestions/", {"title": "antivirus", "description": "blocca gestionale"})
    assert suggestions.status_code == 200
    assert "Globex" not in suggestions.text and "scansione" not in suggestions.text


def test_internal_notes_never_reach_customers_but_operators_find_them_marked(client, bob, oscar, acme, login):
    ticket = make_ticket(acme, bob, title="Stampa lenta", description="La stampa del DDT è lenta.")
    services.reply_as_operator(oscar, ticket, body="Cliente moroso, stampa dopo il pagamento.", internal=True)
    login(client, bob, acme)

    assert titles_found(client, "/tickets/", q="moroso") == []
    page = client.get("/tickets/", {"q": "stampa"}).text
    assert "moroso" not in page and "Nota interna" not in page

    login(client, oscar)
    page = client.get("/desk/", {"q": "moroso"}).text
    assert "Cliente <mark>moroso</mark>" in page and "Nota interna" in page


def test_snippets_are_escaped(client, bob, acme, login):
    ticket = make_ticket(acme, bob, title="<b>Fattura</b> & co", description="Vedi sotto.")
    services.reply_as_customer(bob, ticket, body="<script>alert('fattura')</script> <img src=x onerror=alert(1)>")
    login(client, bob, acme)

    page = client.get("/tickets/", {"q": "fattura"}).text

    assert "<script>alert" not in page and "<img src=x" not in page and "<b>" not in page
    assert "&lt;b&gt;<mark>Fattura</mark>&lt;/b&gt; &amp; co" in page


def test_a_forged_mark_in_a_message_stays_text(client, bob, acme, login):
    ticket = make_ticket(acme, bob, title="Magazzino", description="Vedi sotto.")
    services.reply_as_customer(bob, ticket, body="giacenza \ue000<script>x</script>\ue001")
    login(client, bob, acme)

    page = client.get("/tickets/", {"q": "giacenza"}).text

    assert "<script>x" not in page
    assert page.count("<mark>") == page.count("</mark>") == 1 and "<mark>giacenza</mark>" in page


def test_search_keeps_the_other_filters_and_the_pages(client, bob, acme, login, settings):
    settings.TICKETS_PER_PAGE = 5
    for index in range(7):
        make_ticket(acme, bob, title=f"Antivirus {index}", description="Aggiornamento antivirus fallito.")
    other = make_ticket(acme, bob, title="Antivirus chiuso", description="Antivirus.")
    services.reply_as_customer(bob, other, body="Risolto", close=False)
    make_ticket(acme, bob, title="Stampante", description="Inceppata.")
    login(client, bob, acme)

    first = client.get("/tickets/", {"q": "antivirus"}).text
    cursor = re.search(r'href="\?[^"]*cursor=([^"&]+)', first).group(1)
    second = client.get(f"/tickets/?q=antivirus&cursor={cursor}").text
    numbers = [set(re.findall(r'class="ticket-number">#(\d+)<', page)) for page in (first, second)]

    assert len(numbers[0]) == 5 and len(numbers[1]) == 3 and not numbers[0] & numbers[1]
    assert titles_found(client, "/tickets/", q="antivirus", priority=3) == []
    assert titles_found(client, "/tickets/", q="antivirus", sort="created")[0] == "Antivirus chiuso"


def test_the_list_with_words_runs_a_fixed_number_of_queries(client, bob, acme, login, django_assert_num_queries):
    for index in range(3):
        ticket = make_ticket(acme, bob, title=f"Registro IVA {index}", description="Stampa del registro IVA.")
        services.reply_as_customer(bob, ticket, body="Il registro IVA non quadra.")
    login(client, bob, acme)
    client.get("/tickets/", {"q": "registro"})

    # Session, user with their membership, the newest matches (those among the newest
    # tickets, then, as they are fewer than the window, the others), the page of tickets,
    # the snippets of the page, and the search's time bound (a savepoint here, SET LOCAL
    # statement_timeout and work_mem, the release).
    with django_assert_num_queries(9):
        client.get("/tickets/", {"q": "registro"})
    with django_assert_num_queries(9):
        client.get("/tickets/", {"q": "registri iva"})


def statements_of(client, url, params) -> list[str]:
    """The SQL texts (without their parameters) of the statements a page runs, but the
    savepoints (named anew each time)."""
    from django.db import connection

    texts = []

    def record(execute, sql, params, many, context):
        if "SAVEPOINT" not in sql:
            texts.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        client.get(url, params)
    return texts


def test_the_window_of_matches_reaches_the_page_as_one_parameter(client, bob, acme, login):
    # The window's ids go as one array: the page's statement is the same text however many
    # tickets match, so Django builds no parameter per id and psycopg parses it once.
    make_ticket(acme, bob, title="Registro IVA 0")
    login(client, bob, acme)
    one_match = statements_of(client, "/tickets/", {"q": "registro"})
    for index in range(1, 4):
        make_ticket(acme, bob, title=f"Registro IVA {index}")

    assert len(titles_found(client, "/tickets/", q="registro")) == 4
    assert statements_of(client, "/tickets/", {"q": "registro"}) == one_match


def test_the_desk_searches_every_company_and_filters_by_company(client, bob, eve, oscar, acme, globex, login):
    make_ticket(acme, bob, title="Fatturazione elettronica ACME")
    make_ticket(globex, eve, title="Fatturazione elettronica Globex")
    login(client, oscar)

    assert set(titles_found(client, "/desk/", q="fatturazione")) == {
        "Fatturazione elettronica ACME",
        "Fatturazione elettronica Globex",
    }
    assert titles_found(client, "/desk/", q="fatturazione", company="globex") == ["Fatturazione elettronica Globex"]


# --- "Già risolto?" ------------------------------------------------------------------------


def test_suggestions_show_closed_tickets_of_the_company_with_the_operators_answer(client, bob, oscar, acme, login):
    answered = solved(
        oscar,
        make_ticket(acme, bob, title="Fattura scartata dallo SDI", description="Scarto per codice destinatario."),
        "Correggete il codice destinatario nell'anagrafica cliente e reinviate.",
    )
    make_ticket(acme, bob, title="Fattura scartata ancora aperta", description="Scarto.")
    login(client, bob, acme)

    page = client.get("/tickets/new/suggestions/", {"title": "fatture scartate", "description": ""}).text

    assert "Fattura scartata dallo SDI" in page and "ancora aperta" not in page
    assert "Correggete il codice destinatario" in page
    assert f'href="/tickets/{answered.pk}/" target="_blank" rel="noopener"' in page


def test_suggestions_read_the_answers_of_the_best_candidates_only(bob, oscar, acme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sportello.tickets import search

    answered = [
        solved(oscar, make_ticket(acme, bob, title="Fattura scartata", description="Scarto."), f"Risposta {n}.")
        for n in range(4)
    ]
    unanswered = make_ticket(acme, bob, title="Fattura scartata", description="Scarto.")  # the newest: first
    services.change_status(oscar, unanswered, Status.CLOSED)

    with CaptureQueriesContext(connection) as queries:
        found = search.similar_closed_tickets("fattura scartata", tenant=acme, limit=2, rerank=False)

    assert [suggestion.ticket for suggestion in found] == [answered[3], answered[2]]
    assert [suggestion.answer for suggestion in found] == ["Risposta 3.", "Risposta 2."]
    # Two at a time, best first: the first pair held the unanswered ticket, so a second pair
    # was read; the fifth candidate's answer was not.
    asked = [
        sorted(int(pk) for pk in re.search(r"IN \(([\d, ]+)\)", query["sql"]).group(1).split(", "))
        for query in queries
        if '"body"' in query["sql"]
    ]
    assert asked == [sorted([unanswered.pk, answered[3].pk]), sorted([answered[2].pk, answered[1].pk])]


def test_no_words_no_suggestions(client, bob, acme, login):
    login(client, bob, acme)

    assert client.get("/tickets/new/suggestions/", {"title": "", "description": ""}).text.strip() == ""


def test_choosing_a_suggestion_records_a_deflection(client, bob, oscar, acme, login):
    answered = solved(oscar, make_ticket(acme, bob, title="Antivirus"), "Escludete la cartella.")
    login(client, bob, acme)

    response = client.post(f"/tickets/new/solved/{answered.pk}/")

    assert response.status_code == 302 and response.url == f"/tickets/{answered.pk}/"
    deflection = Deflection.objects.get()
    assert (deflection.tenant, deflection.user, deflection.ticket) == (acme, bob, answered)


def test_an_open_or_foreign_ticket_records_no_deflection(client, bob, eve, oscar, acme, globex, login):
    open_ticket = make_ticket(acme, bob, title="Aperto")
    foreign = solved(oscar, make_ticket(globex, eve, title="Di Globex"), "Risposta.")
    login(client, bob, acme)

    assert client.post(f"/tickets/new/solved/{open_ticket.pk}/").status_code == 404
    assert client.post(f"/tickets/new/solved/{foreign.pk}/").status_code == 404
    assert not Deflection.objects.exists()


def test_the_desk_shows_similar_closed_tickets_of_every_company(client, bob, eve, oscar, acme, globex, login):
    current = make_ticket(acme, bob, title="Stampante di rete non stampa", description="Coda di stampa bloccata.")
    solved(
        oscar,
        make_ticket(globex, eve, title="Stampante non stampa", description="Coda bloccata."),
        "Riavviate lo spooler.",
    )
    login(client, oscar)

    page = client.get(f"/desk/tickets/{current.pk}/similar/").text

    assert "Stampante non stampa" in page and "Riavviate lo spooler." in page and "Globex" in page
    assert f"#{current.pk}<" not in page


def test_a_search_past_its_time_is_stopped(settings):
    from django.db import connection

    from sportello.tickets.search import SearchTooBroad, time_bound

    settings.SEARCH_TIMEOUT_MS = 20
    with pytest.raises(SearchTooBroad), time_bound(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.5)")
    with time_bound(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def test_a_search_plans_as_on_ssd_storage(settings):
    from django.db import connection

    from sportello.tickets.search import time_bound

    with time_bound(), connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_a_search_is_not_jit_compiled():
    from django.db import connection

    from sportello.tickets.search import time_bound

    with time_bound(), connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_the_list_says_when_a_search_took_too_long(client, bob, acme, login, settings, monkeypatch):
    from django.db import connection

    from sportello.tickets import search

    def slow_snippets(rows, text, include_internal):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.5)")

    make_ticket(acme, bob, title="Fattura")
    settings.SEARCH_TIMEOUT_MS = 20
    monkeypatch.setattr(search, "add_snippets", slow_snippets)
    login(client, bob, acme)

    page = client.get("/tickets/", {"q": "fattura"}).text

    assert "aggiungi parole" in page and titles_found(client, "/tickets/", q="fattura") == []


@pytest.mark.parametrize("place", ["/tickets/", "/desk/"])
def test_the_window_of_newest_matches_runs_under_the_time_bound(
    client, bob, oscar, acme, login, settings, monkeypatch, place
):
    # The views build the search before search_page() opens the time bound: the window's
    # statements, a search's costliest, must still run under it.
    from django.db import connection

    from sportello.tickets import search

    def slow_window(scope, match, size, **options):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.5)")
        return []

    make_ticket(acme, bob, title="Fattura")
    monkeypatch.setattr(search, "newest_matching", slow_window)
    settings.SEARCH_TIMEOUT_MS = 20
    login(client, *((bob, acme) if place == "/tickets/" else (oscar,)))

    page = client.get(place, {"q": "fattura", "state": "any", "sort": "relevance"}).text

    assert "aggiungi parole" in page


def test_suggestions_that_take_too_long_are_left_out(client, bob, oscar, acme, login, settings, monkeypatch):
    from django.db import connection

    from sportello.tickets import search

    def slow_candidates(tickets, text, count, **options):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.5)")

    solved(oscar, make_ticket(acme, bob, title="Antivirus"), "Escludete la cartella.")
    settings.SEARCH_TIMEOUT_MS = 20
    monkeypatch.setattr(search, "_candidates", slow_candidates)
    login(client, bob, acme)

    response = client.get("/tickets/new/suggestions/", {"title": "antivirus", "description": ""})

    assert response.status_code == 200 and response.text.strip() == ""


# The newest matches are found by reading the list's newest tickets (FIRST_WALK of them),
# then, when those hold too few, by reading on down the index (up to LONGEST_WALK in all,
# while that is cheaper than a ticket read through the indexes is INDEXED_COST times) or by
# asking the indexes for the older ones: each way is tried.
walks = pytest.mark.parametrize(
    "walk",
    [(2, 0, 3), (2, 40_000, 1_000), (10_000, 40_000, 3)],
    ids=["older-ones-from-the-indexes", "walked-on-at-the-matches-rate", "newest-read-in-order"],
)


def walk_as(monkeypatch, walk: tuple[int, int, int]):
    from sportello.tickets import search

    monkeypatch.setattr(search, "FIRST_WALK", walk[0])
    monkeypatch.setattr(search, "LONGEST_WALK", walk[1])
    monkeypatch.setattr(search, "INDEXED_COST", walk[2])


@walks
def test_relevance_ranks_the_newest_matches_only(client, bob, acme, login, monkeypatch, walk):
    from sportello.tickets import search

    walk_as(monkeypatch, walk)

    old = make_ticket(acme, bob, title="Magazzino magazzino magazzino", description="Magazzino.")
    newer = [make_ticket(acme, bob, title=f"Magazzino {n}", description="Altro.") for n in range(3)]
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    login(client, bob, acme)

    found = titles_found(client, "/tickets/", q="magazzino")

    assert old.title not in found and sorted(found) == sorted(ticket.title for ticket in newer)
    assert titles_found(client, "/tickets/", q="magazzino", sort="created")[-1] == old.title


@walks
def test_relevance_finds_a_match_older_than_the_window_of_newest_tickets(client, bob, acme, login, monkeypatch, walk):
    # The window is the newest *matches*, not the newest tickets of which some match: the
    # window's subquery renames the table, and its condition must follow (search.TicketSQL).
    from sportello.tickets import search

    walk_as(monkeypatch, walk)

    old = make_ticket(acme, bob, title="Giacenze di magazzino errate", description="Dopo l'inventario.")
    for n in range(3):
        make_ticket(acme, bob, title=f"Stampante {n}", description="Non stampa.")
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    login(client, bob, acme)

    assert titles_found(client, "/tickets/", q="magazzino") == [old.title]


@walks
def test_suggestions_find_a_solved_ticket_older_than_the_window_of_newest_tickets(
    client, bob, oscar, acme, login, monkeypatch, walk
):
    from sportello.tickets import search

    walk_as(monkeypatch, walk)

    answered = solved(
        oscar,
        make_ticket(acme, bob, title="Giacenze di magazzino errate", description="Dopo l'inventario."),
        "Ricalcolate i progressivi di magazzino.",
    )
    for n in range(3):
        solved(oscar, make_ticket(acme, bob, title=f"Stampante {n}", description="Non stampa."), "Riavviate.")
    monkeypatch.setattr(search, "SIMILAR_WINDOW", 3)
    login(client, bob, acme)

    page = client.get("/tickets/new/suggestions/", {"title": "magazzino", "description": "giacenze"}).text

    assert answered.title in page


def test_a_scope_that_cannot_hold_a_ticket_has_no_newest_matches(acme, bob):
    from django.db.models import BooleanField

    from sportello.tickets import search
    from sportello.tickets.models import Ticket

    make_ticket(acme, bob, title="Magazzino", description="Giacenze.")
    match = search.TicketSQL(
        "{ticket}.search_document @@ plainto_tsquery('sportello_italian', %s)", ["magazzino"], BooleanField()
    )

    assert search.newest_matching(Ticket.objects.none(), match, 5) == []
    assert search.newest_matching(Ticket.objects.filter(tenant__in=[]), match, 5) == []
    assert len(search.newest_matching(Ticket.objects.all(), match, 5)) == 1


def magazzino_match():
    from django.db.models import BooleanField

    from sportello.tickets import search

    return search.TicketSQL(
        "{ticket}.search_document @@ plainto_tsquery('sportello_italian', %s)", ["magazzino"], BooleanField()
    )


def statements_run_by(function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = function()
    return result, [query["sql"] for query in queries]


@pytest.fixture
def one_match_in_three(acme, bob):
    """12 tickets, oldest first, one in three about the warehouse: their ids, newest first.
    The tickets table is analysed, so that the planner's estimates (of the whole table, of
    the company's tickets) count them."""
    from django.db import connection

    matches = []
    for n in range(12):
        if n % 3 == 0:
            matches.append(make_ticket(acme, bob, title=f"Magazzino {n}", description="Giacenze.").pk)
        else:
            make_ticket(acme, bob, title=f"Stampante {n}", description="Non stampa.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    return matches[::-1]


def newest_warehouse_tickets(size: int):
    from sportello.tickets import search
    from sportello.tickets.models import Ticket

    return statements_run_by(
        lambda: search.newest_matching(
            Ticket.objects.filter(tenant=acme_of_all()), magazzino_match(), size, one_company=True
        )
    )


def acme_of_all():
    from sportello.tickets.models import Ticket

    return Ticket.objects.values_list("tenant", flat=True).first()


def test_a_word_short_of_the_window_in_the_newest_tickets_is_walked_on_at_its_rate(monkeypatch, one_match_in_three):
    # The weak band: a word in one ticket in a hundred fills too little of the newest
    # tickets, and the GIN step then read every one of its matches in the million (259 ms).
    # Its rate says the rest lie just past the walk: the walk goes on, no GIN step.
    from sportello.tickets import search

    monkeypatch.setattr(search, "FIRST_WALK", 3)  # one match in the 3 newest: 2 more within ~6
    monkeypatch.setattr(search, "LONGEST_WALK", 15)

    found, statements = newest_warehouse_tickets(3)

    assert found == one_match_in_three[:3]
    assert not any("MATERIALIZED" in sql for sql in statements)
    assert sum(") newest WHERE hit" in sql for sql in statements) == 2  # the walk, then walked on


def test_a_word_too_rare_to_walk_on_for_is_looked_up_in_the_indexes(monkeypatch, one_match_in_three):
    from sportello.tickets import search

    monkeypatch.setattr(search, "FIRST_WALK", 3)
    monkeypatch.setattr(search, "LONGEST_WALK", 5)  # the rate asks for 6 more tickets after 3

    found, statements = newest_warehouse_tickets(3)

    assert found == one_match_in_three[:3]
    assert sum("MATERIALIZED" in sql for sql in statements) == 1
    assert sum(") newest WHERE hit" in sql for sql in statements) == 2  # the walk, then 2 more


def test_a_word_the_indexes_find_for_less_than_a_walk_is_looked_up_there(monkeypatch, one_match_in_three):
    # The largest company of the bench database: a word in one of its tickets in 35 was
    # walked for 7,000 tickets (88 ms with the pages out of PostgreSQL's buffers), where the
    # indexes read its 1,400 matches (35 ms). Here the walk would read 6 more tickets, the
    # indexes the scope's 4 matches, each at a tenth of a walked ticket's cost.
    from sportello.tickets import search

    monkeypatch.setattr(search, "FIRST_WALK", 3)
    monkeypatch.setattr(search, "LONGEST_WALK", 30)
    monkeypatch.setattr(search, "INDEXED_COST", 0.1)
    monkeypatch.setattr(search, "POSTINGS_PER_WALKED", 1_000)

    found, statements = newest_warehouse_tickets(3)

    assert found == one_match_in_three[:3]
    assert sum("MATERIALIZED" in sql for sql in statements) == 1
    assert sum(") newest WHERE hit" in sql for sql in statements) == 1


def test_newest_tickets_about_something_else_do_not_send_a_common_word_to_the_indexes(monkeypatch, acme, bob):
    # The bench's own new tickets, a thousand at the top of the desk, held no "fattura":
    # read from them, the rate sent a word in a third of the million to the indexes (1 s).
    # PostgreSQL's estimate of the word's matches says the indexes would read many more.
    from django.db import connection

    from sportello.tickets import search

    older = [make_ticket(acme, bob, title=f"Magazzino {n}", description="Giacenze.").pk for n in range(8)]
    for n in range(4):
        make_ticket(acme, bob, title=f"Stampante {n}", description="Non stampa.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    monkeypatch.setattr(search, "FIRST_WALK", 2)

    found, statements = newest_warehouse_tickets(3)

    assert found == older[::-1][:3]
    assert not any("MATERIALIZED" in sql for sql in statements)


def test_a_walk_that_read_every_ticket_of_the_scope_needs_no_indexes(monkeypatch, one_match_in_three):
    from sportello.tickets import search

    monkeypatch.setattr(search, "LONGEST_WALK", 0)

    found, statements = newest_warehouse_tickets(10)

    assert found == one_match_in_three  # 4 of the 10 asked for: all there are
    assert not any("MATERIALIZED" in sql for sql in statements)


def test_a_walk_on_that_reached_the_end_of_the_scope_needs_no_indexes(monkeypatch, one_match_in_three):
    from sportello.tickets import search

    monkeypatch.setattr(search, "FIRST_WALK", 3)
    monkeypatch.setattr(search, "LONGEST_WALK", 30)

    found, statements = newest_warehouse_tickets(10)

    assert found == one_match_in_three
    assert not any("MATERIALIZED" in sql for sql in statements)
    assert sum(") newest WHERE hit" in sql for sql in statements) == 2


@walks
@pytest.mark.parametrize("company_walks", [10, 1], ids=["each-company-walked", "companies-walked-together"])
def test_the_desks_window_over_several_companies_holds_their_newest_matches(
    client, bob, eve, oscar, acme, globex, login, monkeypatch, walk, company_walks
):
    from sportello.tickets import search

    make_ticket(acme, bob, title="Magazzino ACME vecchio", description="Giacenze.")
    make_ticket(globex, eve, title="Magazzino Globex", description="Giacenze.")
    for n in range(3):
        make_ticket(acme, bob, title=f"Stampante {n}", description="Non stampa.")
    make_ticket(globex, eve, title="Magazzino Globex nuovo", description="Giacenze.")
    walk_as(monkeypatch, walk)
    monkeypatch.setattr(search, "COMPANY_WALKS", company_walks)
    monkeypatch.setattr(search, "RANK_WINDOW", 2)
    login(client, oscar)

    found = titles_found(client, "/desk/", q="magazzino", company="IT0", state="any")  # both VAT numbers

    assert sorted(found) == ["Magazzino Globex", "Magazzino Globex nuovo"]
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    assert len(titles_found(client, "/desk/", q="magazzino", company="IT0", state="any")) == 3
