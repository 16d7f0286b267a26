"""The profile: name, password, picture, trusted devices."""

import io

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from sportello.accounts.models import TrustedDevice
from sportello.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
PROFILE = "/account/profile/"


def image_file(name="me.jpg", size=(800, 600), fmt="JPEG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def make_device(user, browser="Chrome 156"):
    from datetime import timedelta

    from django.utils import timezone

    return TrustedDevice.objects.create(
        user=user, token_hash=TrustedDevice.new_token(), browser=browser, expires_at=timezone.now() + timedelta(days=1)
    )


def test_the_profile_needs_a_login(client):
    assert client.get(PROFILE).url.startswith("/account/login/")


def test_the_name_is_saved(client, bob, login):
    login(client, bob)

    client.post(PROFILE, {"first_name": "Roberto", "last_name": "Bruni", "phone": "", "language": "it"})

    bob.refresh_from_db()
    assert bob.full_name == "Roberto Bruni"


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(client, bob, login):
    other = login(Client(), bob)
    login(client, bob)

    refused = client.post(
        "/account/profile/password/",
        {"old_password": "wrong", "new_password1": "Brand-new-secret-7", "new_password2": "Brand-new-secret-7"},
    )
    assert refused.status_code == 400
    assert "La password attuale non è corretta" in refused.text
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)

    client.post(
        "/account/profile/password/",
        {"old_password": PASSWORD, "new_password1": "Brand-new-secret-7", "new_password2": "Brand-new-secret-7"},
    )

    bob.refresh_from_db()
    assert bob.check_password("Brand-new-secret-7")
    assert client.get(PROFILE).status_code == 200, "this session stays"
    assert other.get(PROFILE).status_code == 302, "the other session has ended"


def test_a_picture_is_cropped_resized_and_served_to_colleagues_only(client, alice, bob, eve, oscar, login):
    login(client, bob)

    client.post("/account/profile/picture/", {"avatar": image_file()})

    bob.refresh_from_db()
    with Image.open(bob.avatar.open("rb")) as stored:
        assert stored.size == (256, 256)
        assert stored.format == "PNG"
    url = f"/account/avatars/{bob.public_id}/"
    assert client.get(url).status_code == 200
    assert login(Client(), alice).get(url).status_code == 200
    assert login(Client(), oscar).get(url).status_code == 200
    assert login(Client(), eve).get(url).status_code == 404


def test_a_file_that_is_not_an_image_is_refused(client, bob, login):
    login(client, bob)

    response = client.post(
        "/account/profile/picture/", {"avatar": SimpleUploadedFile("me.jpg", b"<script>alert(1)</script>")}
    )

    assert response.status_code == 400
    bob.refresh_from_db()
    assert not bob.avatar


def test_a_picture_too_large_is_refused(client, bob, login, settings):
    settings.AVATAR_MAX_BYTES = 1024
    login(client, bob)

    response = client.post("/account/profile/picture/", {"avatar": image_file(size=(1500, 1500), fmt="PNG")})

    assert response.status_code == 400
    assert "troppo grande" in response.text
    bob.refresh_from_db()
    assert not bob.avatar


def test_the_picture_can_be_removed(client, bob, login):
    login(client, bob)
    client.post("/account/profile/picture/", {"avatar": image_file()})
    bob.refresh_from_db()
    name = bob.avatar.name

    client.post("/account/profile/picture/remove/")

    bob.refresh_from_db()
    assert not bob.avatar
    assert not bob.avatar.storage.exists(name)


def test_trusted_devices_are_listed_and_removed_one_or_all(client, bob, login):
    first, second, third = make_device(bob, "Chrome 156"), make_device(bob, "Edge 150"), make_device(bob, "Firefox 140")
    login(client, bob)

    page = client.get(PROFILE)
    assert "Chrome 156" in page.text and "Edge 150" in page.text

    client.post(f"/account/profile/devices/{first.public_id}/remove/")
    assert list(TrustedDevice.objects.filter(user=bob)) == [third, second] or set(
        TrustedDevice.objects.filter(user=bob)
    ) == {second, third}

    client.post("/account/profile/devices/remove/")
    assert not TrustedDevice.objects.filter(user=bob).exists()


def test_nobody_removes_someone_elses_device(client, alice, bob, login):
    device = make_device(alice)
    login(client, bob)

    assert client.post(f"/account/profile/devices/{device.public_id}/remove/").status_code == 404
    assert TrustedDevice.objects.filter(pk=device.pk).exists()


def test_profile_changes_only_answer_post(client, bob, login):
    login(client, bob)
    device = make_device(bob)

    for url in (
        "/account/profile/password/",
        "/account/profile/picture/",
        "/account/profile/devices/remove/",
        f"/account/profile/devices/{device.public_id}/remove/",
    ):
        assert client.get(url).status_code == 405
    assert TrustedDevice.objects.filter(pk=device.pk).exists()
    assert Session.objects.count() == 1


def png(width: int, height: int, body: bytes) -> bytes:
    """A PNG file whose header declares `width` × `height` 8-bit grey pixels, with `body`
    as its compressed pixel data (which may be short of what the header promises)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@pytest.mark.faults
def test_a_decompression_bomb_is_refused_from_its_header_before_any_pixel_is_decoded(client, bob, login):
    """13,000 × 13,000 pixels in 160 KB of zeros: 169 million pixels to decode."""
    import zlib

    bomb = png(13000, 13000, zlib.compress(b"\x00" * 16 * 1024 * 1024, 9))
    login(client, bob)

    response = client.post("/account/profile/picture/", {"avatar": SimpleUploadedFile("bomb.png", bomb)})

    assert response.status_code == 400
    assert "troppi pixel" in response.text
    bob.refresh_from_db()
    assert not bob.avatar


@pytest.mark.faults
def test_a_picture_just_over_the_pixel_limit_is_refused_with_the_same_message(client, bob, login, settings):
    settings.AVATAR_MAX_PIXELS = 1000 * 1000
    login(client, bob)

    response = client.post("/account/profile/picture/", {"avatar": image_file(size=(1001, 1000), fmt="PNG")})

    assert response.status_code == 400
    assert "troppi pixel" in response.text


@pytest.mark.faults
def test_a_truncated_picture_is_a_message_not_an_error(client, bob, login):
    truncated = png(64, 64, b"\x78\x9c\x63\x60")  # a zlib stream cut after four bytes
    login(client, bob)

    response = client.post("/account/profile/picture/", {"avatar": SimpleUploadedFile("cut.png", truncated)})

    assert response.status_code == 400
    assert "non può essere letta" in response.text
    bob.refresh_from_db()
    assert not bob.avatar
