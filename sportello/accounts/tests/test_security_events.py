"""What the security log records of signing in and of trusted devices: who, from which
address, through which channel; and what a trusted device keeps of its browser."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sportello.accounts import services
from sportello.accounts.models import SecurityEvent, TrustedDevice
from sportello.lib.audit import Audit
from sportello.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
Event = SecurityEvent.Kind
LOGIN = "/account/login/"
CODE = "/account/login/code/"
WINDOWS_CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)
ANDROID_FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:126.0) Gecko/126.0 Firefox/126.0"


def browser_at(address: str, agent: str = WINDOWS_CHROME) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)


def signed_in_with_trust(client: Client, person, mailbox) -> TrustedDevice:
    client.post(LOGIN, {"email": person.email, "password": PASSWORD})
    client.post(CODE, {"code": mailbox.code(person.email), "trust_device": "on"})
    return TrustedDevice.objects.get(user=person)


def test_every_step_of_a_sign_in_is_logged_with_the_clients_address_and_channel(bob, mailbox):
    signed_in_with_trust(browser_at("198.51.100.7"), bob, mailbox)

    events = SecurityEvent.objects.filter(user=bob).order_by("id")
    kinds = [event.kind for event in events]
    for kind in (Event.CODE_SENT, Event.CODE_ACCEPTED, Event.DEVICE_TRUSTED, Event.LOGIN_SUCCEEDED):
        assert kind in kinds
    assert {(event.ip_address, event.channel) for event in events} == {("198.51.100.7", "web")}


def test_a_failed_sign_in_logs_the_address_typed_normalised_and_its_owner(bob):
    browser_at("198.51.100.8").post(LOGIN, {"email": "  Bob@ACME.example.com ", "password": "wrong"})
    browser_at("198.51.100.8").post(LOGIN, {"email": "nobody@acme.example.com", "password": "wrong"})

    failed = SecurityEvent.objects.filter(kind=Event.LOGIN_FAILED).order_by("id")
    assert [(event.email, event.user, event.ip_address) for event in failed] == [
        ("bob@acme.example.com", bob, "198.51.100.8"),
        ("nobody@acme.example.com", None, "198.51.100.8"),
    ]


def test_a_trusted_device_keeps_its_browser_and_system_and_the_list_shows_them(bob, mailbox, login):
    device = signed_in_with_trust(browser_at("198.51.100.9"), bob, mailbox)

    assert (device.browser, device.operating_system, device.last_ip) == ("Chrome 120", "Windows 10", "198.51.100.9")
    assert device.user_agent == WINDOWS_CHROME
    page = login(Client(), bob).get("/account/profile/").text
    assert "Chrome 120" in page and "Windows 10" in page


def test_signing_in_from_a_trusted_device_updates_its_last_use_and_address_and_logs_the_use(bob, mailbox):
    browser = browser_at("198.51.100.10")
    device = signed_in_with_trust(browser, bob, mailbox)
    TrustedDevice.objects.filter(pk=device.pk).update(last_used_at=timezone.now() - timedelta(days=3))
    browser.post("/account/logout/")

    # The same laptop, the next day, on another network.
    browser.post(LOGIN, {"email": bob.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.20")

    assert browser.session["_auth_user_id"] == str(bob.pk)
    device.refresh_from_db()
    assert device.last_ip == "203.0.113.20"
    assert timezone.now() - device.last_used_at < timedelta(minutes=1)
    event = SecurityEvent.objects.get(kind=Event.DEVICE_USED)
    assert (event.user, event.actor, event.ip_address) == (bob, bob, "203.0.113.20")


def test_removing_devices_is_logged_against_their_owner_by_whoever_removed_them(bob, mailbox):
    first = signed_in_with_trust(browser_at("198.51.100.11"), bob, mailbox)
    audit = Audit("web", ip_address="198.51.100.12")

    services.remove_device(bob, first, audit=audit)
    services.trust_device(bob, audit=Audit("web", ip_address="198.51.100.13", user_agent=ANDROID_FIREFOX))
    services.trust_device(bob, audit=Audit("web", ip_address="198.51.100.14", user_agent=WINDOWS_CHROME))
    assert services.remove_all_devices(bob, audit=audit) == 2
    assert services.remove_all_devices(bob, audit=audit) == 0

    removed = SecurityEvent.objects.filter(kind=Event.DEVICE_REMOVED).order_by("id")
    assert [(e.user, e.actor, e.ip_address, e.detail) for e in removed] == [
        (bob, bob, "198.51.100.12", "Chrome 120"),
        (bob, bob, "198.51.100.12", "all (2)"),
    ]
    assert not TrustedDevice.objects.filter(user=bob).exists()


def test_a_long_detail_and_address_are_cut_to_what_the_log_keeps(bob):
    event = services.record_event(
        Event.ROLE_CHANGED, audit=Audit("web"), user=bob, email="A" * 300 + "@example.com", detail="x" * 300
    )

    event.refresh_from_db()
    assert (len(event.detail), len(event.email)) == (255, 254)
    assert event.email == ("a" * 300 + "@example.com")[:254]
