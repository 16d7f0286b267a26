"""Reading a ticket's chat: the customers' and the operators' pages show the same lines."""

from sportello.accounts.models import User

from .models import Attachment, Message, Ticket

# What a chat line shows of a message (not the typed text: its HTML was rendered when the
# message was written) and of its author (not the password hash and the rest of the account).
CHAT_FIELDS = ["id", "tenant_id", "ticket_id", "kind", "is_internal", "author_id", "body_html", "event", "old_value",
               "new_value", "created_at"]  # fmt: skip
AUTHOR_FIELDS = ["id", "first_name", "last_name", "email", "is_operator"]


def chat_messages(ticket: Ticket, *, include_internal: bool = False, extra_fields=()) -> list[Message]:
    """The chat of `ticket` in order, with authors and attachments, in three queries
    (`extra_fields`: more of Message's fields to read, such as the API's "body").

    A long chat has hundreds of messages by a handful of people: each author is read
    once (not joined to every message) and each message gets its attachments as
    `message.files`, grouped here from one query, which costs a fraction of what
    select_related and prefetch_related build for 200 rows."""
    queryset = Message.objects.for_tenant(ticket.tenant).filter(ticket=ticket)
    if not include_internal:
        queryset = queryset.public()
    chat = list(queryset.only(*CHAT_FIELDS, *extra_fields))
    authors = User.objects.only(*AUTHOR_FIELDS).in_bulk({m.author_id for m in chat if m.author_id})
    files: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.for_tenant(ticket.tenant).filter(message__in=[m.pk for m in chat]):
        files.setdefault(attachment.message_id, []).append(attachment)
    author_field = Message._meta.get_field("author")
    for message in chat:
        author_field.set_cached_value(message, authors.get(message.author_id))
        message.files = files.get(message.pk, [])
    return chat
