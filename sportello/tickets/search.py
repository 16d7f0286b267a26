"""Finding tickets by what they are about (issue 19).

The SQL below is put together from constants of this module only; whatever a person typed
goes in as a query parameter (hence the `noqa: S608, S611`).

On PostgreSQL every ticket and every message carries a stored `search_document`
(migration 0007: the `italian` configuration behind `unaccent`, GIN-indexed with the
company first). Three readers use it:

- `search_tickets()`: the customers' list and the desk's queue, words and/or a ticket
  number, combined with the lists' other filters and keyset pages; ranked.
- `add_snippets()`: the page's rows get their title and best matching passage with the
  words highlighted, built from escaped text only.
- `similar_closed_tickets()`: "Già risolto?" on a new request (one company) and the desk's
  similar tickets (every company), re-ranked by meaning when embeddings are on
  (tickets/meaning.py).

On SQLite (the demo) words are matched with LIKE, without ranking or highlights.
Customers never match, see or rank by internal notes: every reader takes
`include_internal`, and the views pass True for operators only.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, Exists, FloatField, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
# word (a third of a million tickets on the desk) cannot be fast, and a walk down an
# ordered index finds the newest matches of such a word in a few milliseconds.
RANK_WINDOW = 500
# "Già risolto?" ranks the newest closed tickets that share a word with the request.
SIMILAR_WINDOW = 1000
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
    keep a database connection busy for seconds. Raises SearchTooBroad when a query was
    stopped. Does nothing when not `active`, on SQLite, or with SEARCH_TIMEOUT_MS at 0."""
    if not (active and is_full_text() and settings.SEARCH_TIMEOUT_MS):
        yield
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(settings.SEARCH_TIMEOUT_MS)}")
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


def search_tickets(queryset, text: str, *, include_internal: bool):
    """The tickets of `queryset` whose title, description, ERP error or a message match
    `text` (words, "quoted phrases", -excluded words; or a ticket number with or without
    "#"), annotated with `search_rank` (higher is better; what the "relevance" sort reads).
    Internal notes count only with `include_internal` (operators). The queryset's own
    scoping (its company, its filters) is kept: this only narrows it."""
    text = " ".join(text.split())[:MAX_SEARCH_LENGTH]
    number = ticket_number(text)
    if not is_full_text():
        return _search_like(queryset, text, number, include_internal)
    # Conditions on the ticket's own row (its text, its replies' words, its notes' words;
    # migration 0009), so that the planner may read the GIN indexes or walk the list's
    # ordered index and stop after a page, whichever is cheaper for these words.
    documents = ["search_document", "public_document", *(["notes_document"] if include_internal else [])]
    condition = " OR ".join(f"tickets_ticket.{document} @@ {TSQUERY}" for document in documents)
    params = [text] * len(documents)
    if number is not None:
        condition = f"tickets_ticket.id = %s OR {condition}"
        params = [number, *params]
    # Ranked by the ticket's own document (title, description, error): ranking by its
    # messages too would read every match's whole chat, so a ticket found by its messages
    # alone ranks after those whose own text matches.
    rank = f"ts_rank(tickets_ticket.search_document, {TSQUERY})"
    rank_params = [text]
    if number is not None:
        rank = f"(CASE WHEN tickets_ticket.id = %s THEN {NUMBER_BONUS} ELSE 0 END + {rank})"
        rank_params = [number, *rank_params]
    return queryset.filter(RawSQL(f"({condition})", params, output_field=BooleanField())).annotate(  # noqa: S611
        search_rank=RawSQL(f"{rank}::float8", rank_params, output_field=FloatField())  # noqa: S611
    )


def newest_matches(queryset, size: int | None = None):
    """`queryset` (a search) narrowed to its `size` (RANK_WINDOW) newest tickets, for
    ranking: see RANK_WINDOW."""
    window = queryset.order_by("-created_at", "-id").values("pk")[: size or RANK_WINDOW]
    return queryset.filter(pk__in=window)


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
    False: none) orders them by meaning. Each comes with the last public reply of an operator as its
    answer; tickets that never got one are left out. Returns a list of Suggestion."""
    from . import meaning

    text = " ".join(text.split())[:MAX_SIMILAR_TEXT]
    if not text:
        return []
    tickets = Ticket.objects.closed()
    if tenant is not None:
        tickets = tickets.for_tenant(tenant)
    if exclude is not None:
        tickets = tickets.exclude(pk=exclude)
    candidates = _candidates(tickets, text, meaning.CANDIDATES)
    answers = _last_operator_replies([ticket.pk for ticket in candidates])
    candidates = [ticket for ticket in candidates if answers.get(ticket.pk)]
    rerank = meaning.rerank if rerank is None and meaning.is_enabled() else rerank
    if rerank and candidates:
        candidates = rerank(text, candidates)
    return [Suggestion(ticket, answers[ticket.pk], ticket.search_rank) for ticket in candidates[:limit]]


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


def _candidates(tickets, text: str, count: int) -> list:
    fields = ["id", "tenant_id", "title", "summary", "closed_at", "created_at", "area"]
    if is_full_text():
        found = tickets.filter(
            RawSQL(f"tickets_ticket.search_document @@ {ANY_WORDS_TSQUERY}", [text], output_field=BooleanField())  # noqa: S611
        )
        found = newest_matches(found, SIMILAR_WINDOW).annotate(
            # Normalised by the document's length (1 + log), so that a long description
            # that names every word once does not beat a short one about the question.
            search_rank=RawSQL(  # noqa: S611
                f"ts_rank(tickets_ticket.search_document, {ANY_WORDS_TSQUERY}, 1)::float8",
                [text],
                output_field=FloatField(),
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
