"""The profile's trusted devices: the browser in use is marked "questo dispositivo", and
rows of the same browser are told apart by their first and last use and address."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from sportello.accounts.models import TrustedDevice, hash_device_token

pytestmark = pytest.mark.django_db


def trusted(user, token: str, first_used, address: str) -> TrustedDevice:
    return TrustedDevice.objects.create(
        user=user,
        token_hash=hash_device_token(token),
        browser="HeadlessChrome 156",
        operating_system="Linux",
        created_at=first_used,
        last_used_at=first_used,
        last_ip=address,
        expires_at=timezone.now() + timedelta(days=30),
    )


def test_the_browser_in_use_is_marked_and_twin_rows_differ(client, bob, login):
    now = timezone.localtime().replace(second=0, microsecond=0)
    trusted(bob, "token-of-this-browser", now - timedelta(days=2), "10.0.0.1")
    trusted(bob, "token-of-another-browser", now - timedelta(days=1), "10.0.0.2")
    login(client, bob)
    client.cookies[settings.TRUSTED_DEVICE_COOKIE_NAME] = "token-of-this-browser"

    page = client.get("/account/profile/").text

    assert page.count("questo dispositivo") == 1
    this_row = page[page.index("10.0.0.1") - 400 : page.index("10.0.0.1")]
    assert "questo dispositivo" in this_row
    first = (now - timedelta(days=2)).strftime("%d/%m/%Y %H:%M")
    assert f"Primo utilizzo il {first}" in page and "dall'indirizzo 10.0.0.2" in page
    removes = {line.strip() for line in page.splitlines() if "usato la prima volta il" in line}
    assert len(removes) == 2, "the two remove buttons have names of their own"


def test_without_the_cookie_no_device_is_marked(client, bob, login):
    trusted(bob, "token-of-this-browser", timezone.now(), "10.0.0.1")
    login(client, bob)

    assert "questo dispositivo" not in client.get("/account/profile/").text
