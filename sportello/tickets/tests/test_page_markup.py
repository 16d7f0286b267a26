"""Small things of the ticket pages' markup: the chat's count counts messages, times carry
whole seconds, areas in a list's row are one word with the full name for screen readers,
attachment sizes are in the person's language."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sportello.testing.fixtures import make_ticket
from sportello.tickets import services

pytestmark = pytest.mark.django_db


def test_the_chats_count_counts_messages_not_events(client, bob, acme, oscar, login):
    ticket = make_ticket(acme, bob)
    services.take(oscar, ticket)
    services.change_status(oscar, ticket, "postponed")
    services.reply_as_operator(oscar, ticket, body="Ci serve il numero del DDT.")
    login(client, bob, acme)

    page = client.get(f"/tickets/{ticket.pk}/").text

    assert page.count('class="chat-event"') >= 2
    assert '<p class="visually-hidden" id="chat-status" role="status">2 messaggi</p>' in page


def test_chat_times_have_whole_seconds(client, bob, acme, ticket, login):
    login(client, bob, acme)

    times = re.findall(r'<time datetime="([^"]+)"', client.get(f"/tickets/{ticket.pk}/").text)

    assert times
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", moment) for moment in times), times


def test_a_list_row_names_the_area_in_one_word_and_in_full_for_screen_readers(client, bob, acme, login):
    make_ticket(acme, bob, area="systems")
    login(client, bob, acme)

    page = client.get("/tickets/").text

    assert (
        '<span class="area-short" title="Richiesta su tematiche di tipo sistemistico" aria-hidden="true">Sistemistica'
        '</span><span class="visually-hidden">Richiesta su tematiche di tipo sistemistico</span>'
    ) in page


def test_attachment_sizes_are_written_in_the_persons_language(client, bob, acme, login):
    ticket = make_ticket(acme, bob)
    services.reply_as_customer(
        bob,
        ticket,
        body="Allego i file.",
        files=[SimpleUploadedFile("a.txt", b"x" * 305), SimpleUploadedFile("b.txt", b"x" * 2048)],
    )
    login(client, bob, acme)

    page = client.get(f"/tickets/{ticket.pk}/").text

    assert "(305 byte)" in page and "(2,0\xa0kB)" in page
