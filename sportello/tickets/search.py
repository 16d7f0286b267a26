"""Finding tickets by what they are about (issue 19).

The SQL below is put together from constants of this module only; whatever a person typed
goes in as a query parameter (hence the `noqa: S608`).

On PostgreSQL every ticket and every message carries a stored `search_document`
(migration 0007: the `italian` configuration behind `unaccent`, GIN-indexed with the
company first), and each ticket the words of its replies and of its notes too
(`public_document`, `notes_document`, migration 0009). These columns are not model fields:
`TicketSQL` writes them against the table's alias in the query being compiled. Three
readers use them:

- `search_tickets()`: the customers' list and the desk's queue, words and/or a ticket
  number, combined with the lists' other filters and keyset pages; ranked among the
  newest matches (`newest_matching()`, bounded however common the words).
- `add_snippets()`: the page's rows get their title and best matching passage with the
  words highlighted, built from escaped text only.
- `similar_closed_tickets()`: "Già risolto?" on a new request (one company) and the desk's
  similar tickets (every company), re-ranked by meaning when embeddings are on
  (tickets/meaning.py).

On SQLite (the demo) words are matched with LIKE, without ranking or highlights.
Customers never match, see or rank by internal notes: every reader takes
`include_internal`, and the views pass True for operators only.
"""

import math
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, Exists, F, FloatField, OuterRef, Q, Subquery, Value
from django.db.models.expressions import Expression
from django.db.models.fields.tuple_lookups import TupleLessThan
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sportello.lib.keyset import beyond

from .models import Message, Ticket

CONFIG = "sportello_italian"
# Words of a search, and characters of a "Già risolto?" text, past these are ignored:
# a pasted page of log must not become a query of a thousand terms.
MAX_SEARCH_LENGTH = 200
MAX_SIMILAR_TEXT = 600
# Private-use characters mark the highlighted words in ts_headline's output: the text
# around them is escaped, then they become <mark> tags. They are removed from the source
# text first, so that a message cannot forge a mark.
MARK_START, MARK_END = "\ue000", "\ue001"
MARKS = f"StartSel={MARK_START}, StopSel={MARK_END}"
# Passages of messages: up to two fragments around the words (ts_headline leaves out what
# its parser takes for HTML tags there); titles: whole, every word marked.
HEADLINE_OPTIONS = f'{MARKS}, MaxWords=28, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "'
TITLE_OPTIONS = f"{MARKS}, HighlightAll=true"
# "Pertinenza" ranks the newest matches only, this many: ranking every match of a common
# word (a third of a million tickets on the desk) cannot be fast.
RANK_WINDOW = 200
# "Già risolto?" ranks the newest closed tickets that share a word with the request.
SIMILAR_WINDOW = 300
# How many of a list's newest tickets are read first, down its ordered index, to find the
# newest matches (newest_matching()): a word in one ticket in five fills the window there.
FIRST_WALK = 1_000
# How many of the desk's list of every company are read first: its newest tickets are the
# whole vendor's latest, where a burst about something else (an outage) lands.
WALK = 10_000
# The most a walk reads in all (newest_matching()): past it, a word is rare enough for the
# GIN indexes to be cheaper whatever the list.
LONGEST_WALK = 30_000
# What a ticket costs each way, in tickets walked (newest_matching()): one read through the
# GIN indexes' bitmap costs about three walked in order, and the indexes decode an entry
# of their posting lists for every match of the words in the whole table, 17 of them the
# cost of one walked (the bench database, half its pages out of PostgreSQL's buffers).
INDEXED_COST = 3
POSTINGS_PER_WALKED = 17
# Up to this many companies of the desk's "Azienda" filter are walked one by one.
COMPANY_WALKS = 10
# PostgreSQL's work_mem for a search's transaction: with the default 4 MB the bitmap of a
# common word's matches turns lossy, and every ticket of the pages it names is read again.
SEARCH_WORK_MEM = "16MB"
# And its random_page_cost, as docs/deployment.md advises for SSD storage: with the stock 4,
# the desk's page of a search (the window's 200 tickets, ranked, then 25 shown) read and
# hashed all 10,000 companies for their names instead of looking up 200 of them by their
# key: 8 ms instead of 3 on the bench database. Set here too, so that a search does not
# depend on the server's setting.
SEARCH_RANDOM_PAGE_COST = "1.1"
# JIT compilation is off in a search's transaction: the GIN step of a word common among
# older tickets is estimated dear enough to be compiled, which cost 11 ms of a 228 ms
# statement on the bench database and never pays back in a statement this short.
# A ticket found by its number comes before those that only mention it.
NUMBER_BONUS = 100.0

TSQUERY = f"websearch_to_tsquery('{CONFIG}', %s)"
# Any of the words, for "similar" questions: plainto_tsquery's AND made an OR.
ANY_WORDS_TSQUERY = f"replace(plainto_tsquery('{CONFIG}', %s)::text, ' & ', ' | ')::tsquery"


class SearchTooBroad(Exception):
    """A search ran past SEARCH_TIMEOUT_MS and was stopped."""


@contextmanager
def time_bound(active: bool = True):
    """Runs the block's queries with PostgreSQL's statement_timeout at SEARCH_TIMEOUT_MS,
    in a transaction of their own: a word found in a third of a million tickets must not
    keep a database connection busy for seconds; and with SEARCH_WORK_MEM,
    SEARCH_RANDOM_PAGE_COST and PostgreSQL's JIT compilation off. Raises
    SearchTooBroad when a query was stopped. Does nothing when not `active`, on SQLite,
    or with SEARCH_TIMEOUT_MS at 0."""
    if not (active and is_full_text() and settings.SEARCH_TIMEOUT_MS):
        yield
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true), set_config('work_mem', %s, true),"
                    " set_config('random_page_cost', %s, true), set_config('jit', 'off', true)",
                    [str(int(settings.SEARCH_TIMEOUT_MS)), SEARCH_WORK_MEM, SEARCH_RANDOM_PAGE_COST],
                )
            yield
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
            raise SearchTooBroad from error
        raise


def is_full_text() -> bool:
    """Whether the database has full-text search (PostgreSQL) or only LIKE (SQLite)."""
    return connection.vendor == "postgresql"


def ticket_number(text: str) -> int | None:
    """The ticket number a search is, with or without "#" ("#1024", "1024"), or None."""
    text = text.strip().lstrip("#")
    if text.isdigit() and len(text) <= 12:
        return int(text)
    return None


def _visible(include_internal: bool) -> str:
    return "" if include_internal else " AND NOT m.is_internal"


def search_tickets(
    queryset, text: str, *, include_internal: bool, newest_only: bool = False, companies=None, one_company: bool = False
):
    """The tickets of `queryset` whose title, description, ERP error or a message match
    `text` (words, "quoted phrases", -excluded words; or a ticket number with or without
    "#"), annotated with `search_rank` (higher is better; what the "relevance" sort reads).
    Internal notes count only with `include_internal` (operators). The queryset's own
    scoping (its company, its filters) is kept: this only narrows it. With `newest_only`
    (the "relevance" sort) only the RANK_WINDOW newest matches are kept: see
    newest_matching(), which `companies` (the ids the queryset is narrowed to, if any) or
    `one_company` (a customer's list) helps; `queryset` must then already carry every other
    filter."""
    text = " ".join(text.split())[:MAX_SEARCH_LENGTH]
    number = ticket_number(text)
    if not is_full_text():
        return _search_like(queryset, text, number, include_internal)
    # Conditions on the ticket's own row (its text, its replies' words, its notes' words;
    # migration 0009), so that the planner may read the GIN indexes or walk the list's
    # ordered index and stop after a page, whichever is cheaper for these words.
    documents = ["search_document", "public_document", *(["notes_document"] if include_internal else [])]
    condition = " OR ".join(f"{{ticket}}.{document} @@ {TSQUERY}" for document in documents)
    params = [text] * len(documents)
    if number is not None:
        condition = f"{{ticket}}.id = %s OR {condition}"
        params = [number, *params]
    # Ranked by the ticket's own document (title, description, error): ranking by its
    # messages too would read every match's whole chat, so a ticket found by its messages
    # alone ranks after those whose own text matches.
    rank = f"ts_rank({{ticket}}.search_document, {TSQUERY})"
    rank_params = [text]
    if number is not None:
        rank = f"(CASE WHEN {{ticket}}.id = %s THEN {NUMBER_BONUS} ELSE 0 END + {rank})"
        rank_params = [number, *rank_params]
    match = TicketSQL(f"({condition})", params, BooleanField())
    if newest_only:  # the window's tickets are matches already: not tested again
        found = among(
            queryset,
            lambda: newest_matching(queryset, match, RANK_WINDOW, companies=companies, one_company=one_company),
        )
    else:
        found = queryset.filter(match)
    return found.annotate(search_rank=TicketSQL(f"{rank}::float8", rank_params, FloatField()))


class TicketSQL(Expression):
    """SQL over the tickets table's search columns, which are not model fields (migrations
    0007 and 0009), written with `{ticket}` where the table's name goes: it becomes the
    table's alias in the query being compiled. In a subquery Django renames the table
    ("U0"); a RawSQL naming tickets_ticket would then read the outer query's row instead,
    and the subquery would no longer be the search it was written as."""

    def __init__(self, template: str, params: list, output_field):
        super().__init__(output_field=output_field)
        self.template, self.params = template, list(params)
        self.ticket = F("pk")

    def get_source_expressions(self):
        return [self.ticket]

    def set_source_expressions(self, expressions):
        (self.ticket,) = expressions

    def as_sql(self, compiler, connection):
        table = compiler.quote_name(self.ticket.alias)
        return f"({self.template.format(ticket=table)})", self.params  # parenthesised, as RawSQL is


def among(queryset, ids):
    """The tickets of `queryset` whose id is in `ids` (a window's hundreds of ids), as one
    array parameter (`id = ANY(%s)`): `pk__in` would write each id into the SQL, which Django
    then resolves one by one and psycopg parses anew on every search, since a statement of
    more than 4 KB is past its cache. `ids`: a list, or a function that finds it, called
    once when the statement is first compiled: the views build a search before
    search_page() opens its time bound, and the window's statements, a search's costliest,
    must run under it (SEARCH_TIMEOUT_MS, SEARCH_WORK_MEM). No rows when `ids` is empty."""
    return queryset.filter(_Among(ids if callable(ids) else (lambda: ids)))


def _any_of(ids: list[int]) -> "TicketSQL":
    return TicketSQL("{ticket}.id = ANY(%s)", [list(ids)], BooleanField())


class _Among(TicketSQL):
    """among()'s condition: the ids found once, by the first compilation of any copy."""

    def __init__(self, find):
        super().__init__("{ticket}.id = ANY(%s)", [], BooleanField())
        self.window = _Found(find)

    def as_sql(self, compiler, connection):
        ids = self.window.ids()
        if not ids:
            raise EmptyResultSet  # Django answers no rows without asking the database
        self.params = [ids]
        return super().as_sql(compiler, connection)


class _Found:
    """What a function returns, worked out once and shared by the copies of a queryset."""

    def __init__(self, find):
        self.find, self.found = find, None

    def ids(self) -> list[int]:
        if self.found is None:
            self.found = list(self.find())
        return self.found

    def __deepcopy__(self, memo):
        return self


def newest_matching(
    scope, match, size: int, *, companies: list[int] | None = None, one_company: bool = False
) -> list[int]:
    """The ids of the `size` newest tickets of `scope` (a queryset of tickets) for which
    `match` (a condition, such as search_tickets() builds) holds, newest first.
    `companies`: the ids of the companies `scope` is narrowed to, when it is (the desk's
    "Azienda" filter): up to COMPANY_WALKS of them are read one by one. `one_company`: the
    scope is one company's (a customer's list).

    The cost stays bounded however common the words are, and whatever the list's size.
    First a company's FIRST_WALK newest tickets (the desk's whole list: its WALK newest)
    are read down the list's ordered index and tested: a common word fills the window
    there. When it does not, the rate of matches found says how many more tickets a walk
    would read to fill it, and how many tickets the GIN indexes would read: the scope's
    matches and their posting lists over the table, at that rate or at PostgreSQL's
    estimate from the words' statistics, whichever is more. The walk goes on when that is
    the cheaper, by INDEXED_COST, and within LONGEST_WALK tickets in all; otherwise the
    older matches come from the GIN indexes, which read no ticket that does not match. On
    the bench database a word in one ticket in thirty-five of the largest company (49,000
    tickets) was walked for 7,000 tickets (12 ms warm, 88 ms with the pages out of
    PostgreSQL's buffers) where the indexes read 1,400 (17 and 35 ms); a word in one newest
    ticket in a hundred on the desk is still walked on (the indexes would read ten thousand
    of the million's matches: 259 ms against 27). A walk that read the whole scope (a
    company with fewer tickets) has found every match. (Left to itself, the planner
    misjudges how many tickets several words share and reads every match of a common one:
    90 ms instead of 10 for "registro IVA" in the largest company.) The index is ordered
    within a company: several companies' newest tickets would be all their tickets read
    and sorted, so each is walked apart and the walks merged. PostgreSQL only."""
    walked = companies if companies and len(companies) <= COMPANY_WALKS else [None]
    found, short = [], []
    with connection.cursor() as cursor:
        for company in walked:
            part = scope if company is None else scope.filter(tenant_id=company)
            first = FIRST_WALK if one_company or company is not None else WALK
            rows, complete = _newest_walked(cursor, part, match, size, first)
            found += rows
            if not complete:
                short.append(company)
        if short:
            rest = scope if None in short else scope.filter(tenant_id__in=short)
            found += _rest_indexed(cursor, rest, match, [pk for pk, _ in found], size)
    found.sort(key=lambda row: (row[1], row[0]), reverse=True)
    return [pk for pk, _ in found[:size]]


def _newest_walked(cursor, scope, match, size: int, first: int) -> tuple[list[tuple], bool]:
    """(id, created_at) of the matches among `scope`'s newest tickets, newest first, at most
    `size`, and whether they are all that the GIN step could add (the window is full, or the
    whole scope was read): the `first` newest, then as many more as the matches' rate calls
    for when walking is the cheaper way (newest_matching())."""
    rows = _walk(cursor, scope, match, size, first)
    walked = first
    if len(rows) >= size:
        return rows, True
    boundary = _walked_to(scope, walked)
    if boundary is None:
        return rows, True  # the whole scope was tested
    further = _further_walk(cursor, scope, match, len(rows), walked, size)
    if not further:
        return rows, False
    rest = beyond(scope, TupleLessThan, ("created_at", "pk"), boundary)
    rows += _walk(cursor, rest, match, size - len(rows), further)
    return rows, len(rows) >= size or _walked_to(rest, further) is None


def _further_walk(cursor, scope, match, matches: int, walked: int, size: int) -> int:
    """How many more tickets to walk after finding `matches` in the `walked` newest of
    `scope`, to fill a window of `size`: twice what their rate calls for (at most the rest
    of the scope and LONGEST_WALK in all); 0 when the GIN indexes are the cheaper way
    (newest_matching()). The indexes read the scope's matches and the posting lists of the
    words' matches in the whole table: each counted at the walk's rate, or at PostgreSQL's
    estimate from its statistics of the words when that is more. The walk's rate alone
    says too little when the newest tickets are about something else (an outage, one
    customer's burst of requests): a word in a third of the tickets was sent to the indexes,
    a second on the desk. The estimate alone says too little of words that come together
    ("agenti provvigioni"): it takes them as independent, and sent them to the indexes too."""
    scope_size = _estimated_size(cursor, scope)
    table_size = _estimated_size(cursor, Ticket.objects.all())
    rate = matches / walked
    in_scope = max(rate * scope_size, _estimated_size(cursor, scope.filter(match)))
    everywhere = max(rate * table_size, _estimated_size(cursor, Ticket.objects.filter(match)))
    rate = rate or in_scope / max(scope_size, 1)
    if not rate:
        return 0
    expected = max(min(math.ceil((size - matches) / rate), scope_size - walked), 1)
    if expected > in_scope * INDEXED_COST + everywhere / POSTINGS_PER_WALKED:
        return 0
    return min(2 * expected, max(LONGEST_WALK - walked, 0))


def _estimated_size(cursor, tickets) -> int:
    """How many tickets the queryset `tickets` holds, as PostgreSQL's planner estimates it
    from its statistics, no rows read (a count of the largest company's tickets reads
    49,000 index entries; of a word's matches, all of them)."""
    try:
        sql, params = tickets.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0
    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
    return int(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])


def _walked_to(scope, count: int) -> tuple | None:
    """(created_at, id) of `scope`'s `count`-th newest ticket, the last a walk of `count`
    read; None when it has fewer."""
    last = scope.order_by("-created_at", "-id").values_list("created_at", "pk")[count - 1 : count]
    return next(iter(last), None)


def _walk(cursor, scope, match, size: int, length: int) -> list[tuple]:
    """(id, created_at) of the matches among `scope`'s `length` newest tickets, newest first,
    at most `size`."""
    try:
        sql, params = (
            scope.order_by("-created_at", "-id")
            .values("pk", "created_at")
            .annotate(hit=match)[:length]
            .query.sql_with_params()
        )
    except EmptyResultSet:  # a scope that cannot hold a ticket (none(), an empty __in)
        return []
    # The newest tickets as a derived table with its own LIMIT, the condition tested on its
    # rows: PostgreSQL cannot move the condition inside, so it reads the index in order and
    # stops at the window's last match (joined to the matches instead, the newest tickets
    # were hashed against every match of the word, read through the GIN indexes).
    cursor.execute(
        f"SELECT pk, created_at FROM ({sql}) newest WHERE hit ORDER BY created_at DESC, pk DESC LIMIT %s",  # noqa: S608
        [*params, size],
    )
    return cursor.fetchall()


def _rest_indexed(cursor, scope, match, found: list[int], size: int) -> list[tuple]:
    """(id, created_at) of `scope`'s `size` newest matches but those `found`: see
    newest_matching()."""
    try:
        sql, params = (
            scope.order_by().filter(match).exclude(_any_of(found)).values("pk", "created_at").query.sql_with_params()
        )
    except EmptyResultSet:
        return []
    # Rare among the newest: all its other matches, few, from the indexes. The CTE keeps
    # the planner from walking the ordered index again, as it would when it cannot
    # estimate the words (a ticket number is in no statistics): a second for "#500000" on
    # the desk, reading the million tickets down to that one.
    cursor.execute(
        f"WITH rest AS MATERIALIZED ({sql}) SELECT pk, created_at FROM rest ORDER BY created_at DESC, pk DESC LIMIT %s",  # noqa: S608
        [*params, size],
    )
    return cursor.fetchall()


def _search_like(queryset, text: str, number: int | None, include_internal: bool):
    """SQLite's search: every word in the title, the description or a visible message."""
    words = Q()
    for word in text.split()[:8]:
        messages = Message.objects.filter(ticket=OuterRef("pk"), body__icontains=word)
        if not include_internal:
            messages = messages.public()
        words &= Q(title__icontains=word) | Q(description__icontains=word) | Exists(messages)
    condition = (Q(pk=number) | words) if number is not None else words
    return queryset.filter(condition).annotate(search_rank=Value(0.0, output_field=FloatField()))


# --- highlighted snippets ----------------------------------------------------------------------


def highlighted(text: str) -> SafeString:
    """`text` from ts_headline, escaped, with its marked words in <mark>."""
    return mark_safe(escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


def add_snippets(rows: list, text: str, *, include_internal: bool) -> list:
    """Gives each ticket of `rows` (a page of search_tickets()) `search_title` (its title
    with the searched words marked) and `search_snippet` (the best matching passage of its
    visible messages, marked; None when only the title matched), with
    `search_snippet_is_internal` when that passage is an internal note. One query for the
    page, on PostgreSQL; on SQLite the fields are None. Returns `rows`."""
    for row in rows:
        row.search_title = row.search_snippet = None
        row.search_snippet_is_internal = False
    text = " ".join(text.split())[:MAX_SEARCH_LENGTH]
    if not rows or not is_full_text() or not text:
        return rows
    by_id = {row.pk: row for row in rows}
    marks = MARK_START + MARK_END
    sql = f"""
        SELECT t.id, ts_headline('{CONFIG}', translate(t.title, %s, ''), {TSQUERY}, %s),
               best.is_internal, best.snippet
        FROM tickets_ticket t
        LEFT JOIN LATERAL (
            SELECT m.is_internal, ts_headline('{CONFIG}', translate(m.body, %s, ''), {TSQUERY}, %s) AS snippet
            FROM tickets_message m
            WHERE m.ticket_id = t.id AND m.tenant_id = t.tenant_id AND m.search_document @@ {TSQUERY}
                  {_visible(include_internal)}
            ORDER BY ts_rank(m.search_document, {TSQUERY}) DESC, m.id
            LIMIT 1
        ) best ON true
        WHERE t.id = ANY(%s)
    """  # noqa: S608
    params = [marks, text, TITLE_OPTIONS, marks, text, HEADLINE_OPTIONS]
    params += [text, text, list(by_id)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for ticket_id, title, is_internal, snippet in cursor.fetchall():
            row = by_id[ticket_id]
            row.search_title = highlighted(title)
            if snippet is not None:
                row.search_snippet = highlighted(snippet)
                row.search_snippet_is_internal = bool(is_internal)
    return rows


# --- similar closed tickets ("Già risolto?", the desk's similar tickets) ----------------------


@dataclass
class Suggestion:
    """A closed ticket that answers a similar question, with the operator's last reply."""

    ticket: Ticket
    answer: str
    score: float


def similar_closed_tickets_in_time(text: str, **options) -> list:
    """similar_closed_tickets() under SEARCH_TIMEOUT_MS: none when it took too long (a help
    that comes late is no help, and must not hold a database connection)."""
    try:
        with time_bound():
            return similar_closed_tickets(text, **options)
    except SearchTooBroad:
        return []


def similar_closed_tickets(text: str, *, tenant=None, exclude: int | None = None, limit: int = 5, rerank=None):
    """Up to `limit` closed tickets whose question is like `text` (a title and a
    description): of `tenant` only when given (customers), of every company otherwise (the
    desk), never ticket `exclude`. Candidates come from full-text search with any of the
    words (LIKE on SQLite); `rerank` (default: meaning.rerank when embeddings are on;
    False: none; called with the text, the candidates and `cached`, true for the desk's
    questions, which come again) orders them by meaning. Each comes with the last public
    reply of an operator as its answer; tickets that never got one are left out (after the
    ordering, which counts them). Returns a list of Suggestion."""
    from . import meaning

    text = " ".join(text.split())[:MAX_SIMILAR_TEXT]
    if not text:
        return []
    tickets = Ticket.objects.closed()
    if tenant is not None:
        tickets = tickets.for_tenant(tenant)
    if exclude is not None:
        tickets = tickets.exclude(pk=exclude)
    candidates = _candidates(tickets, text, meaning.CANDIDATES, one_company=tenant is not None)
    rerank = meaning.rerank if rerank is None and meaning.is_enabled() else rerank
    if rerank and candidates:
        candidates = rerank(text, candidates, cached=tenant is None)  # the desk: a ticket's question, again
    return _answered(candidates, limit)


def _answered(candidates: list, limit: int) -> list:
    """The first `limit` of `candidates` (tickets, best first) that have an answer, as
    Suggestions. The answers are read `limit` tickets at a time, in order: the messages of
    a ticket lie on pages of their own, and reading the answers of all 30 candidates took
    25 ms on the bench database with those pages out of PostgreSQL's buffers."""
    suggestions = []
    for start in range(0, len(candidates), limit):
        batch = candidates[start : start + limit]
        answers = _last_operator_replies([ticket.pk for ticket in batch])
        suggestions += [
            Suggestion(ticket, answers[ticket.pk], ticket.search_rank) for ticket in batch if answers.get(ticket.pk)
        ]
        if len(suggestions) >= limit:
            break
    return suggestions[:limit]


def _last_operator_replies(ticket_ids: list[int]) -> dict[int, str]:
    """The last public reply of an operator on each ticket of `ticket_ids` (one query)."""
    if not ticket_ids:
        return {}
    last = (
        Message.objects.filter(
            ticket=OuterRef("pk"), kind=Message.Kind.REPLY, is_internal=False, author__is_operator=True
        )
        .order_by("-created_at", "-id")
        .values("body")[:1]
    )
    return dict(Ticket.objects.filter(pk__in=ticket_ids).annotate(answer=Subquery(last)).values_list("pk", "answer"))


def _candidates(tickets, text: str, count: int, *, one_company: bool) -> list:
    fields = ["id", "tenant_id", "title", "summary", "closed_at", "created_at", "area"]
    if is_full_text():
        match = TicketSQL(f"{{ticket}}.search_document @@ {ANY_WORDS_TSQUERY}", [text], BooleanField())
        found = among(tickets, newest_matching(tickets, match, SIMILAR_WINDOW, one_company=one_company)).annotate(
            # Normalised by the document's length (1 + log), so that a long description
            # that names every word once does not beat a short one about the question.
            search_rank=TicketSQL(
                f"ts_rank({{ticket}}.search_document, {ANY_WORDS_TSQUERY}, 1)::float8", [text], FloatField()
            )
        )
        return list(found.only(*fields).order_by("-search_rank", "-id")[:count])
    words = [word for word in text.split() if len(word) > 3][:8]
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word) | Q(description__icontains=word)
    if not words:
        return []
    found = tickets.filter(condition).annotate(search_rank=Value(0.0, output_field=FloatField()))
    return list(found.only(*fields).order_by("-closed_at", "-id")[:count])
