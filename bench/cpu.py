"""bench/cpu's Python side: what one request of each scenario costs the portal's own process,
in CPU time and in instructions, each request sent through Django's WSGI handler in this
process (the `application` gunicorn serves, with the settings `bench/cpu` exports).

    cpu.py prepare --out DIR                the sessions and requests of bench/scenarios.py,
                                            CSRF tokens read from pages answered in-process
    cpu.py measure --spec DIR/spec.json --out FILE [--requests N --warmup N --only A,B]
                                            CPU time per request (process_time), wall time,
                                            the database backend's CPU, queries per request
    cpu.py instructions --spec ... --marks LIB --out FILE [--requests N --warmup N --only A,B]
                                            run under callgrind: instructions per request
    cpu.py report --cpu FILE --instructions FILE --callgrind DIR --out FILE
                                            the table, and the JSON
    cpu.py compare FILE FILE...             runs side by side, with the spread of each figure

Only the scenarios with requests of their own are measured: those that send another's
requests at another rate (`same_as`) cost what that one costs.
"""

import argparse
import ctypes
import io
import json
import math
import os
import statistics
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")

from bench.driver import machine, write_attachment  # noqa: E402 - after sys.path
from bench.scenarios import SCENARIOS, Population, csrf_of, requests_of  # noqa: E402 - after sys.path

# The same multipart body as bench/scenario.lua's.
BOUNDARY = "----SportelloBench7MA4YWxkTrZu0gW"
# Requests of a scenario in a row before the next scenario's: the scenarios take turns, so
# that all see the same moments of a busy machine.
ROUND = 10
# Warm-up requests of each scenario whose queries are counted (through Django's debug cursor,
# which costs time of its own: never during a measured request).
COUNTED = 5


def measured_scenarios(only: str) -> list[str]:
    names = [scenario.name for scenario in SCENARIOS if scenario.same_as is None]
    if not only:
        return names
    wanted = only.split(",")
    unknown = set(wanted) - set(names)
    if unknown:
        raise SystemExit(f"no such scenario (or one that sends another's requests): {', '.join(sorted(unknown))}")
    return [name for name in names if name in wanted]


# --- requests through the WSGI handler ------------------------------------------------------


def environ_for(line: dict, attachment: bytes = b"") -> dict:
    """The WSGI environ gunicorn would build for a request line of bench/scenarios.py."""
    from django.conf import settings

    path, _, query = line["path"].partition("?")
    cookies = []
    if line.get("session"):
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={line['session']}")
    if line.get("csrf"):
        cookies.append(f"{settings.CSRF_COOKIE_NAME}={line['csrf']}")
    body, content_type = b"", ""
    if line.get("file"):
        parts = [
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in line["fields"].items()
        ]
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachments"; filename="documento.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + attachment
            + f"\r\n--{BOUNDARY}--\r\n".encode()
        )
        body, content_type = b"".join(parts), f"multipart/form-data; boundary={BOUNDARY}"
    elif line["method"] == "POST":
        body, content_type = urllib.parse.urlencode(line["fields"]).encode(), "application/x-www-form-urlencoded"
    site = urllib.parse.urlsplit(settings.SITE_URL)
    authorization = {"HTTP_AUTHORIZATION": f"Bearer {line['token']}"} if line.get("token") else {}
    return {
        **authorization,
        "REQUEST_METHOD": line["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": urllib.parse.unquote(path, "latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": site.hostname,
        "SERVER_PORT": str(site.port or 80),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": site.netloc,
        "HTTP_USER_AGENT": "bench/cpu",
        "HTTP_ACCEPT": "text/html,*/*",
        "HTTP_COOKIE": "; ".join(cookies),
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": site.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def send(handler, environ: dict) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of the handler's answer, read to the end and closed as a server does."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split(" ", 1)[0]), headers
        return lambda _data: None

    result = handler(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return answer["status"], answer["headers"], body


class InProcessBrowser:
    """Reads a form's CSRF token from the page the handler answers (bench/run asks its server)."""

    def __init__(self, handler):
        self.handler = handler

    def csrf(self, path: str, session_key: str | None = None) -> tuple[str, str]:
        """(csrftoken cookie, csrfmiddlewaretoken of the page's form)."""
        _status, headers, body = send(
            self.handler, environ_for({"method": "GET", "path": path, "session": session_key})
        )
        cookies = SimpleCookie()
        for name, value in headers:
            if name.lower() == "set-cookie":
                cookies.load(value)
        return csrf_of(body.decode(), {name: morsel.value for name, morsel in cookies.items()}, path)


def application():
    from sportello.wsgi import application

    return application


class Spec:
    """A prepared run: each scenario's request lines, the expected status, the attachment."""

    def __init__(self, path: str):
        spec = json.loads(Path(path).read_text())
        self.lines = {name: scenario["lines"] for name, scenario in spec["scenarios"].items()}
        self.attachment = Path(spec["attachment"]).read_bytes()
        self.expected = {scenario.name: scenario.expected for scenario in SCENARIOS}

    def environ(self, name: str, index: int) -> dict:
        lines = self.lines[name]
        return environ_for(lines[index % len(lines)], self.attachment)


def warm_up(handler, spec: Spec, names: list[str], count: int) -> dict[str, list[int]]:
    """`count` requests of each scenario (the first ones of its lines); the queries of the last
    few counted. Returns the counts of each scenario."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries = {}
    for name in names:
        queries[name] = []
        for index in range(count):
            environ = spec.environ(name, index)
            if index < count - COUNTED:
                status, _headers, _body = send(handler, environ)
            else:
                with CaptureQueriesContext(connection) as captured:
                    status, _headers, _body = send(handler, environ)
                queries[name].append(len(captured))
            if status != spec.expected[name]:
                raise SystemExit(f"{name}: HTTP {status} in the warm-up, {spec.expected[name]} expected")
    return queries


# --- prepare ---------------------------------------------------------------------------------


def prepare(args):
    """Writes spec.json: every scenario's requests, with the people bench/run would pick."""
    started = time.monotonic()
    handler = application()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    spec = requests_of(Population(InProcessBrowser(handler)))
    scenarios = {name: {"lines": lines} for name, lines in spec.items()}
    document = {"attachment": str(write_attachment(out)), "scenarios": scenarios}
    (out / "spec.json").write_text(json.dumps(document))
    print(f"  requests in {out / 'spec.json'} ({time.monotonic() - started:.0f} s)")


# --- CPU time ---------------------------------------------------------------------------------


def backend_cpu_ns(pid: int) -> int | None:
    """CPU time so far of a process of this machine (the database backend), in nanoseconds."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def backend_pid() -> int:
    from django.db import connection

    connection.ensure_connection()
    return connection.connection.info.backend_pid


def quantile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def measure(args):
    """Warms up, then sends each scenario's requests in turns of ROUND, timing each one with
    the process's CPU clock and the wall clock, and the database backend's CPU around each turn."""
    handler = application()
    spec = Spec(args.spec)
    names = measured_scenarios(args.only)
    started = time.monotonic()
    queries = warm_up(handler, spec, names, args.warmup)
    print(f"  warm-up: {args.warmup} requests of each of {len(names)} scenarios ({time.monotonic() - started:.0f} s)")
    cpu = {name: [] for name in names}
    wall = {name: [] for name in names}
    backend = dict.fromkeys(names, 0)
    unexpected = dict.fromkeys(names, 0)
    load_before = os.getloadavg()
    started = time.monotonic()
    for start in range(0, args.requests, ROUND):
        for name in names:
            environs = [spec.environ(name, args.warmup + i) for i in range(start, min(start + ROUND, args.requests))]
            pid = backend_pid()
            backend_before = backend_cpu_ns(pid)
            for environ in environs:
                cpu_before, wall_before = time.process_time_ns(), time.perf_counter_ns()
                status, _headers, _body = send(handler, environ)
                cpu[name].append(time.process_time_ns() - cpu_before)
                wall[name].append(time.perf_counter_ns() - wall_before)
                unexpected[name] += status != spec.expected[name]
            backend_after = backend_cpu_ns(pid)
            if backend[name] is not None and backend_before is not None and backend_after is not None:
                backend[name] += backend_after - backend_before
            if backend_pid() != pid:
                backend[name] = None  # another connection: its CPU is not this one's
    seconds = time.monotonic() - started
    results = {}
    for name in names:
        count = len(cpu[name])
        results[name] = {
            "requests": count,
            "unexpected": unexpected[name],
            "cpu_ms_p50": round(statistics.median(cpu[name]) / 1e6, 3),
            "cpu_ms_p90": round(quantile(cpu[name], 0.9) / 1e6, 3),
            "cpu_ms_mean": round(statistics.fmean(cpu[name]) / 1e6, 3),
            "wall_ms_p50": round(statistics.median(wall[name]) / 1e6, 3),
            "db_cpu_ms_mean": None if backend[name] is None else round(backend[name] / count / 1e6, 3),
            "queries": queries[name],
        }
    document = {
        "settings": {
            "requests": args.requests,
            "warmup": args.warmup,
            "round": ROUND,
            "scheduling": "fifo" if os.sched_getscheduler(0) == os.SCHED_FIFO else "normal",
        },
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "seconds": round(seconds, 1),
        "scenarios": results,
    }
    Path(args.out).write_text(json.dumps(document, indent=2))
    print(f"  measured: {args.requests} requests of each scenario in {seconds:.0f} s")


# --- instructions -----------------------------------------------------------------------------


def instructions(args):
    """Run under `valgrind --tool=callgrind --instr-atstart=no`: warms up uninstrumented, then
    has callgrind count each scenario's requests and dump the count under its name."""
    marks = ctypes.CDLL(args.marks)
    handler = application()
    spec = Spec(args.spec)
    names = measured_scenarios(args.only)
    started = time.monotonic()
    warm_up(handler, spec, names, args.warmup)
    print(f"  warm-up, uninstrumented: {time.monotonic() - started:.0f} s")
    marks.bench_instrument()
    results = {}
    for name in names:
        started = time.monotonic()
        environs = [spec.environ(name, args.warmup + i) for i in range(args.requests)]
        statuses = []
        # One dump per request: the report takes their median, which a rare cost falling
        # inside the few counted requests (a full garbage collection, cached facts going
        # stale) cannot move, and shows their mean beside it.
        for index, environ in enumerate(environs):
            marks.bench_zero()
            statuses.append(send(handler, environ)[0])
            marks.bench_dump(f"{name} {index}".encode())
        unexpected = sum(status != spec.expected[name] for status in statuses)
        results[name] = {"requests": args.requests, "unexpected": unexpected}
        print(f"  {name}: {args.requests} requests counted ({time.monotonic() - started:.0f} s)")
    Path(args.out).write_text(json.dumps({"settings": {"requests": args.requests, "warmup": args.warmup},
                                          "scenarios": results}, indent=2))  # fmt: skip


def callgrind_counts(directory: Path) -> dict[str, list[int]]:
    """{scenario: [instructions of each counted request]} from the dumps bench_dump wrote, one
    per request (description "Client Request: NAME INDEX")."""
    counts = {}
    for dump in directory.glob("callgrind.out.*"):
        name = total = None
        with open(dump, errors="replace") as handle:
            for text in handle:
                if text.startswith("desc: Trigger: Client Request: "):
                    name = text.split(": ", 3)[-1].strip()
                elif text.startswith(("totals: ", "summary: ")):
                    total = int(text.split()[1])
        if name and total is not None:
            scenario, _, index = name.rpartition(" ")
            counts.setdefault(scenario, []).append((int(index), total))
    return {scenario: [total for _, total in sorted(pairs)] for scenario, pairs in counts.items()}


# --- the table ----------------------------------------------------------------------------------


def _queries_text(counts: list[int]) -> str:
    if not counts:
        return "?"
    return str(min(counts)) if min(counts) == max(counts) else f"{min(counts)}-{max(counts)}"


def report(args):
    cpu = json.loads(Path(args.cpu).read_text())
    counted = json.loads(Path(args.instructions).read_text()) if args.instructions else None
    totals = callgrind_counts(Path(args.callgrind)) if args.callgrind else {}
    rows = []
    for name, measured in cpu["scenarios"].items():
        row = {"scenario": name, **measured}
        if counted and name in counted["scenarios"] and name in totals:
            row["instructions_per_request"] = int(statistics.median(totals[name]))
            row["instructions_mean"] = sum(totals[name]) // len(totals[name])
            row["instructions_each"] = totals[name]
            row["instructions_requests"] = len(totals[name])
            row["unexpected"] += counted["scenarios"][name]["unexpected"]
        rows.append(row)
    table = format_table(rows)
    print(table)
    document = {
        "started_at": args.started,
        "settings": cpu["settings"] | {"instructions_requests": counted["settings"]["requests"] if counted else 0},
        "load_before": cpu["load_before"],
        "load_after": cpu["load_after"],
        "machine": machine(),
        "scenarios": rows,
        "table": table,
    }
    Path(args.out).write_text(json.dumps(document, indent=2))
    print(f"\nJSON: {args.out}")


def format_table(rows: list[dict]) -> str:
    header = (
        f"{'scenario':<22}{'CPU p50':>9}{'CPU p90':>9}{'wall p50':>10}{'DB CPU':>8}{'queries':>9}"
        f"{'M instr':>9}{'M mean':>8}{'bad':>5}"
    )
    lines = [header, f"{'':<22}{'ms':>9}{'ms':>9}{'ms':>10}{'ms':>8}{'':>9}{'median':>9}{'':>8}", "-" * len(header)]
    for row in rows:
        instructions = row.get("instructions_per_request")
        mean = row.get("instructions_mean")
        db = row["db_cpu_ms_mean"]
        lines.append(
            f"{row['scenario']:<22}{row['cpu_ms_p50']:>9.2f}{row['cpu_ms_p90']:>9.2f}{row['wall_ms_p50']:>10.2f}"
            f"{'?' if db is None else f'{db:.2f}':>8}{_queries_text(row['queries']):>9}"
            f"{'-' if instructions is None else f'{instructions / 1e6:.1f}':>9}"
            f"{'-' if mean is None else f'{mean / 1e6:.1f}':>8}{row['unexpected']:>5}"
        )
    return "\n".join(lines)


def compare(args):
    """Each run's CPU p50 and instructions per request side by side, with max/min of each."""
    runs = [json.loads(Path(path).read_text()) for path in args.files]
    names = [row["scenario"] for row in runs[0]["scenarios"]]
    by_run = [{row["scenario"]: row for row in run["scenarios"]} for run in runs]
    width = 9 * len(runs)
    print(f"{'':<22}{'CPU ms p50':^{width}}{'max/min':>8}  {'M instructions/request':^{width}}{'max/min':>9}")
    print(f"{'scenario':<22}" + "".join(f"{'run ' + str(i + 1):>9}" for i in range(len(runs))) + f"{'':>8}  "
          + "".join(f"{'run ' + str(i + 1):>9}" for i in range(len(runs))))  # fmt: skip
    for name in names:
        rows = [run[name] for run in by_run if name in run]
        cpu = [row["cpu_ms_p50"] for row in rows]
        counts = [row.get("instructions_per_request") for row in rows]
        text = f"{name:<22}" + "".join(f"{value:>9.2f}" for value in cpu) + f"{max(cpu) / min(cpu):>8.3f}  "
        if all(counts):
            text += "".join(f"{value / 1e6:>9.2f}" for value in counts) + f"{max(counts) / min(counts):>9.4f}"
        print(text)
    for index, run in enumerate(runs):
        print(f"run {index + 1}: {run['started_at']}, commit {run['machine']['git_commit']}, "
              f"{run['settings'].get('scheduling', 'normal')} scheduling, "
              f"load average {run['load_before'][0]:.2f} before, {run['load_after'][0]:.2f} after")  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("prepare")
    command.add_argument("--out", required=True)
    command.set_defaults(func=prepare)
    for name, func, requests, warmup in (("measure", measure, 300, 30), ("instructions", instructions, 10, 10)):
        command = commands.add_parser(name)
        command.add_argument("--spec", required=True)
        command.add_argument("--out", required=True)
        command.add_argument("--requests", type=int, default=requests)
        command.add_argument("--warmup", type=int, default=warmup)
        command.add_argument("--only", default="")
        command.set_defaults(func=func)
    command.add_argument("--marks", required=True)
    command = commands.add_parser("report")
    command.add_argument("--cpu", required=True)
    command.add_argument("--instructions")
    command.add_argument("--callgrind")
    command.add_argument("--started", required=True)
    command.add_argument("--out", required=True)
    command.set_defaults(func=report)
    command = commands.add_parser("compare")
    command.add_argument("files", nargs="+")
    command.set_defaults(func=compare)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
