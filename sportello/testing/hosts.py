"""Several hosts on this one machine, for the scale-out test (issue 21).

Each host is a Linux network namespace joined to one bridge by a veth pair, with an address
in 10.213.0.0/24. That range exists only inside these namespaces: no host has a default
route, and the machine's own namespace is never attached to the bridge.

    host       address        runs
    lb         10.213.0.10    nginx: spreads requests (port 80), retries idempotent ones on the
                              other web host; ports 8001/8002 lead to web-1/web-2 only
    web-1/2    10.213.0.11/12 gunicorn with production settings (DEBUG off, one SECRET_KEY)
    worker-1/2 10.213.0.21/22 WORKER_COMMANDS
    db         10.213.0.30    a throwaway PostgreSQL cluster (initdb under the run's folder)
    s3         10.213.0.40    SeaweedFS, a real S3 server that checks signatures
    smtp       10.213.0.50    aiosmtpd, in the test process (a thread that joined the namespace)
    client     10.213.0.100   the test's own requests (`Cluster.client.call()`), also from
                              10.213.0.101–.130 (CLIENT_ADDRESSES: people at other addresses)

    with Cluster() as cluster:
        browser = cluster.browser()          # to the balancer; cluster.browser("web-1") to a host
        browser = cluster.browser(via="web-2", source=CLIENT_ADDRESSES[3])  # balancer → web-2 only
        cluster.client.call(browser.get, "/readyz")
        cluster.hosts["web-1"].crash()

Leaving the `with` block, on failure too, kills every process of every namespace, deletes
the namespaces and the run's folder; a run killed before that (kill -9) is cleaned up
within a few seconds by a watcher process each run starts (`reap_when_gone`), or else by
the next run (`remove_stale_runs`). Needs root (`ip netns`), Debian's nginx and
PostgreSQL server.
"""

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

from .browser_http import HTTPBrowser
from .s3 import S3Server
from .smtp import ReceivedEmail, _Collector

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SUBNET = "10.213.0"
HOSTS = {
    "lb": 10,
    "web-1": 11,
    "web-2": 12,
    "worker-1": 21,
    "worker-2": 22,
    "db": 30,
    "s3": 40,
    "smtp": 50,
    "client": 100,
}
WEB_HOSTS = ("web-1", "web-2")
WORKER_HOSTS = ("worker-1", "worker-2")
# More addresses of the client host, for people (or an attacker) at other addresses.
CLIENT_ADDRESSES = tuple(f"{SUBNET}.{number}" for number in range(101, 131))
SITE = "portal.test"
WEB_PORT = 8000
# The balancer's port that leads to one web host only (still through nginx, which adds
# X-Forwarded-For as on port 80): for tests that must choose the host.
PINNED_PORTS = {"web-1": 8001, "web-2": 8002}
SMTP_PORT = 2525
BUCKET = "sportello"
RUN_PREFIX = "spo"  # namespaces are "spo<pid>-<host>", folders "sportello-hosts-<pid>-…"
S3_SOCKETS = "s3-sockets"  # the run folder's list of SeaweedFS's sockets outside it, for remove_stale_runs

# What each worker host runs, one process per line (as README's "Workers" says).
WORKER_COMMANDS = (
    ("manage.py", "run_worker", "--queue-name", "priority", "--interval", "0.2", "--no-reload", "-v", "0"),
    ("manage.py", "run_worker", "--queue-name", "default,email", "--interval", "0.2", "--no-reload", "-v", "0"),
)
GUNICORN = ("-m", "gunicorn", "sportello.wsgi", "--workers", "2", "--timeout", "30", "--no-control-socket")

# The people the release step creates (password for all: PASSWORD); each test signs in
# as people of its own, since some of them end with an account locked out on purpose.
PASSWORD = "Scale-out-test-2026"
COMPANY = ("ACME S.r.l.", "IT00743110157")
CUSTOMERS = (
    "alice@acme.example.com",
    "bob@acme.example.com",
    "carla@acme.example.com",
    "dario@acme.example.com",
    "elena@acme.example.com",
)

# Settings every portal process of the cluster gets beside the production ones. The tests
# read their figures from here.
SETTINGS = {
    # A worker host that dies gives its tasks back in seconds rather than a minute, and
    # PostgreSQL ends the sessions of a host that lost power (and their locks) in about 5 s
    # rather than a minute, so the tests need not wait (production keeps the defaults:
    # docs/deployment.md).
    "WORKER_HEARTBEAT_SECONDS": "1",
    "WORKER_LEASE_SECONDS": "4",
    "DATABASE_KEEPALIVE_SECONDS": "2",
    # Each sign-in with the password sends a fresh code, so that the per-account limit on
    # wrong codes is reached without waiting out the cool-down between codes.
    "LOGIN_CODE_RESEND_SECONDS": "0",
    "LOGIN_CODE_ACCOUNT_FAILURES": "10",
    # One person sends hundreds of tickets and replies in a minute here.
    "TICKETS_PER_PERSON_PER_HOUR": "10000",
    "TICKETS_PER_COMPANY_PER_HOUR": "10000",
    "REPLIES_PER_PERSON_PER_HOUR": "10000",
}


IP = shutil.which("ip") or "/usr/sbin/ip"
SETPRIV = shutil.which("setpriv") or "/usr/bin/setpriv"
SS = shutil.which("ss") or "/usr/bin/ss"
# TCP states of a socket that a process still holds (closed ones go on to FIN-WAIT, or vanish on RST).
OPEN_STATES = ("state", "established", "state", "listening", "state", "syn-recv", "state", "close-wait")
PG_CLIENT = Path(shutil.which("pg_isready") or "/usr/bin/pg_isready").parent


def _pg_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        raise RuntimeError("Debian's PostgreSQL server is missing (/usr/lib/postgresql/*/bin/initdb).")
    return versions[-1].parent


def _run(*command: str, check: bool = True) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own command lines
    if check and done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def _enter(netns: str) -> None:
    fd = os.open(f"/run/netns/{netns}", os.O_RDONLY)
    try:
        os.setns(fd, os.CLONE_NEWNET)
    finally:
        os.close(fd)


def _namespace_pids(netns: str) -> list[int]:
    return [int(pid) for pid in _run(IP, "netns", "pids", netns, check=False).split() if int(pid) != os.getpid()]


def _kill_namespace_processes(netns: str, *, gently: bool = False) -> None:
    """Kills every process living in `netns`, until none is left (at most 10 s). `gently`
    sends SIGQUIT first, which PostgreSQL takes as an immediate shutdown that still frees
    its shared memory, and waits up to a second for them to go."""
    if gently:
        for pid in _namespace_pids(netns):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGQUIT)
        deadline = time.monotonic() + 1
        while _namespace_pids(netns) and time.monotonic() < deadline:
            time.sleep(0.05)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pids = _namespace_pids(netns)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)


def _alive(pid: int | str) -> bool:
    """Whether process `pid` runs (a killed process its parent has not reaped yet does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def remove_stale_runs() -> None:
    """Removes the namespaces and folders of earlier runs whose test process is gone."""
    for line in _run(IP, "netns", "list", check=False).splitlines():
        name = line.split()[0] if line.split() else ""
        match = re.fullmatch(rf"{RUN_PREFIX}(\d+)-[\w-]+", name)
        if match and not _alive(match.group(1)):
            _kill_namespace_processes(name, gently=True)
            _run(IP, "netns", "del", name, check=False)
    for folder in Path(tempfile.gettempdir()).glob("sportello-hosts-*"):
        match = re.match(r"sportello-hosts-(\d+)-", folder.name)
        if match and not _alive(match.group(1)):
            sockets = folder / S3_SOCKETS
            for socket in sockets.read_text().split() if sockets.exists() else ():
                Path(socket).unlink(missing_ok=True)
            shutil.rmtree(folder, ignore_errors=True)


def reap_when_gone(pid: int) -> None:
    """Waits for the test process `pid` to end, then removes whatever its runs left: a run
    killed outright (kill -9) cannot stop its own hosts, whose processes would otherwise
    go on until the next run. `python -m sportello.testing.hosts <pid>`."""
    while _alive(pid):
        time.sleep(1)
    remove_stale_runs()


class Host:
    """One network namespace with one address on the cluster's bridge."""

    def __init__(self, cluster: "Cluster", name: str, address: str):
        self.cluster = cluster
        self.name = name
        self.address = address
        self.netns = f"{cluster.prefix}-{name}"
        self.processes: list[subprocess.Popen] = []
        self.programs: list[tuple] = []  # what spawn() started, for revive()

    def create(self, *more_addresses: str) -> None:
        lan = self.cluster.lan
        _run(IP, "netns", "add", self.netns)
        _run(IP, "-n", lan, "link", "add", self.name, "type", "veth", "peer", "name", "eth0", "netns", self.netns)
        _run(IP, "-n", lan, "link", "set", self.name, "master", "br0", "up")
        for address in (self.address, *more_addresses):
            _run(IP, "-n", self.netns, "addr", "add", f"{address}/24", "dev", "eth0")
        _run(IP, "-n", self.netns, "link", "set", "eth0", "up")
        _run(IP, "-n", self.netns, "link", "set", "lo", "up")
        if _run(IP, "-n", self.netns, "route", "show", "default").strip():
            raise RuntimeError(f"{self.name} has a default route: it must reach nothing but its neighbours.")

    def spawn(self, label: str, command: list[str], *, env: dict | None = None, user: str | None = None):
        """Starts `command` inside the host (as `user`, else root), its output in logs/."""
        prefix = [SETPRIV, f"--reuid={user}", f"--regid={user}", "--init-groups"] if user else []
        self.programs.append((label, command, env, user))
        log = self.cluster.log_path(f"{self.name}-{label}").open("ab")
        process = subprocess.Popen(  # noqa: S603 - our own command lines
            [IP, "netns", "exec", self.netns, *prefix, *command],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append(process)
        return process

    def run(self, command: list[str], *, env: dict | None = None, check: bool = True):
        """Runs `command` inside the host to its end; raises RuntimeError when it fails."""
        done = subprocess.run(  # noqa: S603 - our own command lines
            [IP, "netns", "exec", self.netns, *command],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed on {self.name}:\n{done.stdout}\n{done.stderr}")
        return done

    def call(self, function, *args, **kwargs):
        """Runs `function` on a thread that joined this host's namespace, and returns what it
        returns (or raises what it raised): its sockets are this host's."""
        with ThreadPoolExecutor(1, initializer=_enter, initargs=(self.netns,)) as pool:
            return pool.submit(function, *args, **kwargs).result()

    def pool(self, workers: int) -> ThreadPoolExecutor:
        """Threads that all joined this host's namespace, for concurrent work."""
        return ThreadPoolExecutor(workers, initializer=_enter, initargs=(self.netns,))

    def crash(self, *, power_cut: bool = False) -> None:
        """The host dies: every process in it is killed at once (SIGKILL), then its cable is
        pulled, so that connections to it time out rather than being refused. With
        `power_cut` the cable goes first: its peers are not even told that its connections
        closed (no FIN, no RST), as when a machine loses power."""
        if power_cut:
            _run(IP, "-n", self.cluster.lan, "link", "set", self.name, "down")
        _kill_namespace_processes(self.netns)
        # A killed process leaves the namespace a moment before the kernel closes its
        # sockets: the cable waits for those closes (FIN, RST) to have gone out.
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and _run(SS, "-N", self.netns, "-Htan", *OPEN_STATES, check=False).strip():
            time.sleep(0.01)
        _run(IP, "-n", self.cluster.lan, "link", "set", self.name, "down")

    def revive(self) -> None:
        """Brings a crashed host back: its cable in again, and what it ran started again."""
        _run(IP, "-n", self.cluster.lan, "link", "set", self.name, "up")
        programs, self.programs = self.programs, []
        for label, command, env, user in programs:
            self.spawn(label, command, env=env, user=user)

    def destroy(self) -> None:
        _kill_namespace_processes(self.netns)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(5)
        _run(IP, "netns", "del", self.netns, check=False)


class Cluster:
    """The whole topology of the module docstring, started by `start()` (or `with`)."""

    def __init__(self):
        self.prefix = f"{RUN_PREFIX}{os.getpid()}"
        self.lan = f"{self.prefix}-lan"
        self.dir = Path(tempfile.mkdtemp(prefix=f"sportello-hosts-{os.getpid()}-"))
        self.dir.chmod(0o755)  # PostgreSQL runs as its own user below it
        (self.dir / "logs").mkdir()
        self.hosts = {name: Host(self, name, f"{SUBNET}.{number}") for name, number in HOSTS.items()}
        self.secret_key = secrets.token_urlsafe(50)
        self.s3 = S3Server(self.dir / "s3", host=self.hosts["s3"].address, netns=self.hosts["s3"].netns)
        self.mail = _Collector()
        self.smtp: Controller | None = None
        self.postgres: subprocess.Popen | None = None
        self.timings: dict[str, float] = {}

    # --- what tests use -------------------------------------------------------------

    @property
    def client(self) -> Host:
        return self.hosts["client"]

    def browser(self, host: str = "lb", *, via: str | None = None, source: str | None = None) -> HTTPBrowser:
        """A browser on the client host speaking to `host` (the balancer by default); `via`
        a web host: through the balancer to that host only; `source`: from that one of
        CLIENT_ADDRESSES."""
        port = PINNED_PORTS[via] if via else 80 if host == "lb" else WEB_PORT
        return HTTPBrowser(self.hosts[host].address, site=SITE, port=port, source=source)

    def query(self, queryset) -> list[tuple]:
        """The rows of `queryset` (a Django QuerySet, e.g. `Ticket.objects.values_list(...)`)
        read from the cluster's database, over the client host's network."""
        sql, params = queryset.query.sql_with_params()
        return self.client.call(self._fetch, sql, params)

    def _fetch(self, sql: str, params) -> list[tuple]:
        with psycopg.connect(host=self.hosts["db"].address, user="postgres", dbname="sportello") as connection:
            return connection.execute(sql, params).fetchall()

    def balancer_log(self) -> list[dict[str, str]]:
        """nginx's access log, one dict per request: method, uri, status, and per upstream
        try (comma-separated) upstream (address), upstream_status, connect_time."""
        lines = (self.dir / "nginx" / "access.log").read_text().splitlines()
        return [dict(field.split("=", 1) for field in line.split("\t")) for line in lines if line]

    def received(self) -> list[ReceivedEmail]:
        with self.mail.lock:
            return list(self.mail.received)

    def wait_for_mail(self, predicate, timeout: float = 30, *, after: int = 0) -> ReceivedEmail:
        """The latest e-mail that `predicate` accepts among those received after the first
        `after` (e.g. `len(cluster.received())` before the action), waiting for the workers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            matching = [mail for mail in self.received()[after:] if predicate(mail)]
            if matching:
                return matching[-1]
            time.sleep(0.1)
        latest = [mail.subject for mail in self.received()[after:]][-20:]
        raise AssertionError(f"no such e-mail within {timeout} s; the latest received: {latest}")

    def manage(self, *arguments: str, host: str = "worker-1") -> str:
        """Runs `manage.py <arguments>` on `host` with the portal's environment; returns its
        output, raises RuntimeError when it fails. E.g. `cluster.manage("shell", "-c", code)`."""
        return self.hosts[host].run([sys.executable, "manage.py", *arguments], env=self.environment(host)).stdout

    def revive(self, name: str) -> None:
        """Starts a crashed host again and waits until it serves (web hosts: /readyz, and
        the balancer sends it requests again, which nginx does once `fail_timeout` is over)."""
        self.hosts[name].revive()
        if name in WEB_HOSTS:
            self._wait_until_serving(name)
            self._wait(lambda: self._balanced_to(name), f"the balancer sending requests to {name}")

    def _balanced_to(self, name: str) -> bool:
        try:
            answer = self.client.call(self.browser().get, "/readyz")
        except OSError:
            return False
        return answer.headers.get("X-Upstream", "").endswith(f"{self.hosts[name].address}:{WEB_PORT}")

    def log_path(self, name: str) -> Path:
        return self.dir / "logs" / f"{name}.log"

    def logs(self, lines: int = 15) -> str:
        """The last lines of every log, for the message of a failed test."""
        parts = []
        for log in sorted((self.dir / "logs").glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log.name}\n" + "\n".join(tail))
        return "\n".join(parts)

    # --- starting and stopping ------------------------------------------------------

    def __enter__(self) -> "Cluster":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        started = time.monotonic()
        remove_stale_runs()
        subprocess.Popen(  # noqa: S603 - our own command line; it outlives a killed test run
            [sys.executable, "-m", "sportello.testing.hosts", str(os.getpid())],
            cwd=BASE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._timed("network", self._make_network)
        with ThreadPoolExecutor(5) as pool:
            database = pool.submit(self._timed, "database", self._start_database)
            static = pool.submit(self._timed, "collectstatic", self._collect_static)
            storage = pool.submit(self._timed, "s3", self._start_s3)
            pool.submit(self._timed, "smtp", self._start_smtp).result()
            pool.submit(self._timed, "balancer", self._start_balancer).result()
            storage.result()
            static.result()
            for name in WEB_HOSTS:  # they boot while the release step runs
                self.hosts[name].spawn("gunicorn", self._gunicorn(name), env=self.environment(name))
            database.result()
        self._timed("release", self._release)
        for name in WORKER_HOSTS:
            for number, command in enumerate(WORKER_COMMANDS, start=1):
                self.hosts[name].spawn(f"worker{number}", [sys.executable, *command], env=self.environment(name))
        self._timed("web", self._wait_for_web)
        self.timings["total"] = time.monotonic() - started

    def stop(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(Exception):
                self.hosts["smtp"].call(self.smtp.stop)
            self.smtp = None
        if self.postgres is not None and self.postgres.poll() is None:
            self.postgres.send_signal(signal.SIGQUIT)  # immediate shutdown: frees its shared memory
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.postgres.wait(5)
        for host in self.hosts.values():
            host.destroy()
        self.s3.stop()  # its process is gone with its host; this removes its sockets in /tmp
        _run(IP, "netns", "del", self.lan, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def _timed(self, name: str, step) -> None:
        began = time.monotonic()
        step()
        self.timings[name] = time.monotonic() - began

    def _make_network(self) -> None:
        _run(IP, "netns", "add", self.lan)
        _run(IP, "-n", self.lan, "link", "add", "br0", "type", "bridge")
        _run(IP, "-n", self.lan, "link", "set", "br0", "up")
        for host in self.hosts.values():
            host.create(*(CLIENT_ADDRESSES if host.name == "client" else ()))

    def environment(self, host: str) -> dict[str, str]:
        """The environment of the portal's processes on `host`: production settings."""
        var = self.dir / host
        var.mkdir(exist_ok=True)
        if not (var / "static").exists():
            (var / "static").symlink_to(self.dir / "shared" / "static")
        return {**self._portal_environment(), "VAR_DIR": str(var), "MEDIA_ROOT": str(var / "media")}

    def _portal_environment(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "false",
            "SECRET_KEY": self.secret_key,
            "SITE_URL": f"http://{SITE}",
            "ALLOWED_HOSTS": ",".join([SITE, *(self.hosts[name].address for name in WEB_HOSTS)]),
            "NUM_PROXIES": "1",
            "DATABASE_URL": f"postgres://postgres@{self.hosts['db'].address}:5432/sportello",
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": self.hosts["smtp"].address,
            "SMTP_PORT": str(SMTP_PORT),
            "SMTP_TIMEOUT": "5",
            "LOG_LEVEL": "WARNING",
            **self.s3.environment(BUCKET),
            **SETTINGS,
        }

    def _start_database(self) -> None:
        pg_bin, data, sockets = _pg_bin(), self.dir / "pg" / "data", self.dir / "pg" / "sockets"
        sockets.mkdir(parents=True)
        shutil.chown(data.parent, "postgres", "postgres")
        shutil.chown(sockets, "postgres", "postgres")
        _run(
            *(SETPRIV, "--reuid=postgres", "--regid=postgres", "--init-groups"),
            *(str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync"),
            *("-E", "UTF8", "--locale=C.UTF-8"),
        )
        with (data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {SUBNET}.0/24 trust\n")
        settings = {
            "listen_addresses": self.hosts["db"].address,
            "port": "5432",
            "unix_socket_directories": str(sockets),
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "100",
        }
        command = [str(pg_bin / "postgres"), "-D", str(data), *(f"-c{key}={value}" for key, value in settings.items())]
        self.postgres = self.hosts["db"].spawn("postgres", command, user="postgres")
        address = self.hosts["db"].address
        self._wait(lambda: self._pg_ready(address), "PostgreSQL")
        self.client.run([str(PG_CLIENT / "createdb"), "-h", address, "-U", "postgres", "sportello"])

    def _pg_ready(self, address: str) -> bool:
        return (
            self.client.run(
                [str(PG_CLIENT / "pg_isready"), "-q", "-U", "postgres", "-h", address], check=False
            ).returncode
            == 0
        )

    def _collect_static(self) -> None:
        env = {**self._portal_environment(), "VAR_DIR": str(self.dir / "shared")}
        done = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"collectstatic failed: {done.stderr}")

    def _start_s3(self) -> None:
        self.s3.directory.mkdir()
        (self.dir / S3_SOCKETS).write_text("\n".join(str(socket) for socket in self.s3.sockets()))
        self.s3.start()
        self.client.call(self.s3.wait_until_ready)
        self.client.call(self.s3.create_bucket, BUCKET)

    def _start_smtp(self) -> None:
        def start():
            controller = Controller(self.mail, hostname=self.hosts["smtp"].address, port=SMTP_PORT)
            controller.start()
            return controller

        self.smtp = self.hosts["smtp"].call(start)

    def _start_balancer(self) -> None:
        folder = self.dir / "nginx"
        folder.mkdir()
        servers = {
            name: f"server {self.hosts[name].address}:{WEB_PORT} max_fails=1 fail_timeout=10s;" for name in WEB_HOSTS
        }
        pinned = "".join(
            f"    upstream {name} {{ {servers[name]} }}\n    server {{ listen {self.hosts['lb'].address}:{port}; "
            f"include {folder}/proxy.conf; location / {{ proxy_pass http://{name}; }} }}\n"
            for name, port in PINNED_PORTS.items()
        )
        (folder / "proxy.conf").write_text(NGINX_PROXY)
        (folder / "nginx.conf").write_text(
            NGINX_CONF.format(
                folder=folder,
                upstreams="\n".join(f"        {server}" for server in servers.values()),
                address=self.hosts["lb"].address,
                pinned=pinned,
            )
        )
        self.hosts["lb"].spawn(
            "nginx",
            ["/usr/sbin/nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")],
        )

    def _gunicorn(self, host: str) -> list[str]:
        address = self.hosts[host].address
        return [sys.executable, *GUNICORN, "--bind", f"{address}:{WEB_PORT}", "--access-logfile", "-"]

    def _release(self) -> None:
        """What a release does once, whatever the number of hosts: migrations and the cache
        table (README, docs/deployment.md); then the test's people."""
        self.manage("shell", "-c", "from sportello.testing.hosts import release; release()")

    def _wait_for_web(self) -> None:
        for name in (*WEB_HOSTS, "lb"):
            self._wait_until_serving(name)

    def _wait_until_serving(self, name: str) -> None:
        browser = self.browser(name)
        browser.timeout = 2
        self._wait(lambda: self._answers(browser), f"{name} /readyz")

    def _answers(self, browser: HTTPBrowser) -> bool:
        # /readyz, what a balancer asks: /healthz also reports the workers, whose heartbeats
        # may not have come yet, and a 503 through the balancer would take a web host out.
        try:
            return self.client.call(browser.get, "/readyz").status == 200
        except OSError:
            return False

    def _wait(self, ready, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not come up within {timeout} s.\n{self.logs()}")
            time.sleep(0.1)


def release() -> None:
    """Run inside `manage.py shell` on one host: migrate, make the cache table, add people."""
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from sportello.accounts.models import User
    from sportello.tenants.models import Membership, Role, Tenant

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    tenant = Tenant.objects.create(name=COMPANY[0], vat_number=COMPANY[1])
    now = timezone.now()
    for email in CUSTOMERS:
        user = User.objects.create_user(
            email,
            PASSWORD,
            first_name=email.split("@")[0].title(),
            last_name="Test",
            activated_at=now,
            privacy_accepted_at=now,
            privacy_version=settings.PRIVACY_NOTICE_VERSION,
        )
        Membership.objects.create(tenant=tenant, user=user, role=Role.ADMINISTRATOR)


def enqueue_emails(count: int, domain: str) -> None:
    """Run inside `manage.py shell` on one host: `count` e-mails to person-<n>@`domain`, each
    with a delivery task of its own, committed together; prints their Message-IDs (JSON)."""
    import json

    from django.db import transaction

    from sportello.notifications.services import send_email

    with transaction.atomic():
        emails = [
            email  # a short e-mail whose template needs nothing from the database
            for number in range(count)
            for email in send_email(
                kind="login_code", to=f"person-{number}@{domain}", context={"code": "271828", "minutes": 10}
            )
        ]
    print(json.dumps([email.message_id for email in emails]))


# What the balancer does with every request it passes on (included by each server below).
NGINX_PROXY = """
proxy_set_header Host $host;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto $scheme;
proxy_connect_timeout 1s;
proxy_read_timeout 30s;
# GET and HEAD go to the other host when one fails. A POST goes there only when it could not
# be sent at all (no connection); once sent, never (nginx's default, without `non_idempotent`):
# a POST that may have reached a host is repeated only by the client, with its one-time key.
proxy_next_upstream error timeout http_502 http_503 http_504;
proxy_next_upstream_tries 2;
proxy_next_upstream_timeout 15s;
add_header X-Upstream $upstream_addr always;
"""

NGINX_CONF = """
daemon off;
user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format tries "method=$request_method\turi=$uri\tstatus=$status\tupstream=$upstream_addr\t"
                     "upstream_status=$upstream_status\tconnect_time=$upstream_connect_time";
    access_log {folder}/access.log tries;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    client_max_body_size 50m;
    upstream portal {{
{upstreams}
    }}
    server {{
        listen {address}:80;
        include {folder}/proxy.conf;
        location / {{
            proxy_pass http://portal;
        }}
    }}
{pinned}}}
"""


if __name__ == "__main__":
    reap_when_gone(int(sys.argv[1]))
