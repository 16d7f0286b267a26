"""Attachments and profile pictures on S3-compatible object storage (`S3_BUCKET`), against a
real S3 server (SeaweedFS) that checks signatures: stored under unique keys, refused when
too large before anything reaches the bucket, downloaded only through the portal's access
check, deleted with their ticket's files."""

import io
import os
import subprocess
import sys
import urllib.error
import urllib.request

import botocore.exceptions
import pytest
from botocore.response import StreamingBody
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from sportello.testing.fixtures import make_ticket
from sportello.tickets import services
from sportello.tickets.files import delete_ticket_files
from sportello.tickets.models import Attachment

pytestmark = pytest.mark.django_db


def new_ticket_data(**files):
    return {
        "email": "bob@acme.example.com",
        "phone": "",
        "contact_preference": "web",
        "request_type": "assistance",
        "area": "administrative",
        "priority": "3",
        "title": "Scarto fattura",
        "description": "Allego il file dello scarto.",
        **files,
    }


def png(size=(400, 300), color="teal") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")


def test_the_s3_server_refuses_a_wrong_signature_and_anonymous_requests(s3_server, object_storage):
    key = f"{object_storage.prefix}/signed.txt"
    s3_server.client().put_object(Bucket=object_storage.bucket, Key=key, Body=b"secret")

    with pytest.raises(botocore.exceptions.ClientError) as wrong:
        s3_server.client(secret_key="not-the-secret").get_object(Bucket=object_storage.bucket, Key=key)
    with pytest.raises(urllib.error.HTTPError) as unsigned:
        urllib.request.urlopen(f"{s3_server.endpoint_url}/{object_storage.bucket}/{key}", timeout=5)

    assert wrong.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    assert wrong.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert unsigned.value.code == 403
    assert s3_server.client().get_object(Bucket=object_storage.bucket, Key=key)["Body"].read() == b"secret"


def test_an_attachment_goes_to_the_bucket_under_a_random_key_and_is_downloaded_through_the_portal(
    client, bob, acme, eve, globex, login, object_storage, media_root
):
    login(client, bob, acme)

    response = client.post(
        "/tickets/new/", new_ticket_data(attachments=[SimpleUploadedFile("scarto fattura.xml", b"<scarto/>")])
    )

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    [key] = object_storage.keys()
    assert key == f"{object_storage.prefix}/{attachment.file.name}"
    assert "scarto" not in key
    assert not any(media_root.rglob("*")), "nothing is written to the local disk"
    url = f"/tickets/attachments/{attachment.public_id}/"
    download = client.get(url)
    assert download.status_code == 200
    assert download.streaming
    assert b"".join(download.streaming_content) == b"<scarto/>"
    assert 'filename="scarto fattura.xml"' in download["Content-Disposition"]
    assert login(Client(), eve, globex).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_the_desk_downloads_an_attachment_from_the_bucket(oscar, bob, ticket, login, object_storage):
    services.reply_as_customer(bob, ticket, body="log", files=[SimpleUploadedFile("errore.log", b"Traceback")])
    attachment = Attachment.objects.get()

    response = login(Client(), oscar).get(f"/desk/attachments/{attachment.public_id}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Traceback"


def test_a_repeated_name_never_overwrites_a_stored_file(object_storage):
    first = default_storage.save("attachments/same-name", ContentFile(b"first"))
    second = default_storage.save("attachments/same-name", ContentFile(b"second"))

    assert first != second
    assert len(object_storage.keys()) == 2
    with default_storage.open(first) as stored:
        assert stored.read() == b"first"


def test_an_oversized_attachment_is_refused_and_nothing_reaches_the_bucket(
    client, bob, acme, login, settings, object_storage
):
    settings.ATTACHMENT_MAX_BYTES = 2048
    login(client, bob, acme)

    response = client.post("/tickets/new/", new_ticket_data(attachments=[SimpleUploadedFile("big.bin", b"x" * 4096)]))

    assert response.status_code == 400
    assert "big.bin" in response.text
    assert object_storage.keys() == []


def test_a_file_opened_for_reading_streams_from_the_bucket_instead_of_being_copied_first(object_storage):
    content = os.urandom(2 * 1024 * 1024)
    name = default_storage.save("attachments/large", ContentFile(content))

    with default_storage.open(name) as stored:
        assert isinstance(stored.file, StreamingBody)
        assert stored.read(1024) == content[:1024]
        assert stored.read() == content[1024:]


def test_a_missing_object_is_a_missing_file(object_storage):
    with pytest.raises(FileNotFoundError):
        default_storage.open("attachments/never-stored")


def test_a_profile_picture_replaces_the_old_one_in_the_bucket_and_is_served_to_colleagues_only(
    client, alice, bob, eve, login, object_storage
):
    login(client, bob)

    client.post("/account/profile/picture/", {"avatar": png(color="teal")})
    bob.refresh_from_db()
    first = bob.avatar.name
    client.post("/account/profile/picture/", {"avatar": png(color="orange")})
    bob.refresh_from_db()

    assert bob.avatar.name != first
    assert object_storage.keys() == [f"{object_storage.prefix}/{bob.avatar.name}"]
    url = f"/account/avatars/{bob.public_id}/"
    served = login(Client(), alice).get(url)
    assert served.status_code == 200
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as picture:
        assert picture.size == (256, 256)
    assert login(Client(), eve).get(url).status_code == 404


def test_a_picture_too_large_never_reaches_the_bucket(client, bob, login, settings, object_storage):
    settings.AVATAR_MAX_BYTES = 1024
    login(client, bob)

    response = client.post("/account/profile/picture/", {"avatar": png(size=(1500, 1500))})

    assert response.status_code == 400
    assert object_storage.keys() == []


def test_deleting_a_tickets_files_removes_them_from_the_bucket_and_nothing_else(
    acme, bob, oscar, login, object_storage
):
    erased = make_ticket(acme, bob)
    kept = make_ticket(acme, bob)
    services.reply_as_customer(bob, erased, body="a", files=[SimpleUploadedFile("a.txt", b"a")])
    services.reply_as_operator(oscar, erased, body="b", files=[SimpleUploadedFile("b.txt", b"b")], internal=True)
    services.reply_as_customer(bob, kept, body="c", files=[SimpleUploadedFile("c.txt", b"c")])
    erased_ids = list(Attachment.objects.filter(message__ticket=erased).values_list("public_id", flat=True))
    kept_attachment = Attachment.objects.get(message__ticket=kept)

    deleted = delete_ticket_files(erased)

    assert deleted == 2
    assert object_storage.keys() == [f"{object_storage.prefix}/{kept_attachment.file.name}"]
    assert list(Attachment.objects.values_list("pk", flat=True)) == [kept_attachment.pk]
    client = login(Client(), oscar)
    for public_id in erased_ids:
        assert client.get(f"/desk/attachments/{public_id}/").status_code == 404
    assert delete_ticket_files(erased) == 0, "running it again is safe"


def test_deleting_a_tickets_files_works_on_the_local_disk_too(acme, bob, media_root):
    ticket = make_ticket(acme, bob)
    services.reply_as_customer(bob, ticket, body="a", files=[SimpleUploadedFile("a.txt", b"a")])
    stored = media_root / Attachment.objects.get().file.name
    assert stored.exists()

    assert delete_ticket_files(ticket) == 1

    assert not stored.exists()
    assert not Attachment.objects.exists()


def test_the_bucket_is_configured_from_the_environment_and_the_local_disk_stays_the_default():
    show = (
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, *([s.bucket_name, s.location, s.endpoint_url, s.file_overwrite] "
        "if hasattr(s, 'bucket_name') else []))"
    )
    base = {"PATH": os.environ["PATH"], "DEBUG": "true", "DATABASE_URL": "sqlite:///:memory:"}
    s3 = {"S3_BUCKET": "portal-files", "S3_ENDPOINT_URL": "https://s3.example.com", "S3_PREFIX": "/sportello/"}

    def run(env):
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", show],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip() or done.stderr.strip().splitlines()[-1]

    assert run(base) == "FileSystemStorage"
    assert run({**base, **s3}) == "StreamingS3Storage portal-files sportello https://s3.example.com False"
    assert "S3_ADDRESSING_STYLE must be one of" in run({**base, **s3, "S3_ADDRESSING_STYLE": "sideways"})
