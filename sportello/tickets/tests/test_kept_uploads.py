"""Files sent with a form that comes back with errors are kept for its next try (issue 15,
item 6): listed as already attached, removable, attached when the form goes through,
never anyone else's, deleted after a while."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sportello.testing.fixtures import sign_in
from sportello.tickets import tasks
from sportello.tickets.models import Attachment, PendingUpload, Ticket
from sportello.tickets.tests.test_new_ticket import ticket_data

pytestmark = pytest.mark.django_db


def files(*names):
    return [SimpleUploadedFile(name, f"content of {name}".encode()) for name in names]


def kept_ids(response) -> list[str]:
    import re

    return re.findall(r'name="kept_uploads" value="([0-9a-f-]+)"', response.text)


def test_files_of_a_form_with_errors_are_listed_and_attached_when_it_is_sent_again(bob, acme):
    client = sign_in(Client(), bob, acme)

    failed = client.post("/tickets/new/", {**ticket_data(title=""), "attachments": files("log.txt", "screen.png")})

    assert failed.status_code == 400
    assert "log.txt" in failed.text and "screen.png" in failed.text and "Già allegati" in failed.text
    kept = kept_ids(failed)
    assert len(kept) == 2
    sent = client.post("/tickets/new/", {**ticket_data(title="Con allegati"), "kept_uploads": kept})
    assert sent.status_code == 302
    ticket = Ticket.objects.get(title="Con allegati")
    attached = Attachment.objects.filter(message__ticket=ticket)
    assert sorted(attached.values_list("original_name", flat=True)) == ["log.txt", "screen.png"]
    assert attached.get(original_name="log.txt").file.read() == b"content of log.txt"
    assert not PendingUpload.objects.exists()


def test_a_kept_file_ticked_remove_is_not_attached_and_new_files_join_the_kept_ones(bob, acme):
    client = sign_in(Client(), bob, acme)
    failed = client.post("/tickets/new/", {**ticket_data(title=""), "attachments": files("a.txt", "b.txt")})
    first, second = kept_ids(failed)

    client.post(
        "/tickets/new/",
        {**ticket_data(title="Scelta"), "kept_uploads": [first, second], "drop_uploads": [second],
         "attachments": files("c.txt")},
    )  # fmt: skip

    names = Attachment.objects.filter(message__ticket__title="Scelta").values_list("original_name", flat=True)
    assert sorted(names) == ["a.txt", "c.txt"]


def test_kept_and_new_files_together_respect_the_limit(bob, acme, settings):
    settings.ATTACHMENT_MAX_FILES = 3
    client = sign_in(Client(), bob, acme)
    kept = kept_ids(client.post("/tickets/new/", {**ticket_data(title=""), "attachments": files("a", "b")}))

    response = client.post(
        "/tickets/new/", {**ticket_data(title="Troppi"), "kept_uploads": kept, "attachments": files("c", "d")}
    )

    assert response.status_code == 400
    assert "al massimo 3 file" in response.text
    assert not Ticket.objects.filter(title="Troppi").exists()


def test_a_reply_with_errors_keeps_its_files_too(bob, acme, ticket, oscar):
    customer = sign_in(Client(), bob, acme)
    failed = customer.post(f"/tickets/{ticket.pk}/reply/", {"body": "", "attachments": files("reply.txt")})
    customer.post(f"/tickets/{ticket.pk}/reply/", {"body": "Ecco", "kept_uploads": kept_ids(failed)})
    operator = sign_in(Client(), oscar)
    failed = operator.post(f"/desk/tickets/{ticket.pk}/reply/", {"body": "", "attachments": files("answer.txt")})
    operator.post(f"/desk/tickets/{ticket.pk}/reply/", {"body": "Risposta", "kept_uploads": kept_ids(failed)})

    names = set(Attachment.objects.filter(message__ticket=ticket).values_list("original_name", flat=True))
    assert {"reply.txt", "answer.txt"} <= names


def test_nobody_can_attach_files_kept_by_someone_else(bob, alice, acme, eve, globex):
    kept = kept_ids(
        sign_in(Client(), bob, acme).post("/tickets/new/", {**ticket_data(title=""), "attachments": files("b.txt")})
    )

    for person, company in ((alice, acme), (eve, globex)):
        sign_in(Client(), person, company).post(
            "/tickets/new/", {**ticket_data(title=f"Furto {person.first_name}"), "kept_uploads": kept}
        )

    assert not Attachment.objects.filter(original_name="b.txt").exists()
    assert PendingUpload.objects.count() == 1


def test_files_never_sent_again_are_deleted_with_their_storage_after_a_while(bob, acme, settings, clock):
    settings.PENDING_UPLOAD_HOURS = 24
    sign_in(Client(), bob, acme).post("/tickets/new/", {**ticket_data(title=""), "attachments": files("old.txt")})
    upload = PendingUpload.objects.get()
    storage, name = upload.file.storage, upload.file.name

    clock.shift(timedelta(hours=23))
    assert tasks.prune_pending_uploads.call() == 0
    clock.shift(timedelta(hours=2))
    assert tasks.prune_pending_uploads.call() == 1

    assert not PendingUpload.objects.exists() and not storage.exists(name)
