"""The portal on several hosts (issue 21): two web hosts behind a load balancer, two worker
hosts, one PostgreSQL, one S3 server and one SMTP server, each a network namespace of this
machine (`sportello.testing.hosts`), spoken to over real HTTP by a client host.

The cluster is started once for the module and torn down after it, on failure too. Each
test prints its figures on lines of their own (`GETs: 1000 sent, 0 failed`).
"""

import http.client
import json
import os
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sportello.accounts.models import SecurityEvent
from sportello.notifications.models import OutboundEmail
from sportello.testing.browser_http import Form, HTTPBrowser
from sportello.testing.hosts import CLIENT_ADDRESSES, CUSTOMERS, PASSWORD, SETTINGS, WEB_HOSTS, WEB_PORT, Cluster
from sportello.testing.reports import report
from sportello.tickets.models import Message, Ticket
from sportello.workers.models import WorkerHeartbeat

# Under pytest-xdist, `--dist loadfile` (the Makefile's) runs every test of this module in one
# worker, one after the other, on one cluster; conftest.py sends the module first, as the
# longest piece of work.
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root (CI and `make test` as root)")

GETS = 1000
CONCURRENCY = 8
KILL_AFTER = GETS // 4

POSTS = 160  # half of them new tickets, half replies
POST_CONCURRENCY = 16
POST_KILL_AFTER = 16  # POSTs answered by web-1 before it is killed
POST_RETRIES = 5
POST_PATIENCE = 10  # seconds the client waits for an answer before it sends the POST again
# The answer to every LOSE_ANSWER_EVERY-th POST is lost on its way back (a phone that lost
# its signal just then): the client sends it again, though it was committed.
LOSE_ANSWER_EVERY = 10

EMAILS = 500
EMAIL_KILL_AFTER = 40  # e-mails delivered by worker-1 before it is killed


@dataclass(frozen=True)
class Answer:
    started: float  # time.monotonic() when the request was sent
    status: int  # 0: no answer
    host: str  # the web host that answered (the balancer's X-Upstream), or the error
    retried_by_balancer: bool
    cut_off: bool  # the first answer was cut off mid-response, and the client asked again


@pytest.fixture(scope="module")
def cluster(request):
    began = time.monotonic()
    failed_before = request.session.testsfailed
    with Cluster() as running:
        timings = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in running.timings.items())
        report(request.config, f"Scale-out cluster: {len(running.hosts)} hosts up in {timings}")
        yield running
        if request.session.testsfailed > failed_before:
            report(request.config, f"Logs of the hosts (last lines):\n{running.logs()}")
    report(request.config, f"Scale-out test: {time.monotonic() - began:.1f} s in all, start and cleanup included")


def password_step(cluster, browser, email) -> tuple:
    """Sends `email`'s password through the real form; returns the code page and the code
    the workers e-mailed."""
    page = cluster.client.call(browser.get, "/account/login/")
    sent_before = len(cluster.received())
    page = cluster.client.call(browser.submit, page.form("/account/login/"), {"email": email, "password": PASSWORD})
    assert page.path == "/account/login/code/", str(page)
    mail = cluster.wait_for_mail(
        lambda m: email in m.envelope_to and re.search(r"\b\d{6}\b", m.subject), after=sent_before
    )
    return page, re.search(r"\b(\d{6})\b", mail.subject).group(1)


def sign_in(cluster, browser, email):
    """Signs in through the real forms, with the code the workers e-mailed to `email`."""
    page, code = password_step(cluster, browser, email)
    page = cluster.client.call(browser.submit, page.form("/account/login/code/"), {"code": code})
    assert page.status == 200 and page.path == "/dashboard/", str(page)
    return page


def upstream_host(cluster, response) -> str:
    """The web host that answered `response` through the balancer (its X-Upstream header)."""
    addresses = {cluster.hosts[name].address: name for name in WEB_HOSTS}
    return addresses.get(response.headers.get("X-Upstream", "").split(", ")[-1].rsplit(":", 1)[0], "?")


def test_a_session_made_on_one_web_host_works_on_the_other(cluster, request):
    on_first = cluster.browser("web-1")
    sign_in(cluster, on_first, CUSTOMERS[0])
    on_second = cluster.browser("web-2")
    on_second.cookies = dict(on_first.cookies)

    page = cluster.client.call(on_second.get, "/dashboard/", follow=False)

    assert page.status == 200, f"{page.status} {page.headers.get('Location')}"
    assert "Alice" in page.text
    report(request.config, "Sessions: 1 made on web-1, 1 used on web-2, 0 failed")


def test_sign_in_failures_are_counted_across_web_hosts(cluster, request):
    from sportello.accounts.services import SIGN_IN_THROTTLE

    email = CUSTOMERS[2]
    tries = range(SIGN_IN_THROTTLE.free + 1)
    hosts = [WEB_HOSTS[attempt % 2] for attempt in tries]
    addresses = CLIENT_ADDRESSES[-len(tries) :]
    browsers = [cluster.browser(via=host, source=address) for host, address in zip(hosts, addresses, strict=True)]
    forms = [cluster.client.call(browser.get, "/account/login/").form("/account/login/") for browser in browsers]

    answers = [
        cluster.client.call(browser.submit, form, {"email": email, "password": "wrong-password"})
        for browser, form in zip(browsers, forms, strict=True)
    ]

    # With counters of its own, each host would have seen at most half the failures; and
    # each address failed only once.
    assert [upstream_host(cluster, answer) for answer in answers] == hosts
    assert [answer.status for answer in answers] == [200] * SIGN_IN_THROTTLE.free + [429]
    report(
        request.config,
        f"Sign-in limit: {SIGN_IN_THROTTLE.free} wrong passwords from {SIGN_IN_THROTTLE.free} addresses spread "
        f"over web-1 and web-2, the next one refused (429) by {hosts[-1]}: counted once across hosts",
    )


def test_wrong_codes_for_one_account_are_counted_once_across_web_hosts_and_addresses(cluster, request):
    email = CUSTOMERS[3]
    limit = int(SETTINGS["LOGIN_CODE_ACCOUNT_FAILURES"])
    addresses = CLIENT_ADDRESSES[: limit + 1]
    hosts = [WEB_HOSTS[attempt % 2] for attempt in range(limit + 1)]
    answers = []

    for host, address in zip(hosts, addresses, strict=True):
        browser = cluster.browser(via=host, source=address)
        page, code = password_step(cluster, browser, email)
        # Wrong codes, one digit off the right one; the last try types the right code.
        typed = code if len(answers) == limit else f"{(int(code) + 1) % 1_000_000:06d}"
        form = page.form("/account/login/code/")
        answers.append(cluster.client.call(browser.submit, form, {"code": typed}, follow=False))

    assert [upstream_host(cluster, answer) for answer in answers] == hosts
    assert [answer.status for answer in answers] == [400] * limit + [429], [str(answer) for answer in answers]
    failed_from = cluster.query(
        SecurityEvent.objects.filter(user__email=email, kind=SecurityEvent.Kind.CODE_FAILED).values_list("ip_address")
    )
    assert sorted(str(address) for (address,) in failed_from) == sorted(addresses[:limit]), "X-Forwarded-For is read"
    warnings = cluster.query(OutboundEmail.objects.filter(to=email, kind="codes_blocked").values_list("public_id"))
    assert len(warnings) == 1, "the owner is told once"
    cluster.wait_for_mail(lambda m: str(warnings[0][0]) in m.message["Message-ID"])
    report(
        request.config,
        f"Code limit: {limit} wrong codes for one account from {limit} addresses, alternately through web-1 and "
        f"web-2 ({hosts[:limit].count('web-1')} and {hosts[:limit].count('web-2')}), then the right code from "
        f"another address refused (429) by {hosts[-1]}: counted once across hosts; 1 e-mail told the owner",
    )


def test_a_ticket_with_an_attachment_made_through_web_1_is_read_with_it_through_web_2(cluster, request):
    on_first = cluster.browser("web-1")
    sign_in(cluster, on_first, CUSTOMERS[1])
    form = cluster.client.call(on_first.get, "/tickets/new/").form("/tickets/new/")
    content = os.urandom(300_000)
    upload = SimpleUploadedFile("schermata errore.png", content, content_type="image/png")
    values = {
        "contact_preference": "web",
        "request_type": "assistance",
        "area": "administrative",
        "priority": "3",
        "title": "Errore in fattura",
        "description": "Allego la schermata.",
    }

    created = cluster.client.call(on_first.submit, form, values, files={"attachments": [upload]})

    assert re.fullmatch(r"/tickets/\d+/", created.path), str(created)
    on_second = cluster.browser("web-2")
    on_second.cookies = dict(on_first.cookies)
    page = cluster.client.call(on_second.get, created.path)
    assert page.status == 200 and "Errore in fattura" in page.text
    [link] = set(page.links(r"/tickets/attachments/[0-9a-f-]{36}/"))
    download = cluster.client.call(on_second.get, link)
    assert download.status == 200
    assert download.body == content
    assert "schermata errore.png" in download.headers["Content-Disposition"]
    stored = cluster.client.call(cluster.s3.keys, "sportello")
    assert len(stored) == 1 and "schermata" not in stored[0]
    local_files = [path for name in ("web-1", "web-2") for path in (cluster.dir / name).rglob("media/**/*")]
    assert local_files == [], "no web host keeps uploads on its own disk"
    report(
        request.config,
        "Attachments: 1 sent through web-1, 1 read through web-2 (same bytes, from the bucket), 0 failed",
    )


def test_killing_a_web_host_while_1000_gets_run_fails_none_of_them(cluster, request):
    browser = cluster.browser()
    sign_in(cluster, browser, CUSTOMERS[0])
    lock = threading.Lock()
    answered, crashed_at = [], []

    def get(_number):
        one = cluster.browser()
        one.cookies = dict(browser.cookies)
        started, cut = time.monotonic(), False
        try:
            try:
                response = one.get("/tickets/", follow=False)
            except http.client.IncompleteRead:
                # The host died while sending this very response: the balancer had already
                # passed its first bytes on and cannot resend it; the client asks again.
                cut = True
                response = one.get("/tickets/", follow=False)
            status, upstream = response.status, response.headers.get("X-Upstream", "")
        except (OSError, http.client.HTTPException) as error:
            status, upstream = 0, repr(error)
        with lock:
            answered.append(status)
            if len(answered) == KILL_AFTER:
                threading.Thread(target=crash).start()
        return Answer(started, status, upstream.split(", ")[-1].rsplit(":", 1)[0], "," in upstream, cut)

    def crash():
        cluster.hosts["web-1"].crash()
        crashed_at.append(time.monotonic())

    began = time.monotonic()
    try:
        with cluster.client.pool(CONCURRENCY) as pool:
            answers = list(pool.map(get, range(GETS)))
    finally:
        seconds = time.monotonic() - began
        if crashed_at:
            cluster.revive("web-1")  # for the tests after this one

    failed = [answer for answer in answers if answer.status != 200]
    by_host = {name: sum(1 for a in answers if a.host == cluster.hosts[name].address) for name in ("web-1", "web-2")}
    retried = sum(1 for answer in answers if answer.retried_by_balancer)
    cut = sum(1 for answer in answers if answer.cut_off)
    report(
        request.config,
        f"GETs: {GETS} sent, {len(failed)} failed ({by_host['web-1']} answered by web-1 until it was killed, "
        f"{by_host['web-2']} by web-2, {retried} retried by the balancer, {cut} cut off mid-response and asked "
        f"again by the client; {GETS / seconds:.0f} per second)",
    )
    assert crashed_at, "web-1 was never killed"
    assert not failed, f"{len(failed)} failed, e.g. {failed[:5]}"
    assert cut <= CONCURRENCY, "only the responses in transfer when the host died can be cut off"
    assert by_host["web-1"] > 0 and by_host["web-2"] > 0
    after_crash = [answer for answer in answers if answer.started > crashed_at[0]]
    assert after_crash and all(answer.host == cluster.hosts["web-2"].address for answer in after_crash)


NEW_TICKET = {"contact_preference": "web", "request_type": "assistance", "area": "administrative", "priority": "3"}


@dataclass
class Post:
    """One form a person fills in and sends, and what became of each try."""

    number: int
    form: Form
    values: dict
    cookies: dict
    marker: str  # the ticket's title or the reply's text: unique to this POST
    loses_answer: bool  # the answer to the first try never reaches the client
    tries: list = field(default_factory=list)  # (time.time() when sent, status or error name, web host)
    location: str = ""  # where the answer that finally came redirects to

    @property
    def retried(self) -> bool:
        return len(self.tries) > 1

    @property
    def in_flight(self) -> bool:
        """Its first try got no answer (the host died with it, or the client's patience ran
        out), rather than one that the client lost."""
        return self.retried and self.tries[0][1] != "answer lost"

    def committed_by_first_try(self, made: dict) -> bool:
        """Whether the row it made (`made`: marker → (time.time() it was made, ticket)) is
        older than its second try: then that one was answered with the first one's result."""
        return self.retried and self.marker in made and made[self.marker][0] < self.tries[1][0]


def prepare_posts(cluster, browser: HTTPBrowser, tickets: list[str]) -> list[Post]:
    """POSTS forms fetched through the balancer as a browser shows them, each with its own
    one-time key: new-ticket forms and reply forms to `tickets`, alternately."""
    run = uuid.uuid4().hex[:8]

    def prepare(number: int) -> Post:
        one = cluster.browser()
        one.cookies = dict(browser.cookies)
        if number % 2 == 0:
            form = one.get("/tickets/new/").form("/tickets/new/")
            marker = f"POST {run}-{number}: la stampa si blocca"
            values = {**NEW_TICKET, "title": marker, "description": "Si blocca al secondo foglio."}
        else:
            ticket = tickets[number % len(tickets)]
            form = one.get(ticket).form(f"{ticket}reply/")
            marker = f"Risposta POST {run}-{number}: ancora bloccata."
            values = {"body": marker}
        loses_answer = number % LOSE_ANSWER_EVERY == LOSE_ANSWER_EVERY - 1
        return Post(number, form, values, one.cookies, marker, loses_answer)

    with cluster.client.pool(POST_CONCURRENCY) as pool:
        return list(pool.map(prepare, range(POSTS)))


def send(cluster, post: Post) -> bool:
    """One try of `post` through the balancer; records it and returns whether it was answered."""
    browser = cluster.browser()
    browser.cookies = dict(post.cookies)
    browser.timeout = POST_PATIENCE
    sent = time.time()
    try:
        answer = browser.submit(post.form, post.values, follow=False)
    except (OSError, http.client.HTTPException) as error:  # no answer, or one cut off
        post.tries.append((sent, type(error).__name__, ""))
        return False
    if post.loses_answer and not post.tries and answer.status == 302:
        post.tries.append((sent, "answer lost", upstream_host(cluster, answer)))
        return False
    post.tries.append((sent, answer.status, upstream_host(cluster, answer)))
    if answer.status == 302:
        post.location = answer.headers["Location"]
        return True
    # The balancer's 502 for a host that died with the POST (it sends no POST that reached
    # a host to another one); anything else is the portal refusing the form.
    assert answer.status in (502, 504), f"POST {post.number}: {answer.status} {answer.errors()}"
    return False


@pytest.mark.parametrize("power_cut", [False, True], ids=["killed", "power-cut"])
def test_posts_in_flight_when_a_web_host_dies_are_committed_once_when_the_client_retries(cluster, request, power_cut):
    """Killed: its processes die and the kernel closes their connections, so the balancer
    and PostgreSQL see them end at once. Power cut: nothing closes them; the balancer's
    wait for an answer outlasts the client's patience, and PostgreSQL must notice by itself
    that the host is gone to release the locks of its sessions' open transactions."""
    browser = cluster.browser()
    sign_in(cluster, browser, CUSTOMERS[4])
    logged_before = len(cluster.balancer_log())
    tickets = []
    for number in range(4):
        form = cluster.client.call(browser.get, "/tickets/new/").form("/tickets/new/")
        values = {**NEW_TICKET, "title": f"Da aggiornare {number}", "description": "Prima segnalazione."}
        tickets.append(cluster.client.call(browser.submit, form, values).path)
    posts = prepare_posts(cluster, browser, tickets)
    lock = threading.Lock()
    crashed_at: list[float] = []
    answered_by_first: list[Post] = []

    def run(post: Post) -> None:
        answered = send(cluster, post)
        with lock:
            if answered and post.tries[-1][2] == "web-1" and not crashed_at:
                answered_by_first.append(post)
                if len(answered_by_first) == POST_KILL_AFTER:
                    crashed_at.append(time.time())
                    threading.Thread(target=cluster.hosts["web-1"].crash, kwargs={"power_cut": power_cut}).start()
        # The person (or the page) sends the same form again, with the same key.
        for _retry in range(POST_RETRIES):
            if answered:
                return
            time.sleep(0.2)
            answered = send(cluster, post)

    began = time.monotonic()
    try:
        with cluster.client.pool(POST_CONCURRENCY) as pool:
            list(pool.map(run, posts))
    finally:
        seconds = time.monotonic() - began
        if crashed_at:
            cluster.revive("web-1")

    markers = [post.marker for post in posts]
    rows = cluster.query(Ticket.objects.filter(title__in=markers).values_list("title", "created_at", "pk"))
    rows += cluster.query(Message.objects.filter(body__in=markers).values_list("body", "created_at", "ticket"))
    copies = Counter(marker for marker, _created, _ticket in rows)
    made = {marker: (created.timestamp(), ticket) for marker, created, ticket in rows}
    duplicated = [post for post in posts if copies[post.marker] > 1]
    lost = [post for post in posts if copies[post.marker] == 0]
    unanswered = [post for post in posts if not post.location]
    in_flight = [post for post in posts if post.in_flight]
    answer_lost = [post for post in posts if post.retried and not post.in_flight]
    in_flight_committed = [post for post in in_flight if post.committed_by_first_try(made)]
    answer_lost_committed = [post for post in answer_lost if post.committed_by_first_try(made)]
    answered_wrongly = [
        post
        for post in posts
        if post.marker in made and post.location.split("#")[0] != f"/tickets/{made[post.marker][1]}/"
    ]
    posted = [entry for entry in cluster.balancer_log()[logged_before:] if entry["method"] == "POST"]
    passed_on = [entry for entry in posted if "," in entry["upstream"]]
    # Passed to the other host after the first had been connected to, so sent the request:
    # what a balancer must never do with a POST.
    passed_on_after_sending = [entry for entry in passed_on if entry["connect_time"].split(",")[0].strip() != "-"]
    # Sent to web-1, never answered, and not passed on: a 502, or the client gave up (499).
    kept = [
        entry
        for entry in posted
        if entry["upstream"] == f"{cluster.hosts['web-1'].address}:{WEB_PORT}" and entry["status"] in ("499", "502")
    ]
    how = "lost power" if power_cut else "was killed"
    report(
        request.config,
        f"POSTs (web-1 {how}): {POSTS} sent ({POSTS // 2} new tickets, {POSTS // 2} replies; {POSTS / seconds:.0f} "
        f"per second), {POSTS - len(duplicated) - len(lost)} committed once, {len(duplicated)} duplicated, "
        f"{len(lost)} lost; sent again by the client with the same key: {len(in_flight)} that got no answer "
        f"({len(in_flight_committed)} of them committed by the first try), {len(answer_lost)} whose answer was "
        f"lost ({len(answer_lost_committed)} committed by the first try: the retry got its result)",
    )
    report(
        request.config,
        f"Balancer (web-1 {how}): {len(kept)} POSTs sent to web-1 and never answered ended there (502, or the "
        f"client gave up: 499), {len(passed_on_after_sending)} passed to web-2 after being sent to web-1, "
        f"{len(passed_on) - len(passed_on_after_sending)} passed to web-2 before (no connection to web-1)",
    )
    assert crashed_at, f"web-1 answered {len(answered_by_first)} POSTs, never {POST_KILL_AFTER}: it was never killed"
    assert not unanswered, f"{len(unanswered)} never answered, e.g. {[post.tries for post in unanswered[:3]]}"
    assert not duplicated, [post.marker for post in duplicated]
    assert not lost, [post.marker for post in lost]
    assert not answered_wrongly, "a repeat answers with what the first try made"
    assert not passed_on_after_sending, passed_on_after_sending
    assert in_flight, "the kill hit no POST in flight"
    assert kept, "the balancer had POSTs it might have passed to web-2 after sending them, and did not"
    assert answer_lost_committed == answer_lost, "a POST whose answer was lost had been committed"


def test_500_emails_are_delivered_once_each_while_a_worker_host_dies(cluster, request):
    domain = f"{uuid.uuid4().hex[:8]}.example.net"
    lease = int(SETTINGS["WORKER_LEASE_SECONDS"])
    first = cluster.hosts["worker-1"]
    pids = [process.pid for process in first.processes if process.poll() is None]
    first_ids = {
        worker_id
        for (worker_id,) in cluster.query(WorkerHeartbeat.objects.filter(pid__in=pids).values_list("worker_id"))
    }
    assert first_ids, "worker-1's workers have written their heartbeats"
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("id", "worker_ids")

    def held_by_first() -> list:
        return [task for task, workers in cluster.query(running) if workers and workers[-1] in first_ids]

    began = time.monotonic()
    output = cluster.manage(
        "shell",
        "-c",
        f"from sportello.testing.hosts import enqueue_emails; enqueue_emails({EMAILS}, {domain!r})",
        host="worker-2",
    )
    expected = set(json.loads(output.strip().splitlines()[-1]))
    assert len(expected) == EMAILS

    def ours() -> list:
        return [mail for mail in cluster.received() if mail.message["Message-ID"] in expected]

    held: list = []
    killed_at = None
    try:
        deadline = time.monotonic() + 120
        while killed_at is None and time.monotonic() < deadline:
            mails = ours()
            assert len(mails) < EMAILS, "all e-mails were delivered before worker-1 could be killed"
            if sum(1 for mail in mails if mail.peer[0] == first.address) >= EMAIL_KILL_AFTER and held_by_first():
                first.crash(power_cut=True)
                killed_at = time.monotonic()
                held = held_by_first()  # what worker-1 was doing when it died
            time.sleep(0.02)
        assert killed_at is not None, f"worker-1 was never killed while delivering ({len(ours())} delivered)"
        by_first = sum(1 for mail in ours() if mail.peer[0] == first.address)
        sent = OutboundEmail.objects.filter(to__endswith=f"@{domain}", status=OutboundEmail.Status.SENT)
        finished = DBTaskResult.objects.filter(id__in=held).exclude(
            status__in=[TaskResultStatus.RUNNING, TaskResultStatus.READY]
        )
        while time.monotonic() < deadline and (
            len(cluster.query(sent.values_list("id"))) < EMAILS
            or len(cluster.query(finished.values_list("id"))) < len(held)
        ):
            time.sleep(0.2)
        seconds = time.monotonic() - began
    finally:
        if killed_at is not None:
            cluster.revive("worker-1")

    mails = ours()
    copies = Counter(mail.message["Message-ID"] for mail in mails)
    ids_per_recipient = Counter(
        recipient for recipient, _id in {(m.envelope_to[0], m.message["Message-ID"]) for m in mails}
    )
    twice = sum(count - 1 for count in copies.values())
    others = sum(count - 1 for count in ids_per_recipient.values())
    lost = expected - set(copies)
    rerun = cluster.query(DBTaskResult.objects.filter(id__in=held).values_list("status", "worker_ids"))
    report(
        request.config,
        f"E-mails: {EMAILS} expected, {len(copies)} delivered, {len(lost)} lost, {twice} same Message-ID twice "
        f"(sent by worker-1 but not yet marked sent when it lost power: a receiver drops the copy), {others} other "
        f"duplicates; worker-1 delivered {by_first} until it lost power, worker-2 {len(mails) - by_first}; tasks "
        f"that worker-1 held when it died: {len(held)}, run again by worker-2 after the {lease} s lease; "
        f"{seconds:.1f} s from the enqueueing to the last delivery, {seconds - (killed_at - began):.1f} s of it "
        f"after the power cut",
    )
    assert held, "worker-1 held a task when it died"
    assert not lost, sorted(lost)[:5]
    assert others == 0
    assert twice <= len(held), "only the e-mail each killed worker was sending may arrive twice"
    assert len(cluster.query(sent.values_list("id"))) == EMAILS
    assert all(status == TaskResultStatus.SUCCESSFUL and workers[-1] not in first_ids for status, workers in rerun), (
        rerun
    )
