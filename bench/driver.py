"""The benchmark's Python side, run by `bench/run` with the bench server's settings.

    driver.py ensure-db                      create the bench database if it does not exist
    driver.py is-seeded                      exit 0 when the bench database holds tickets
    driver.py checkpoint                     have PostgreSQL write the freshly seeded pages now
    driver.py prepare --base-url URL --out DIR   sessions, CSRF tokens and one request file per scenario
    driver.py queries --spec DIR/spec.json   queries per request: each scenario's first request
                                            replayed through Django's test client
    driver.py report --spec ... --results DIR --out FILE   the table, and the JSON

Sessions are created in bulk (as `SessionStore` would write them) for many users of many
companies, and for operators: the load tool then sends their cookies. The forms' CSRF
tokens are read from the pages the running server answers, as a browser would.
"""

import argparse
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")

ATTACHMENT_BYTES = 1024 * 1024
CUSTOMER_SESSIONS = 1200
OPERATOR_SESSIONS = 100
LOGIN_ACCOUNTS = 400
LINES_PER_SCENARIO = 1500

# name, what it measures, default rate (requests/s; 0 = as fast as the server goes), expected status.
SCENARIOS = [
    ("list_p1_created", "customer list, page 1, by creation (no filter)", 100, 200),
    ("list_p1_last_reply", "customer list, page 1, by last reply", 100, 200),
    ("list_p1_priority", "customer list, page 1, by priority", 100, 200),
    ("list_p1_filters", "customer list, page 1, with filters (status, priority, type, dates, code)", 100, 200),
    ("list_deep_created", "customer list, deep page (80% down), by creation", 100, 200),
    ("list_deep_last_reply", "customer list, deep page (80% down), by last reply", 100, 200),
    ("list_deep_priority", "customer list, deep page (80% down), by priority", 100, 200),
    ("detail_200", "ticket detail with 200 messages", 20, 200),
    ("create_1mb", "new ticket with a 1 MB attachment", 10, 302),
    ("reply", "customer reply to an open ticket", 10, 302),
    ("queue_p1", "operator queue, page 1, open tickets, each sort", 100, 200),
    ("queue_filters", "operator queue, page 1, status/area/mine/unassigned filters", 100, 200),
    ("queue_deep", "operator queue, deep page (80% down the open tickets), each sort", 100, 200),
    ("login", "sign-in up to the code step (password checked, code e-mailed)", 2, 302),
    ("list_p1_50rps", "customer list, page 1, by creation, at half the target rate", 50, 200),
    ("list_deep_50rps", "customer list, deep page, by creation, at half the target rate", 50, 200),
    ("list_p1_max", "customer list, page 1: the most the server gives (closed loop)", 0, 200),
]

# The figures the issue sets: scenario -> (p95 limit in ms, or None).
BUDGET_P95_MS = {
    "list_p1_created": 50,
    "list_p1_last_reply": 50,
    "list_p1_priority": 50,
    "list_p1_filters": 50,
    "list_deep_created": 50,
    "list_deep_last_reply": 50,
    "list_deep_priority": 50,
    "detail_200": 100,
    "create_1mb": 150,
    "queue_p1": 50,
    "queue_filters": 50,
    "queue_deep": 50,
}
DEEP_OF = {
    "list_deep_created": "list_p1_created",
    "list_deep_last_reply": "list_p1_last_reply",
    "list_deep_priority": "list_p1_priority",
    "queue_deep": "queue_p1",
    "list_deep_50rps": "list_p1_50rps",
}


def django_setup():
    import django

    django.setup()


# --- ensure-db ----------------------------------------------------------------------------


def ensure_db(_args):
    """Creates the database named in DATABASE_URL when it does not exist yet."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
            print(f"created database {config['NAME']}")


def checkpoint(_args):
    """Has PostgreSQL write every changed page now (needs a superuser or pg_checkpoint)."""
    django_setup()
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError as error:
        print(f"  no CHECKPOINT ({error}); the checkpointer will write the seed in its own time")


def is_seeded(_args):
    django_setup()
    from sportello.tickets.models import Ticket

    sys.exit(0 if Ticket.objects.exists() else 1)


# --- prepare ------------------------------------------------------------------------------


def _session_for(user, tenant_id=None) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from sportello.tenants.middleware import SESSION_KEY as TENANT_KEY

    data = {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
    }
    if tenant_id is not None:
        data[TENANT_KEY] = tenant_id
    store = SessionStore()
    return store._get_new_session_key(), store.encode(data)


def _create_sessions(pairs) -> list[str]:
    """One signed-in session per (user, tenant id), written in one go."""
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


class Browser:
    """Just enough of a browser to read a form's CSRF token from the running server."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def csrf(self, path: str, session_key: str | None = None) -> tuple[str, str]:
        """(csrftoken cookie, csrfmiddlewaretoken of the page's form)."""
        request = urllib.request.Request(self.base_url + path)  # noqa: S310 - our own http://127.0.0.1 server
        if session_key:
            request.add_header("Cookie", f"sessionid={session_key}")
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own http://127.0.0.1 server
            page = response.read().decode()
            cookies = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookies.load(header)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if "csrftoken" not in cookies or not match:
            raise SystemExit(f"no CSRF token on {path}: is the session signed in?")
        return cookies["csrftoken"].value, match.group(1)


def prepare(args):
    """Writes spec.json (every request of every scenario) and one TSV per scenario for wrk."""
    django_setup()
    from django.conf import settings
    from django.db.models import Count

    from sportello.accounts.models import User
    from sportello.lib import keyset
    from sportello.tenants.models import Membership
    from sportello.tickets import listing
    from sportello.tickets.models import Message, Status, Ticket

    rng = random.Random(7)  # noqa: S311 - picks sessions and pages, nothing secret
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    browser = Browser(args.base_url)
    started = time.monotonic()

    # Companies as busy as their ticket volume: a customer session lands on a company with
    # the probability its share of the tickets gives, and on one of its members.
    sizes = dict(Ticket.objects.values_list("tenant").annotate(n=Count("id")).order_by())
    tenants = list(sizes)
    weights = [sizes[t] for t in tenants]
    members = {}
    for tenant_id, user_id in Membership.objects.values_list("tenant_id", "user_id"):
        members.setdefault(tenant_id, []).append(user_id)
    chosen = rng.choices(tenants, weights, k=CUSTOMER_SESSIONS)
    picked = [(rng.choice(members[tenant_id]), tenant_id) for tenant_id in chosen]
    users = User.objects.in_bulk({user_id for user_id, _t in picked})
    pairs = [(users[user_id], tenant_id) for user_id, tenant_id in picked]
    customer_keys = _create_sessions(pairs)
    customers = [(key, tenant_id) for key, (_user, tenant_id) in zip(customer_keys, pairs, strict=True)]
    print(f"  {len(customers):,} customer sessions over {len(set(chosen)):,} companies")

    operators = list(User.objects.filter(is_operator=True).order_by("?")[:OPERATOR_SESSIONS])
    operator_keys = _create_sessions([(operator, None) for operator in operators])
    print(f"  {len(operator_keys):,} operator sessions")

    def pick(seq):
        return seq[rng.randrange(len(seq))]

    spec = {}

    def add(name, lines, **extra):
        spec[name] = {"lines": lines, **extra}

    def get(key, path):
        return {"method": "GET", "path": path, "session": key}

    # Page 1 of the list, each sort; then with filters.
    add("list_p1_created", [get(k, "/tickets/") for k, _t in (pick(customers) for _ in range(LINES_PER_SCENARIO))])
    for sort in ("last_reply", "priority"):
        add(
            f"list_p1_{sort}",
            [get(k, f"/tickets/?sort={sort}") for k, _t in (pick(customers) for _ in range(LINES_PER_SCENARIO))],
        )
    filter_sets = [
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
    some_ticket = {t: Ticket.objects.filter(tenant=t).values_list("pk", flat=True).first() for t in set(chosen)}
    lines = []
    for _ in range(LINES_PER_SCENARIO):
        key, tenant_id = pick(customers)
        months = rng.randint(2, 30)
        query = pick(filter_sets).format(
            **{
                "from": time.strftime("%Y-%m-%d", time.localtime(time.time() - (months + 1) * 30 * 86400)),
                "to": time.strftime("%Y-%m-%d", time.localtime(time.time() - months * 30 * 86400)),
                "number": some_ticket.get(tenant_id) or 1,
            }
        )
        lines.append(get(key, f"/tickets/?{query}"))
    add("list_p1_filters", lines)

    # Deep pages: companies with at least a hundred pages, 80% of the way down, with the
    # cursor the "Next" link would carry there.
    big = [
        (key, tenant_id) for key, tenant_id in customers if sizes.get(tenant_id, 0) >= 100 * settings.TICKETS_PER_PAGE
    ]
    for sort in ("created", "last_reply", "priority"):
        columns, _descending = listing.SORTS[sort]
        ordering = [f"-{column}" for column in columns]
        cursors = {}
        lines = []
        for _ in range(LINES_PER_SCENARIO):
            key, tenant_id = pick(big)
            if tenant_id not in cursors:
                offset = int(sizes[tenant_id] * 0.8)
                row = Ticket.objects.filter(tenant=tenant_id).order_by(*ordering).only(*columns)[offset]
                cursors[tenant_id] = keyset.make_cursor("after", row, columns, listing.CURSOR_SALT)
            query = urllib.parse.urlencode({"sort": sort, "cursor": cursors[tenant_id]})
            lines.append(get(key, f"/tickets/?{query}"))
        add(f"list_deep_{sort}", lines)
    print(f"  deep pages over {len({t for _k, t in big}):,} companies with 100+ pages")

    # The detail of tickets with 200 messages, by members of their company.
    long_ids = list(
        Message.objects.filter(is_internal=False)
        .values("ticket")
        .annotate(n=Count("id"))
        .filter(n=200)
        .values_list("ticket", flat=True)[:300]
    )
    long_tickets = list(Ticket.objects.filter(pk__in=long_ids).values_list("pk", "tenant_id"))
    detail_pairs = [(User.objects.get(pk=rng.choice(members[tenant_id])), tenant_id) for _pk, tenant_id in long_tickets]
    readers = list(zip(_create_sessions(detail_pairs), long_tickets, strict=True))
    add("detail_200", [get(key, f"/tickets/{number}/") for key, (number, _t) in (pick(readers) for _ in range(500))])
    print(f"  {len(long_tickets):,} tickets with 200 messages")

    # Writes: a new ticket with a 1 MB file, a reply to an open ticket. Each session posts
    # with the CSRF token its form page gave it.
    writers = [pick(customers) for _ in range(150)]
    tokens = {}
    for key, _tenant_id in writers:
        if key not in tokens:
            tokens[key] = browser.csrf("/tickets/new/", key)
    lines = []
    for index in range(LINES_PER_SCENARIO):
        key, _tenant_id = writers[index % len(writers)]
        cookie, token = tokens[key]
        fields = {
            "csrfmiddlewaretoken": token,
            "email": f"bench{index}@example.com",
            "phone": "",
            "contact_preference": "web",
            "request_type": "assistance",
            "area": pick(["administrative", "management", "systems"]),
            "priority": "2",
            "title": "Errore nella stampa del registro IVA",
            "description": "Buongiorno,\nla stampa si interrompe a metà con un errore generico.\nGrazie.",
        }
        lines.append(
            {"method": "POST", "path": "/tickets/new/", "session": key, "csrf": cookie, "fields": fields, "file": True}
        )
    add("create_1mb", lines)

    open_tickets = {}
    for number, tenant_id in (
        Ticket.objects.filter(tenant__in={t for _k, t in writers})
        .exclude(status=Status.CLOSED)
        .exclude(pk__in=long_ids)
        .values_list("pk", "tenant_id")
    ):
        open_tickets.setdefault(tenant_id, []).append(number)
    repliers = [(key, tenant_id) for key, tenant_id in writers if open_tickets.get(tenant_id)]
    lines = []
    for index in range(LINES_PER_SCENARIO):
        key, tenant_id = repliers[index % len(repliers)]
        cookie, token = tokens[key]
        number = pick(open_tickets[tenant_id])
        fields = {"csrfmiddlewaretoken": token, "body": "Ho provato come indicato ma il problema si ripresenta."}
        lines.append({"method": "POST", "path": f"/tickets/{number}/reply/", "session": key, "csrf": cookie,
                      "fields": fields})  # fmt: skip
    add("reply", lines)
    print(f"  {len(tokens):,} writing sessions with CSRF tokens")

    # The operators' queue: page 1 in each sort, filters, a deep page of the open tickets.
    add(
        "queue_p1",
        [
            get(
                pick(operator_keys),
                pick(["/desk/", "/desk/?sort=last_reply", "/desk/?sort=priority", "/desk/?sort=waiting"]),
            )
            for _ in range(LINES_PER_SCENARIO)
        ],
    )
    queue_filters = [
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
    add("queue_filters", [get(pick(operator_keys), pick(queue_filters)) for _ in range(LINES_PER_SCENARIO)])
    # Deep pages in the same four sorts as page 1, so that the two scenarios compare alike.
    deep_pages = []
    for sort in ("created", "last_reply", "priority", "waiting"):
        columns, descending = listing.SORTS[sort]
        rows = Ticket.objects.exclude(status=Status.CLOSED)
        if sort == "waiting":
            rows = rows.filter(awaiting_vendor_since__isnull=False)
        rows = rows.order_by(*(f"-{column}" if descending else column for column in columns))
        row = rows[int(rows.count() * 0.8)]
        query = {"cursor": keyset.make_cursor("after", row, columns, listing.CURSOR_SALT)}
        if sort != "created":
            query = {"sort": sort, **query}
        deep_pages.append(f"/desk/?{urllib.parse.urlencode(query)}")
    add("queue_deep", [get(pick(operator_keys), pick(deep_pages)) for _ in range(LINES_PER_SCENARIO)])

    # Sign-in up to the code step, each time another account; the login form's CSRF token
    # comes with an anonymous visit of the page.
    from sportello.tickets.management.commands.seed_bench import BENCH_PASSWORD

    accounts = list(
        User.objects.filter(is_operator=False, is_active=True)
        .order_by("?")
        .values_list("email", flat=True)[:LOGIN_ACCOUNTS]
    )
    lines = []
    for email in accounts:
        cookie, token = browser.csrf("/account/login/")
        fields = {"csrfmiddlewaretoken": token, "email": email, "password": BENCH_PASSWORD}
        lines.append({"method": "POST", "path": "/account/login/", "csrf": cookie, "fields": fields})
    add("login", lines)
    spec["list_p1_50rps"] = spec["list_p1_max"] = spec["list_p1_created"]
    spec["list_deep_50rps"] = spec["list_deep_created"]

    attachment = out / "attachment.pdf"
    filler = random.Random(1).randbytes(ATTACHMENT_BYTES - 9)  # noqa: S311 - file content, nothing secret
    attachment.write_bytes(b"%PDF-1.4\n" + filler)
    for name, scenario in spec.items():
        with open(out / f"{name}.tsv", "w") as handle:
            for line in scenario["lines"]:
                cookies = []
                if line.get("session"):
                    cookies.append(f"sessionid={line['session']}")
                if line.get("csrf"):
                    cookies.append(f"csrftoken={line['csrf']}")
                body = urllib.parse.urlencode(line.get("fields", {}))
                kind = "multipart" if line.get("file") else "form" if line["method"] == "POST" else "none"
                handle.write("\t".join([line["method"], line["path"], "; ".join(cookies), kind, body]) + "\n")
    (out / "spec.json").write_text(json.dumps({"attachment": str(attachment), "scenarios": spec}))
    print(f"  request files in {out} ({time.monotonic() - started:.0f} s)")


# --- queries per request --------------------------------------------------------------------


def queries(args):
    """Replays each scenario's first request through Django's test client against the bench
    database, twice (the second with warm caches, as under load), and counts the queries
    of the second."""
    django_setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    spec = json.loads(Path(args.spec).read_text())
    attachment = Path(spec["attachment"]).read_bytes()
    counts = {}
    for name, scenario in spec["scenarios"].items():
        results = []
        for line in scenario["lines"][:2]:
            client = Client(HTTP_HOST="127.0.0.1")
            if line.get("session"):
                client.cookies["sessionid"] = line["session"]
            data = dict(line.get("fields", {}))
            if line.get("file"):
                data["attachments"] = SimpleUploadedFile("documento.pdf", attachment, "application/pdf")
            send = client.get if line["method"] == "GET" else client.post
            with CaptureQueriesContext(connection) as captured:
                response = send(line["path"], data) if data else send(line["path"])
            results.append((len(captured), response.status_code))
        counts[name] = {"queries": results[-1][0], "status": results[-1][1]}
        print(f"  {name}: {results[-1][0]} queries (HTTP {results[-1][1]})")
    Path(args.out).write_text(json.dumps(counts, indent=2))


# --- report ---------------------------------------------------------------------------------


def _machine() -> dict:
    django_setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        tickets = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'tickets_message'")
        messages = cursor.fetchone()[0]
    memory = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        None,
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_mib": memory,
        "postgresql": pg,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "tickets": tickets,
        "messages_estimate": messages,
        "git_commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, as a developer runs it
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.strip(),
    }


def report(args):
    results_dir = Path(args.results)
    query_counts = json.loads(Path(args.queries).read_text()) if Path(args.queries).exists() else {}
    rows = []
    for name, description, _rate, expected in SCENARIOS:
        result_file = results_dir / f"{name}.json"
        if not result_file.exists():
            continue
        measured = json.loads(result_file.read_text())
        seconds = measured["duration_us"] / 1e6
        latency = measured["latency_us"]
        row = {
            "scenario": name,
            "what": description,
            "target_rps": measured["target_rps"],
            "rps": round(measured["requests"] / seconds, 1) if seconds else 0,
            "requests": measured["requests"],
            "p50_ms": round(latency["p50"] / 1000, 1),
            "p95_ms": round(latency["p95"] / 1000, 1),
            "p99_ms": round(latency["p99"] / 1000, 1),
            "max_ms": round(latency["max"] / 1000, 1),
            "queries": query_counts.get(name, {}).get("queries"),
            "expected_status": expected,
            "unexpected": measured["unexpected"] + measured["errors"],
            "late": measured["late"],
            "budget_p95_ms": BUDGET_P95_MS.get(name),
        }
        rows.append(row)
    by_name = {row["scenario"]: row for row in rows}
    for row in rows:
        verdicts = []
        if row["budget_p95_ms"] is not None:
            verdicts.append(row["p95_ms"] <= row["budget_p95_ms"])
            if row["target_rps"] and row["rps"] < row["target_rps"] * 0.95:
                verdicts.append(False)
        page_one = by_name.get(DEEP_OF.get(row["scenario"], ""))
        if page_one:
            row["vs_page_1"] = round(row["p95_ms"] / page_one["p95_ms"], 2) if page_one["p95_ms"] else None
            verdicts.append(row["vs_page_1"] is not None and row["vs_page_1"] <= 1.2)
        if row["unexpected"]:
            verdicts.append(False)
        row["budget"] = "-" if not verdicts else "met" if all(verdicts) else "MISSED"

    header = (
        f"{'scenario':<22}{'rate':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'queries':>9}{'bad':>6}  budget"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        rate = str(row["target_rps"]) if row["target_rps"] else "max"
        budget = row["budget"]
        if row["budget_p95_ms"] is not None:
            budget += f" (p95 <= {row['budget_p95_ms']} ms"
            budget += f", {row['vs_page_1']}x page 1)" if "vs_page_1" in row else ")"
        elif "vs_page_1" in row:
            budget += f" ({row['vs_page_1']}x page 1)"
        queries_text = "?" if row["queries"] is None else str(row["queries"])
        lines.append(
            f"{row['scenario']:<22}{rate:>7}{row['rps']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
            f"{row['max_ms']:>9}{queries_text:>9}{row['unexpected']:>6}  {budget}"
        )
    table = "\n".join(lines)
    print(table)
    document = {
        "started_at": args.started,
        "settings": json.loads(args.settings),
        "machine": _machine(),
        "scenarios": rows,
        "table": table,
    }
    Path(args.out).write_text(json.dumps(document, indent=2))
    print(f"\nJSON: {args.out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("ensure-db").set_defaults(func=ensure_db)
    commands.add_parser("is-seeded").set_defaults(func=is_seeded)
    commands.add_parser("checkpoint").set_defaults(func=checkpoint)
    command = commands.add_parser("prepare")
    command.add_argument("--base-url", required=True)
    command.add_argument("--out", required=True)
    command.set_defaults(func=prepare)
    command = commands.add_parser("queries")
    command.add_argument("--spec", required=True)
    command.add_argument("--out", required=True)
    command.set_defaults(func=queries)
    command = commands.add_parser("scenarios")
    command.set_defaults(func=lambda _a: print("\n".join(f"{n}\t{r}\t{e}" for n, _d, r, e in SCENARIOS)))
    command = commands.add_parser("report")
    command.add_argument("--results", required=True)
    command.add_argument("--queries", required=True)
    command.add_argument("--out", required=True)
    command.add_argument("--started", required=True)
    command.add_argument("--settings", default="{}")
    command.set_defaults(func=report)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
