"""Attachments: stored under random names, served only to the company, always as downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sportello.tickets import services
from sportello.tickets.models import Attachment
from sportello.tickets.services import clean_filename

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(bob, ticket):
    services.reply_as_customer(
        bob, ticket, body="log", files=[SimpleUploadedFile('re"port<1>.html', b"<script>x</script>")]
    )
    return Attachment.objects.get()


def test_an_attachment_downloads_under_its_cleaned_name_and_is_never_rendered(client, bob, acme, attachment, login):
    login(client, bob, acme)

    response = client.get(f"/tickets/attachments/{attachment.public_id}/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "re_port_1_.html" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<script>x</script>"


def test_another_company_and_strangers_get_404_or_the_login(alice, eve, globex, attachment, login):
    url = f"/tickets/attachments/{attachment.public_id}/"

    assert login(Client(), eve, globex).get(url).status_code == 404
    assert Client().get(url).url.startswith("/account/login/")


def test_attachments_of_internal_notes_are_not_served_to_customers(client, bob, acme, ticket, oscar, login):
    services.reply_as_operator(
        oscar, ticket, body="nota", files=[SimpleUploadedFile("interno.txt", b"x")], internal=True
    )
    note_attachment = Attachment.objects.get()
    login(client, bob, acme)

    assert client.get(f"/tickets/attachments/{note_attachment.public_id}/").status_code == 404
    assert login(Client(), oscar).get(f"/desk/attachments/{note_attachment.public_id}/").status_code == 200


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("C:\\Users\\bob\\Desktop\\fattura.pdf", "fattura.pdf"),
        ("../../etc/passwd", "passwd"),
        ("a\x00b\nc.txt", "a_b_c.txt"),
        ("...", "allegato"),
        ("x" * 300 + ".pdf", "x" * 140 + ".pdf"),
        ("résumé.docx", "résumé.docx"),
    ],
)
def test_file_names_are_cleaned(name, cleaned):
    from django.utils import translation

    with translation.override("it"):
        assert clean_filename(name) == cleaned
