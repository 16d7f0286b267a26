"""The benchmark's scenarios: what each one asks of the portal, at what rate, within what
budget, and the function that writes its requests. A scenario without a rate is measured by
`bench/cpu` only.

A request is a dict: method, path, the session key it is sent with (none: anonymous), or for
the REST API the access `token` it sends as `Authorization: Bearer`, the `csrftoken` cookie
(pages only: a page read in a session sends the one a browser would have kept from its
earlier pages), and for a post the form fields and whether the 1 MB attachment goes with it.
`bench/run` replays them with wrk through a running server; `bench/cpu` through Django's WSGI
handler in its own process. Both pick the people and the objects the same way (`Population`,
from a fixed random seed), so that their figures speak of the same pages.

Needs Django set up (`DJANGO_SETTINGS_MODULE`, `django.setup()`) before a `Population` is made.
"""

import hashlib
import random
import re
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property, partial

CUSTOMER_SESSIONS = 1200
OPERATOR_SESSIONS = 100
WRITER_SESSIONS = 150
LONG_TICKETS = 300
LOGIN_ACCOUNTS = 400
API_TOKENS = 300
LINES_PER_SCENARIO = 1500
# A deep page is this far down a list: 80% of a company's tickets, or of the open tickets.
DEPTH = 0.8


# --- the people and objects every scenario draws from ------------------------------------------


def _session_for(user, tenant_id=None) -> tuple[str, str]:
    """(session key, encoded data) of a signed-in session, as `SessionStore` writes it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from sportello.tenants.middleware import SESSION_KEY as TENANT_KEY

    data = {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
        HASH_SESSION_KEY: user.get_session_auth_hash(),
    }
    if tenant_id is not None:
        data[TENANT_KEY] = tenant_id
    store = SessionStore()
    return store._get_new_session_key(), store.encode(data)


def create_sessions(pairs) -> list[str]:
    """One signed-in session per (user, tenant id or None), written in one go; their keys."""
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    expire = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    keys, rows = [], []
    for user, tenant_id in pairs:
        key, data = _session_for(user, tenant_id)
        keys.append(key)
        rows.append(Session(session_key=key, session_data=data, expire_date=expire))
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def csrf_of(page: str, cookies: dict[str, str], path: str) -> tuple[str, str]:
    """(csrftoken cookie, csrfmiddlewaretoken of the page's form); SystemExit when either is missing."""
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if "csrftoken" not in cookies or not match:
        raise SystemExit(f"no CSRF token on {path}: is the session signed in?")
    return cookies["csrftoken"], match.group(1)


class Population:
    """The people the scenarios act as, picked once per run from the seeded database with a
    fixed random seed: customer sessions on companies drawn in proportion to their ticket
    volume, operator sessions, the chats of 200 messages and their readers, the sessions that
    post forms (with the CSRF tokens `browser.csrf(path, session_key)` reads from a form page).
    """

    def __init__(self, browser, seed: int = 7):
        from django.db.models import Count

        from sportello.accounts.models import User
        from sportello.tenants.models import Membership
        from sportello.tickets.models import Ticket

        self.rng = random.Random(seed)  # noqa: S311 - picks sessions and pages, nothing secret
        self.browser = browser
        # Companies as busy as their ticket volume: a customer session lands on a company
        # with the probability its share of the tickets gives, and on one of its members.
        self.sizes = dict(Ticket.objects.values_list("tenant").annotate(n=Count("id")).order_by("tenant"))
        tenants = list(self.sizes)
        self.members = {}
        for tenant_id, user_id in Membership.objects.order_by("pk").values_list("tenant_id", "user_id"):
            self.members.setdefault(tenant_id, []).append(user_id)
        chosen = self.rng.choices(tenants, [self.sizes[t] for t in tenants], k=CUSTOMER_SESSIONS)
        picked = [(self.pick(self.members[tenant_id]), tenant_id) for tenant_id in chosen]
        users = User.objects.in_bulk({user_id for user_id, _t in picked})
        pairs = [(users[user_id], tenant_id) for user_id, tenant_id in picked]
        keys = create_sessions(pairs)
        self.customers = [(key, tenant_id) for key, (_user, tenant_id) in zip(keys, pairs, strict=True)]
        print(f"  {len(self.customers):,} customer sessions over {len(set(chosen)):,} companies")

        operator_ids = list(User.objects.filter(is_operator=True).order_by("pk").values_list("pk", flat=True))
        sample = self.rng.sample(operator_ids, min(OPERATOR_SESSIONS, len(operator_ids)))
        operators = User.objects.in_bulk(sample)
        self.operators = create_sessions([(operators[pk], None) for pk in sample])
        print(f"  {len(self.operators):,} operator sessions")

    def pick(self, seq):
        """One of `seq`, drawing exactly one number whatever its length: a list that grows
        between runs (the benchmark's own tickets) changes that pick and not the ones after it."""
        return seq[int(self.rng.random() * len(seq))]

    @cached_property
    def long_tickets(self) -> list[tuple[int, int]]:
        """(number, tenant id) of tickets whose chat has 200 messages."""
        from django.db.models import Count

        from sportello.tickets.models import Message, Ticket

        long_ids = list(
            Message.objects.filter(is_internal=False)
            .values("ticket")
            .annotate(n=Count("id"))
            .filter(n=200)
            .order_by("ticket")
            .values_list("ticket", flat=True)[:LONG_TICKETS]
        )
        return list(Ticket.objects.filter(pk__in=long_ids).order_by("pk").values_list("pk", "tenant_id"))

    @cached_property
    def writers(self) -> list[tuple[str, int, tuple[str, str]]]:
        """(session key, tenant id, (csrftoken cookie, form token)) of the sessions that post."""
        writers = [self.pick(self.customers) for _ in range(WRITER_SESSIONS)]
        tokens = {}
        for key, _tenant_id in writers:
            if key not in tokens:
                tokens[key] = self.browser.csrf("/tickets/new/", key)
        print(f"  {len(tokens):,} writing sessions with CSRF tokens")
        return [(key, tenant_id, tokens[key]) for key, tenant_id in writers]

    @cached_property
    def api_tokens(self) -> list[tuple[str, int]]:
        """(secret, tenant id) of customers' access tokens that may write, on companies drawn
        as for the sessions, written in one go as the API's own services store them."""
        from django.utils import timezone

        from sportello.api.models import AccessToken, token_digest

        tenants = list(self.sizes)
        chosen = self.rng.choices(tenants, [self.sizes[t] for t in tenants], k=API_TOKENS)
        expires = timezone.now() + timedelta(days=7)
        tokens, rows = [], []
        for tenant_id in chosen:
            secret = AccessToken.new_secret()
            rows.append(
                AccessToken(
                    user_id=self.pick(self.members[tenant_id]), tenant_id=tenant_id, name="bench", scope="write",
                    prefix=secret[:12], digest=token_digest(secret), expires_at=expires,
                )
            )  # fmt: skip
            tokens.append((secret, tenant_id))
        AccessToken.objects.bulk_create(rows, batch_size=1000)
        print(f"  {len(tokens):,} API tokens")
        return tokens


def _get(key, path) -> dict:
    # A browser sends back the CSRF cookie its first page set; without it every page with a
    # form (the top bar's sign-out) made a new secret, 4% of the queue's page in cProfile.
    line = {"method": "GET", "path": path, "session": key}
    return line | {"csrf": kept_csrf_cookie(key)} if key else line


def kept_csrf_cookie(session_key: str) -> str:
    """The `csrftoken` cookie a browser holding `session_key` kept: a CSRF secret (32
    characters of Django's alphabet), one per session, the same in every run."""
    return hashlib.sha256(f"csrf {session_key}".encode()).hexdigest()[:32]


def _post(key, path, csrf: tuple[str, str], fields: dict, file: bool = False) -> dict:
    cookie, token = csrf
    line = {"method": "POST", "path": path, "session": key, "csrf": cookie,
            "fields": {"csrfmiddlewaretoken": token, **fields}}  # fmt: skip
    return line | {"file": True} if file else line


# --- one function per scenario: its requests -------------------------------------------------


def list_page_one(people: Population, sort: str) -> list[dict]:
    """Page 1 of a customer's list in one sort (the default, by creation, has no parameter)."""
    path = "/tickets/" if sort == "created" else f"/tickets/?sort={sort}"
    return [_get(people.pick(people.customers)[0], path) for _ in range(LINES_PER_SCENARIO)]


LIST_FILTERS = [
    "state=open&sort=created",
    "state=open&sort=last_reply",
    "state=open&sort=priority",
    "state=closed&sort=created",
    "priority=4&sort=created",
    "priority=3&state=open&sort=priority",
    "request_type=appointment&sort=last_reply",
    "created_from={from}&created_to={to}&sort=created",
    "number={number}",
]


def list_filters(people: Population) -> list[dict]:
    """Page 1 of a customer's list with filters: state, priority, type, a month of dates, a number."""
    from sportello.tickets.models import Ticket

    some_ticket = {}
    lines = []
    for _ in range(LINES_PER_SCENARIO):
        key, tenant_id = people.pick(people.customers)
        if tenant_id not in some_ticket:
            some_ticket[tenant_id] = Ticket.objects.filter(tenant=tenant_id).values_list("pk", flat=True).first()
        months = people.rng.randint(2, 30)
        query = people.pick(LIST_FILTERS).format(
            **{
                "from": time.strftime("%Y-%m-%d", time.localtime(time.time() - (months + 1) * 30 * 86400)),
                "to": time.strftime("%Y-%m-%d", time.localtime(time.time() - months * 30 * 86400)),
                "number": some_ticket[tenant_id] or 1,
            }
        )
        lines.append(_get(key, f"/tickets/?{query}"))
    return lines


def list_deep(people: Population, sort: str) -> list[dict]:
    """A page 80% down a customer's list in one sort, over the companies with 100 pages or
    more, with the cursor its "Next" link would carry there."""
    from django.conf import settings

    from sportello.lib import keyset
    from sportello.tickets import listing
    from sportello.tickets.models import Ticket

    big = [(key, tenant) for key, tenant in people.customers if people.sizes[tenant] >= 100 * settings.TICKETS_PER_PAGE]
    columns, _descending = listing.SORTS[sort]
    ordering = [f"-{column}" for column in columns]
    cursors = {}
    lines = []
    for _ in range(LINES_PER_SCENARIO):
        key, tenant_id = people.pick(big)
        if tenant_id not in cursors:
            offset = int(people.sizes[tenant_id] * DEPTH)
            row = Ticket.objects.filter(tenant=tenant_id).order_by(*ordering).only(*columns)[offset]
            cursors[tenant_id] = keyset.make_cursor("after", row, columns, listing.CURSOR_SALT)
        lines.append(_get(key, f"/tickets/?{urllib.parse.urlencode({'sort': sort, 'cursor': cursors[tenant_id]})}"))
    print(f"  {sort} deep pages over {len({t for _k, t in big}):,} companies with 100+ pages")
    return lines


def detail_200(people: Population) -> list[dict]:
    """The chat of a ticket with 200 messages, read by a member of its company."""
    from sportello.accounts.models import User

    tickets = people.long_tickets
    reader_ids = [people.pick(people.members[tenant_id]) for _number, tenant_id in tickets]
    users = User.objects.in_bulk(set(reader_ids))
    keys = create_sessions([(users[user_id], t) for user_id, (_n, t) in zip(reader_ids, tickets, strict=True)])
    readers = list(zip(keys, tickets, strict=True))
    print(f"  {len(tickets):,} tickets with 200 messages")
    return [_get(key, f"/tickets/{number}/") for key, (number, _t) in (people.pick(readers) for _ in range(500))]


def desk_detail_200(people: Population) -> list[dict]:
    """An operator's page of a ticket with 200 messages (the chat, the notes, the "Assegna a" list)."""
    tickets = people.long_tickets
    return [_get(people.pick(people.operators), f"/desk/tickets/{people.pick(tickets)[0]}/") for _ in range(500)]


def create_1mb(people: Population) -> list[dict]:
    """A new ticket with a 1 MB PDF, each session posting with its form's CSRF token."""
    lines = []
    for index in range(LINES_PER_SCENARIO):
        key, _tenant_id, csrf = people.writers[index % len(people.writers)]
        fields = {
            "email": f"bench{index}@example.com",
            "phone": "",
            "contact_preference": "web",
            "request_type": "assistance",
            "area": people.pick(["administrative", "management", "systems"]),
            "priority": "2",
            "title": "Errore nella stampa del registro IVA",
            "description": "Buongiorno,\nla stampa si interrompe a metà con un errore generico.\nGrazie.",
        }
        lines.append(_post(key, "/tickets/new/", csrf, fields, file=True))
    return lines


def reply(people: Population) -> list[dict]:
    """A customer's reply to an open ticket of their company (not one of the 200-message chats)."""
    from sportello.tickets.models import Status, Ticket

    open_tickets = {}
    for number, tenant_id in (
        Ticket.objects.filter(tenant__in={t for _k, t, _c in people.writers})
        .exclude(status=Status.CLOSED)
        .exclude(pk__in=[number for number, _t in people.long_tickets])
        .order_by("pk")
        .values_list("pk", "tenant_id")
    ):
        open_tickets.setdefault(tenant_id, []).append(number)
    repliers = [(key, tenant_id, csrf) for key, tenant_id, csrf in people.writers if open_tickets.get(tenant_id)]
    lines = []
    for index in range(LINES_PER_SCENARIO):
        key, tenant_id, csrf = repliers[index % len(repliers)]
        path = f"/tickets/{people.pick(open_tickets[tenant_id])}/reply/"
        lines.append(_post(key, path, csrf, {"body": "Ho provato come indicato ma il problema si ripresenta."}))
    return lines


QUEUE_SORTS = ["/desk/", "/desk/?sort=last_reply", "/desk/?sort=priority", "/desk/?sort=waiting"]
QUEUE_FILTERS = [
    "/desk/?state=unassigned",
    "/desk/?state=waiting",
    "/desk/?state=postponed",
    "/desk/?state=in_development",
    "/desk/?state=closed",
    "/desk/?state=any",
    "/desk/?mine=on",
    "/desk/?unassigned=on",
    "/desk/?area=systems",
    "/desk/?priority=4",
    "/desk/?request_type=appointment&sort=waiting",
]


def queue_paths(people: Population, paths: list[str]) -> list[dict]:
    """The operators' queue at one of `paths`, each time by another operator."""
    return [_get(people.pick(people.operators), people.pick(paths)) for _ in range(LINES_PER_SCENARIO)]


def queue_deep(people: Population) -> list[dict]:
    """A page of the queue 80% down the open tickets, in the same four sorts as page 1, so
    that the two scenarios compare alike."""
    from sportello.lib import keyset
    from sportello.tickets import listing
    from sportello.tickets.models import Status, Ticket

    paths = []
    for sort in ("created", "last_reply", "priority", "waiting"):
        columns, descending = listing.SORTS[sort]
        rows = Ticket.objects.exclude(status=Status.CLOSED)
        if sort == "waiting":
            rows = rows.filter(awaiting_vendor_since__isnull=False)
        rows = rows.order_by(*(f"-{column}" if descending else column for column in columns))
        row = rows[int(rows.count() * DEPTH)]
        query = {"cursor": keyset.make_cursor("after", row, columns, listing.CURSOR_SALT)}
        if sort != "created":
            query = {"sort": sort, **query}
        paths.append(f"/desk/?{urllib.parse.urlencode(query)}")
    return queue_paths(people, paths)


def login(people: Population) -> list[dict]:
    """The sign-in up to the code step, each time another account, with the CSRF token of an
    anonymous visit of the login page."""
    from sportello.accounts.models import User
    from sportello.demo.management.commands.seed_bench import BENCH_PASSWORD

    ids = list(User.objects.filter(is_operator=False, is_active=True).order_by("pk").values_list("pk", flat=True))
    chosen = people.rng.sample(ids, min(LOGIN_ACCOUNTS, len(ids)))
    emails = dict(User.objects.filter(pk__in=chosen).values_list("pk", "email"))
    lines = []
    for user_id in chosen:
        cookie, token = people.browser.csrf("/account/login/")
        fields = {"csrfmiddlewaretoken": token, "email": emails[user_id], "password": BENCH_PASSWORD}
        lines.append({"method": "POST", "path": "/account/login/", "csrf": cookie, "fields": fields})
    return lines


def api_list_page_one(people: Population) -> list[dict]:
    """The REST API's page 1 of a company's tickets (GET /api/v1/tickets), each time with
    another customer's token."""
    return [
        {"method": "GET", "path": "/api/v1/tickets", "token": people.pick(people.api_tokens)[0]}
        for _ in range(LINES_PER_SCENARIO)
    ]


def api_create_1mb(people: Population) -> list[dict]:
    """A new ticket through the REST API (multipart) with the ERP's context and a 1 MB file."""
    lines = []
    for index in range(LINES_PER_SCENARIO):
        fields = {
            "request_type": "assistance",
            "area": people.pick(["administrative", "management", "systems"]),
            "title": "Errore 1045 in Contabilità",
            "description": "Aperto dal gestionale: la stampa del registro IVA si interrompe.",
            "erp_program": "Contabilità",
            "erp_version": "24.3.1",
            "erp_error": "Errore 1045: divisione per zero",
        }
        token = people.api_tokens[index % len(people.api_tokens)][0]
        lines.append({"method": "POST", "path": "/api/v1/tickets", "token": token, "fields": fields, "file": True})
    return lines


# Search (issue 19): what people type, from a word found in a few tickets to words in a
# third of them, an accent left out, a plural, a number with its "#".
SEARCH_TERMS = [
    "fattura", "fatture elettroniche", "registro IVA", "scarto SDI", "magazzino giacenze", "stampante",
    "antivirus", "DDT", "backup fallito", "ritenute", "perche non quadra", "inventario", "RiBa",
    "contabilita analitica", "agenti provvigioni", "etichette spedizione", "Excel",
]  # fmt: skip
NEW_REQUESTS = [
    ("Fattura scartata", "Lo SDI ha scartato la fattura emessa ieri, codice destinatario errato?"),
    ("Registro IVA", "La stampa del registro IVA vendite si interrompe a metà."),
    ("Stampante", "La stampante di rete non stampa dal gestionale."),
    ("Magazzino", "Le giacenze sono sbagliate dopo l'inventario di fine anno."),
    ("Antivirus", "L'antivirus blocca l'aggiornamento del programma."),
    ("Backup", "Il backup di stanotte è fallito, il disco del server è quasi pieno."),
]


def search_customer(people: Population) -> list[dict]:
    """A customer's list searched for words (page 1, by relevance), or for a ticket number."""
    from sportello.tickets.models import Ticket

    numbers = {}
    lines = []
    for _ in range(LINES_PER_SCENARIO):
        key, tenant_id = people.pick(people.customers)
        term = people.pick([*SEARCH_TERMS, "#"])
        if term == "#":
            if tenant_id not in numbers:
                numbers[tenant_id] = Ticket.objects.filter(tenant=tenant_id).values_list("pk", flat=True).first()
            term = f"#{numbers[tenant_id] or 1}"
        lines.append(_get(key, f"/tickets/?{urllib.parse.urlencode({'q': term})}"))
    return lines


def search_operator(people: Population) -> list[dict]:
    """The desk searched for words across companies (every status, by relevance), one time
    in four within a company named in the filter."""
    from sportello.tenants.models import Tenant

    names = dict(Tenant.objects.filter(pk__in=list(people.sizes)[:2000]).values_list("pk", "name"))
    lines = []
    for _ in range(LINES_PER_SCENARIO):
        query = {"q": people.pick(SEARCH_TERMS), "state": "any"}
        if people.rng.random() < 0.25:
            query["company"] = names[people.pick(list(names))]
        lines.append(_get(people.pick(people.operators), f"/desk/?{urllib.parse.urlencode(query)}"))
    return lines


def suggestions(people: Population) -> list[dict]:
    """ "Già risolto?" as a customer writes a new request: the title and description so far."""
    lines = []
    for _ in range(LINES_PER_SCENARIO):
        key, _tenant_id = people.pick(people.customers)
        title, description = people.pick(NEW_REQUESTS)
        cut = people.rng.randint(len(description) // 3, len(description))
        query = urllib.parse.urlencode({"title": title, "description": description[:cut]})
        lines.append(_get(key, f"/tickets/new/suggestions/?{query}"))
    return lines


# --- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    what: str
    rate: int | None  # requests/s bench/run sends (0: as fast as the server answers; None: bench/cpu only)
    expected: int  # the HTTP status every answer must have
    budget_p95_ms: int | None  # issue 7's budget for the p95 latency under bench/run
    requests: Callable[[Population], list[dict]] | None  # None: the requests of `same_as`
    same_as: str | None = None  # another scenario whose requests it sends, at another rate
    page_one: str | None = None  # a deep page: the page-1 scenario its p95 may exceed by 20% at most


SCENARIOS = [
    Scenario("list_p1_created", "customer list, page 1, by creation (no filter)", 100, 200, 50,
             partial(list_page_one, sort="created")),
    Scenario("list_p1_last_reply", "customer list, page 1, by last reply", 100, 200, 50,
             partial(list_page_one, sort="last_reply")),
    Scenario("list_p1_priority", "customer list, page 1, by priority", 100, 200, 50,
             partial(list_page_one, sort="priority")),
    Scenario("list_p1_filters", "customer list, page 1, with filters (status, priority, type, dates, code)",
             100, 200, 50, list_filters),
    Scenario("list_deep_created", "customer list, deep page (80% down), by creation", 100, 200, 50,
             partial(list_deep, sort="created"), page_one="list_p1_created"),
    Scenario("list_deep_last_reply", "customer list, deep page (80% down), by last reply", 100, 200, 50,
             partial(list_deep, sort="last_reply"), page_one="list_p1_last_reply"),
    Scenario("list_deep_priority", "customer list, deep page (80% down), by priority", 100, 200, 50,
             partial(list_deep, sort="priority"), page_one="list_p1_priority"),
    Scenario("detail_200", "ticket detail with 200 messages", 20, 200, 100, detail_200),
    Scenario("create_1mb", "new ticket with a 1 MB attachment", 10, 302, 150, create_1mb),
    Scenario("reply", "customer reply to an open ticket", 10, 302, None, reply),
    Scenario("queue_p1", "operator queue, page 1, open tickets, each sort", 100, 200, 50,
             partial(queue_paths, paths=QUEUE_SORTS)),
    Scenario("queue_filters", "operator queue, page 1, status/area/mine/unassigned filters", 100, 200, 50,
             partial(queue_paths, paths=QUEUE_FILTERS)),
    Scenario("queue_deep", "operator queue, deep page (80% down the open tickets), each sort", 100, 200, 50,
             queue_deep, page_one="queue_p1"),
    Scenario("login", "sign-in up to the code step (password checked, code e-mailed)", 2, 302, None, login),
    Scenario("desk_detail_200", "operator's page of a ticket with 200 messages", None, 200, None,
             desk_detail_200),
    Scenario("list_p1_50rps", "customer list, page 1, by creation, at half the target rate", 50, 200, None,
             None, same_as="list_p1_created"),
    Scenario("list_deep_50rps", "customer list, deep page, by creation, at half the target rate", 50, 200, None,
             None, same_as="list_deep_created", page_one="list_p1_50rps"),
    Scenario("list_p1_max", "customer list, page 1: the most the server gives (closed loop)", 0, 200, None,
             None, same_as="list_p1_created"),
    # The REST API (issue 17), within the pages' budgets. Last in the table, so that the tokens
    # they draw change none of the other scenarios' picks.
    Scenario("api_list_p1", "API: a company's tickets, page 1 (GET /api/v1/tickets)", 100, 200, 50,
             api_list_page_one),
    Scenario("api_create_1mb", "API: new ticket with the ERP's context and a 1 MB attachment", 10, 201, 150,
             api_create_1mb),
    # Search (issue 19): its budget is 100 ms at 20 requests/s.
    Scenario("search_customer", "customer list searched for words or a #number, page 1", 20, 200, 100,
             search_customer),
    Scenario("search_operator", "desk searched for words across companies (a quarter within one)", 20, 200, 100,
             search_operator),
    Scenario("suggestions", "\"Già risolto?\" suggestions while a new request is written", 20, 200, 100,
             suggestions),
]  # fmt: skip
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


def requests_of(people: Population, scenarios=SCENARIOS) -> dict[str, list[dict]]:
    """Every scenario's requests, in the table's order (which fixes what the seed picks)."""
    spec = {}
    for scenario in scenarios:
        if scenario.same_as is None:
            spec[scenario.name] = scenario.requests(people)
    for scenario in scenarios:
        if scenario.same_as in spec:
            spec[scenario.name] = spec[scenario.same_as]
    return spec
