"""How many e-mails per second one worker delivers to a local SMTP server (issue 14, item 12).

    .venv/bin/python bench/email_throughput.py [--emails 5000] [--fanout 112] [--runs 3]

Uses its own PostgreSQL database (EMAIL_BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/sportello_bench_email; created and migrated when missing,
emptied of e-mails and tasks before each run). Each run writes `--emails` e-mails the way the
portal writes operators' notifications (one `send_email()` per event to `--fanout`
operators: 112 is the bench data's average area), starts one `manage.py run_worker
--queue-name email` process against an aiosmtpd server on loopback (its Sink handler, in a
process of its own, standing for a mail relay that accepts and queues), and waits until
every e-mail is sent. It prints, per run, the rate between the
first and the last e-mail sent (the worker's pace, without its start-up) and the rate
from the worker's start; then the median of the runs. Needs `make install-test` (aiosmtpd).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = os.environ.get("EMAIL_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sportello_bench_email")
ENVIRONMENT = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-that-is-long-and-random-enough-0123456789"),
    "DEBUG": "false",
    "MAIL_BACKEND": "smtp",
    "SMTP_HOST": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
}


def prepare_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=ENVIRONMENT, check=True
    )


def one_run(emails: int, fanout: int, smtp_port: int) -> dict:
    from django.db import connection
    from django.db.models import Max, Min

    from sportello.notifications.models import OutboundEmail
    from sportello.notifications.services import send_email

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notifications_outboundemail, django_tasks_database_dbtaskresult")
    for start in range(0, emails, fanout):
        addresses = [f"operator{n}@vendor.example.com" for n in range(start, min(start + fanout, emails))]
        send_email(kind="login_code", to=addresses, context={"code": "123456", "minutes": 10})

    command = [sys.executable, "manage.py", "run_worker", "--queue-name", "email", "--interval", "0.1"]
    started = time.monotonic()
    worker = subprocess.Popen(  # noqa: S603 - our own command line
        [*command, "--no-startup-delay", "-v", "0"], cwd=ROOT, env={**ENVIRONMENT, "SMTP_PORT": str(smtp_port)}
    )
    try:
        while OutboundEmail.objects.waiting().exists():
            if worker.poll() is not None:
                raise SystemExit(f"the worker exited with {worker.returncode}")
            time.sleep(0.2)
        elapsed = time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait(30)
    sent = OutboundEmail.objects.filter(status="sent").aggregate(first=Min("sent_at"), last=Max("sent_at"))
    span = (sent["last"] - sent["first"]).total_seconds()
    return {
        "emails": emails,
        "sent": OutboundEmail.objects.filter(status="sent").count(),
        "per_second_while_sending": round((emails - 1) / span, 1),
        "per_second_from_start": round(emails / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=5000)
    parser.add_argument("--fanout", type=int, default=112)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()

    prepare_database()
    os.environ.update(ENVIRONMENT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from sportello.testing.smtp import free_port

    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"]
    )
    try:
        time.sleep(1)
        runs = [one_run(options.emails, options.fanout, port) for _ in range(options.runs)]
    finally:
        server.terminate()
        server.wait(10)
    for number, run in enumerate(runs, 1):
        print(f"run {number}: {json.dumps(run)}")
    median = statistics.median(run["per_second_while_sending"] for run in runs)
    print(f"one worker: {median} e-mails/s (median of {len(runs)} runs of {options.emails})")


if __name__ == "__main__":
    main()
