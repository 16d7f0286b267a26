"""A ticket's chat as its pages read it (tickets.chat.page_chat): the lines a reader may
see with their authors and files, by SQL the ORM writes once per process."""

from django.core.files.uploadedfile import SimpleUploadedFile

from sportello.accounts.models import User
from sportello.testing.compiled import models_compiled
from sportello.tickets import services
from sportello.tickets.chat import page_chat
from sportello.tickets.models import Attachment, Message, Ticket


def a_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"Traceback", content_type="text/plain")


def test_each_reader_sees_their_lines_with_authors_and_files(acme, bob, oscar, ticket):
    services.reply_as_operator(oscar, ticket, body="Eccomi", files=[a_file("risposta.log")], internal=False)
    services.reply_as_operator(oscar, ticket, body="Nota", files=[a_file("nota.log")], internal=True)
    ticket = Ticket.objects.get(pk=ticket.pk)

    customers = page_chat(ticket)
    operators = page_chat(ticket, include_internal=True)

    every = Message.objects.filter(ticket=ticket).order_by("created_at", "id")
    assert [line.pk for line in operators] == [message.pk for message in every]
    assert [line.pk for line in customers] == [message.pk for message in every if not message.is_internal]
    files = lambda chat: [(line.pk, f.original_name) for line in chat for f in line.files]  # noqa: E731
    assert [name for _pk, name in files(customers)] == ["risposta.log"]
    assert [name for _pk, name in files(operators)] == ["risposta.log", "nota.log"]
    assert files(operators) == [(a.message_id, a.original_name) for a in Attachment.objects.order_by("id")]
    authors = {line.author.display_name for line in operators if line.author}
    assert authors == {bob.display_name, oscar.display_name}


def test_the_chats_sql_is_written_once_per_process(client, bob, acme, oscar, ticket, login):
    services.reply_as_operator(oscar, ticket, body="Eccomi", files=[a_file("risposta.log")], internal=False)
    read = {Ticket, Message, Attachment, User}

    login(client, bob, acme)
    client.get(f"/tickets/{ticket.pk}/chat/")
    assert not read & models_compiled(client, f"/tickets/{ticket.pk}/chat/")

    login(client, oscar)
    client.get(f"/desk/tickets/{ticket.pk}/chat/")
    assert not read & models_compiled(client, f"/desk/tickets/{ticket.pk}/chat/")
