"""The portal on several hosts (issue 21): two web hosts behind a load balancer, two worker
hosts, one PostgreSQL, one S3 server and one SMTP server, each a network namespace of this
machine (`sportello.testing.hosts`), spoken to over real HTTP by a client host.

The cluster is started once for the module and torn down after it, on failure too. Each
test prints its figures on lines of their own (`GETs: 1000 sent, 0 failed`).
"""

import http.client
import os
import re
import threading
import time
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sportello.testing.hosts import CUSTOMERS, PASSWORD, Cluster

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root (CI and `make test` as root)")

GETS = 1000
CONCURRENCY = 8
KILL_AFTER = GETS // 4


@dataclass(frozen=True)
class Answer:
    started: float  # time.monotonic() when the request was sent
    status: int  # 0: no answer
    host: str  # the web host that answered (the balancer's X-Upstream), or the error
    retried_by_balancer: bool
    cut_off: bool  # the first answer was cut off mid-response, and the client asked again


def report(config, line: str) -> None:
    """Prints `line` on the terminal even while pytest captures the output."""
    with config.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        print(f"\n{line}")


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


def sign_in(cluster, browser, email):
    """Signs in through the real forms, with the code the workers e-mailed to `email`."""
    page = cluster.client.call(browser.get, "/account/login/")
    sent_before = len(cluster.received())
    page = cluster.client.call(browser.submit, page.form("/account/login/"), {"email": email, "password": PASSWORD})
    assert page.path == "/account/login/code/", str(page)
    mail = cluster.wait_for_mail(
        lambda m: (
            email in m.envelope_to and re.search(r"\b\d{6}\b", m.subject) and cluster.received().index(m) >= sent_before
        )
    )
    code = re.search(r"\b(\d{6})\b", mail.subject).group(1)
    page = cluster.client.call(browser.submit, page.form("/account/login/code/"), {"code": code})
    assert page.status == 200 and page.path == "/dashboard/", str(page)
    return page


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
    hosts = [("web-1", "web-2")[attempt % 2] for attempt in range(SIGN_IN_THROTTLE.free + 1)]
    browsers = [cluster.browser(host) for host in hosts]
    forms = [cluster.client.call(browser.get, "/account/login/").form("/account/login/") for browser in browsers]

    answers = [
        cluster.client.call(browser.submit, form, {"email": email, "password": "wrong-password"}).status
        for browser, form in zip(browsers, forms, strict=True)
    ]

    # With counters of its own, each host would have seen at most half the failures.
    assert answers[:-1] == [200] * SIGN_IN_THROTTLE.free
    assert answers[-1] == 429
    report(
        request.config,
        f"Sign-in limit: {SIGN_IN_THROTTLE.free} wrong passwords spread over web-1 and web-2, "
        f"the next one refused (429) by {hosts[-1]}: counted once across hosts",
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
