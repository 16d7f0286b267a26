"""The benchmark's Python side, run by `bench/run` with the bench server's settings.

    driver.py ensure-db                      create the bench database if it does not exist
    driver.py is-seeded                      exit 0 when the bench database holds tickets
    driver.py checkpoint                     have PostgreSQL write the freshly seeded pages now
    driver.py prepare --base-url URL --out DIR   sessions, CSRF tokens and one request file per scenario
    driver.py queries --spec DIR/spec.json   queries per request: each scenario's first request
                                            replayed through Django's test client
    driver.py report --spec ... --results DIR --out FILE   the table, and the JSON

The scenarios and the requests each one sends are in `bench/scenarios.py`. Sessions are
created in bulk (as `SessionStore` would write them) for many users of many companies, and for
operators: the load tool then sends their cookies. The forms' CSRF tokens are read from the
pages the running server answers, as a browser would.
"""

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")

from bench.scenarios import BY_NAME, SCENARIOS, Population, csrf_of, requests_of  # noqa: E402 - after sys.path

ATTACHMENT_BYTES = 1024 * 1024


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
        return csrf_of(page, {name: morsel.value for name, morsel in cookies.items()}, path)


def write_attachment(out: Path) -> Path:
    """The 1 MB PDF the new-ticket scenario sends."""
    attachment = out / "attachment.pdf"
    filler = random.Random(1).randbytes(ATTACHMENT_BYTES - 9)  # noqa: S311 - file content, nothing secret
    attachment.write_bytes(b"%PDF-1.4\n" + filler)
    return attachment


def prepare(args):
    """Writes spec.json (every request of every scenario) and one TSV per scenario for wrk."""
    django_setup()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    spec = requests_of(Population(Browser(args.base_url)))
    attachment = write_attachment(out)
    for name, lines in spec.items():
        with open(out / f"{name}.tsv", "w") as handle:
            for line in lines:
                cookies = []
                if line.get("session"):
                    cookies.append(f"sessionid={line['session']}")
                if line.get("csrf"):
                    cookies.append(f"csrftoken={line['csrf']}")
                body = urllib.parse.urlencode(line.get("fields", {}))
                kind = "multipart" if line.get("file") else "form" if line["method"] == "POST" else "none"
                authorization = f"Bearer {line['token']}" if line.get("token") else ""
                columns = [line["method"], line["path"], "; ".join(cookies), kind, body, authorization]
                handle.write("\t".join(columns) + "\n")
    scenarios = {name: {"lines": lines} for name, lines in spec.items()}
    (out / "spec.json").write_text(json.dumps({"attachment": str(attachment), "scenarios": scenarios}))
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
            if line.get("token"):
                client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {line['token']}"
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


def machine() -> dict:
    """The machine, its software and the database's size, as a run's JSON records them."""
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
    for scenario in SCENARIOS:
        name = scenario.name
        result_file = results_dir / f"{name}.json"
        if not result_file.exists():
            continue
        measured = json.loads(result_file.read_text())
        seconds = measured["duration_us"] / 1e6
        latency = measured["latency_us"]
        row = {
            "scenario": name,
            "what": scenario.what,
            "target_rps": measured["target_rps"],
            "rps": round(measured["requests"] / seconds, 1) if seconds else 0,
            "requests": measured["requests"],
            "p50_ms": round(latency["p50"] / 1000, 1),
            "p95_ms": round(latency["p95"] / 1000, 1),
            "p99_ms": round(latency["p99"] / 1000, 1),
            "max_ms": round(latency["max"] / 1000, 1),
            "queries": query_counts.get(name, {}).get("queries"),
            "expected_status": scenario.expected,
            "unexpected": measured["unexpected"] + measured["errors"],
            "late": measured["late"],
            "budget_p95_ms": scenario.budget_p95_ms,
        }
        rows.append(row)
    by_name = {row["scenario"]: row for row in rows}
    for row in rows:
        verdicts = []
        if row["budget_p95_ms"] is not None:
            verdicts.append(row["p95_ms"] <= row["budget_p95_ms"])
            if row["target_rps"] and row["rps"] < row["target_rps"] * 0.95:
                verdicts.append(False)
        page_one = by_name.get(BY_NAME[row["scenario"]].page_one or "")
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
        "machine": machine(),
        "scenarios": rows,
        "table": table,
    }
    Path(args.out).write_text(json.dumps(document, indent=2))
    print(f"\nJSON: {args.out}")


def list_scenarios(_args):
    """The scenarios bench/run drives, one a line: name, rate, expected status (tab-separated)."""
    for scenario in SCENARIOS:
        if scenario.rate is not None:
            print(f"{scenario.name}\t{scenario.rate}\t{scenario.expected}")


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
    command.set_defaults(func=list_scenarios)
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
