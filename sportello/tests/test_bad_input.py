"""Malformed input gets the form back with a message, never a server error (issue 14, item 7)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sportello.testing.fixtures import PASSWORD, sign_in
from sportello.tickets.models import Message

pytestmark = [pytest.mark.django_db, pytest.mark.faults]


@pytest.mark.parametrize(
    "next_url", ["x", "dashboard:home", "javascript:alert(1)", "//evil.example.com/", "https://evil.example.com/"]
)
def test_a_next_address_that_is_not_a_path_of_the_portal_is_ignored(next_url, alice, acme):
    signed_in = sign_in(Client(), alice, acme)

    language = signed_in.post("/account/language/", {"language": "en", "next": next_url})
    landing = signed_in.get("/companies/start/", {"next": next_url})
    login = Client().post("/account/login/", {"email": alice.email, "password": PASSWORD, "next": next_url})

    assert language.status_code == 302 and language.url == "/"
    assert landing.status_code == 302 and landing.url == "/dashboard/"
    assert login.status_code == 302


def test_a_next_path_of_the_portal_is_followed(alice, acme):
    response = sign_in(Client(), alice, acme).post("/account/language/", {"language": "en", "next": "/tickets/"})

    assert response.url == "/tickets/"


def test_the_sign_in_pages_answer_head_requests(client):
    for url in ("/account/login/", "/account/password/recover/"):
        assert client.head(url).status_code == 200, url


@pytest.mark.parametrize(
    "layout",
    [
        '[{"id": "w1", "kind": ["ticket_list"], "x": 0, "y": 0, "w": 6, "h": 4}]',
        '[{"id": "w1", "kind": {"a": 1}, "x": 0, "y": 0, "w": 6, "h": 4}]',
        '[{"id": "w1", "kind": "ticket_list", "x": [0], "y": 0, "w": 6, "h": 4}]',
        "[" * 5000 + "]" * 5000,
        '{"not": "a list"}',
    ],
)
def test_a_malformed_dashboard_layout_is_refused_with_a_message(layout, bob, acme):
    response = sign_in(Client(), bob, acme).post("/dashboard/layout/", {"layout": layout})

    assert response.status_code == 400
    assert response.json()["errors"]


def test_too_many_files_sent_past_the_browser_check_keep_what_was_typed(bob, acme, ticket):
    files = [SimpleUploadedFile(f"log{n}.txt", b"x") for n in range(11)]

    response = sign_in(Client(), bob, acme).post(
        f"/tickets/{ticket.pk}/reply/", {"body": "Ecco i log del programma", "attachments": files}
    )

    assert response.status_code == 400
    assert "al massimo 10 file" in response.text
    assert "Ecco i log del programma" in response.text
    assert not Message.objects.filter(body="Ecco i log del programma").exists()
