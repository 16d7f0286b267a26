"""The shared test fixtures: two companies, the personas, a real SMTP server, the browser.

Personas (as in the house style): in ACME, Alice the administrator and Bob the
technician; in Globex, Eve, its administrator, who is an outsider to ACME; Oscar, an
operator of the vendor, and Victor, a vendor administrator.
"""

import uuid

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from sportello.accounts.models import User
from sportello.tenants.middleware import SESSION_KEY
from sportello.tenants.models import Membership, Role, Tenant

from .mailbox import Mailbox
from .s3 import BucketPrefix, S3Server
from .smtp import SilentSMTPServer, SMTPServer

PASSWORD = "Correct-horse-battery-9"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def clock():
    """Stops the clock for the test; `clock.shift(timedelta)` moves it.

    The destination is local time so that time-machine keeps the process's time zone
    (Django's naive datetime.now(), used by its password reset tokens, depends on it)."""
    with time_machine.travel(timezone.localtime(), tick=False) as traveller:
        yield traveller


def make_user(email: str, first_name: str = "", last_name: str = "", **fields) -> User:
    now = timezone.now()
    return User.objects.create_user(
        email,
        PASSWORD,
        first_name=first_name,
        last_name=last_name,
        activated_at=now,
        privacy_accepted_at=now,
        privacy_version=django_settings.PRIVACY_NOTICE_VERSION,
        **fields,
    )


@pytest.fixture
def acme(db) -> Tenant:
    return Tenant.objects.create(name="ACME S.r.l.", vat_number="IT00743110157")


@pytest.fixture
def globex(db) -> Tenant:
    return Tenant.objects.create(name="Globex S.p.A.", vat_number="IT01234560124")


@pytest.fixture
def alice(acme) -> User:
    user = make_user("alice@acme.example.com", "Alice", "Amato", phone="+39 02 111111")
    Membership.objects.create(tenant=acme, user=user, role=Role.ADMINISTRATOR)
    return user


@pytest.fixture
def bob(acme) -> User:
    user = make_user("bob@acme.example.com", "Bob", "Bruni", phone="+39 02 222222")
    Membership.objects.create(tenant=acme, user=user, role=Role.TECHNICIAN)
    return user


@pytest.fixture
def eve(globex) -> User:
    user = make_user("eve@globex.example.com", "Eve", "Esposito")
    Membership.objects.create(tenant=globex, user=user, role=Role.ADMINISTRATOR)
    return user


@pytest.fixture
def oscar(db) -> User:
    return make_user("oscar@vendor.example.com", "Oscar", "Orlando", is_operator=True)


@pytest.fixture
def victor(db) -> User:
    return make_user("victor@vendor.example.com", "Victor", "Valli", is_operator=True, is_staff=True)


def sign_in(client, user: User, tenant: Tenant | None = None):
    """Logs `client` in as `user` (both factors done), working for `tenant` if given."""
    client.force_login(user)
    if tenant is not None:
        session = client.session
        session[SESSION_KEY] = tenant.pk
        session.save()
    return client


@pytest.fixture
def login():
    return sign_in


def point_mailer_at(settings, port: int, timeout: int) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout},
        }
    }


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; the portal's mailer points at it for this test."""
    server = SMTPServer()
    server.start()
    point_mailer_at(settings, server.port, timeout=5)
    yield server
    server.stop()


@pytest.fixture
def silent_smtp_server(settings):
    """A server that accepts connections and never answers; the portal's mailer points at
    it, giving up after 1 s."""
    server = SilentSMTPServer()
    server.start()
    point_mailer_at(settings, server.port, timeout=1)
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    return Mailbox(smtp_server)


@pytest.fixture
def live_workers(db):
    """Heartbeats of a worker serving every queue, as if one were running: /healthz is then
    healthy as far as workers go. The fault tests run real worker processes instead."""
    from .workers import make_heartbeat

    return make_heartbeat("tests", "*")


S3_TEST_BUCKET = "sportello-tests"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3 server (SeaweedFS, checking signatures) on loopback, for the tests that ask."""
    server = S3Server(tmp_path_factory.mktemp("s3"))
    server.start()
    try:
        server.create_bucket(S3_TEST_BUCKET)
        yield server
    finally:
        server.stop()


@pytest.fixture
def object_storage(s3_server, settings) -> BucketPrefix:
    """Uploaded files of this test go to the S3 server, under a prefix of the test's own."""
    place = BucketPrefix(s3_server, S3_TEST_BUCKET, f"test-{uuid.uuid4().hex[:12]}")
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage(place.bucket, prefix=place.prefix)}
    return place


# --- the browser: Debian's Chromium driven by pytest-playwright's own fixtures ----------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def live_site(live_server, settings):
    """The live server, with the portal's public address pointing at it (for e-mail links)."""
    settings.SITE_URL = live_server.url
    return live_server


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploaded files of each test go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


def make_ticket(tenant, requester, **fields):
    """A ticket opened through the service, as a customer would (e-mails included)."""
    from sportello.tickets import services
    from sportello.tickets.models import Area, ContactPreference, Priority, RequestType

    data = {
        "email": requester.email,
        "phone": "",
        "contact_preference": ContactPreference.WEB,
        "request_type": RequestType.ASSISTANCE,
        "area": Area.ADMINISTRATIVE,
        "priority": Priority.NORMAL,
        "title": "Domanda su esito Fattura Elettronica",
        "description": "Ricevo uno scarto sulla fattura F/1025.\nC'è un modo per vedere il motivo?",
    }
    data.update(fields)
    return services.open_ticket(requester, tenant, data=data)


@pytest.fixture
def ticket(acme, bob):
    return make_ticket(acme, bob)


@pytest.fixture
def webhook_receiver(settings):
    """A real webhook receiver on loopback (sportello.testing.webhooks), which the portal is
    allowed to send to for this test (WEBHOOK_ALLOW_PRIVATE_TARGETS)."""
    from .webhooks import WebhookReceiver

    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()
