"""Reading a ticket's chat: the customers' and the operators' pages show the same lines."""

from sportello.accounts.models import User, display_name_of
from sportello.lib.compiled import CompiledQuery

from .models import Attachment, Message, Ticket, describe_event

# What a chat line shows of a message (not the typed text: its HTML was rendered when the
# message was written) and of its author (not the password hash and the rest of the account).
CHAT_FIELDS = ["id", "tenant_id", "ticket_id", "kind", "is_internal", "author_id", "body_html", "event", "old_value",
               "new_value", "created_at"]  # fmt: skip
AUTHOR_FIELDS = ["id", "first_name", "last_name", "email", "is_operator"]
# The same, in the order of ChatLine's and ChatFile's slots.
LINE_FIELDS = ["id", "kind", "is_internal", "author_id", "body_html", "event", "old_value", "new_value", "created_at"]
FILE_FIELDS = ["message_id", "public_id", "original_name", "size"]


def _messages(ticket: Ticket, include_internal: bool):
    """The messages of `ticket` a reader may see, in the chat's order."""
    queryset = Message.objects.for_tenant(ticket.tenant).filter(ticket=ticket)
    return queryset if include_internal else queryset.public()


def chat_messages(ticket: Ticket, *, include_internal: bool = False, extra_fields=()) -> list[Message]:
    """The chat of `ticket` in order, with authors and attachments, in three queries
    (`extra_fields`: more of Message's fields to read, such as the API's "body").

    A long chat has hundreds of messages by a handful of people: each author is read
    once (not joined to every message) and each message gets its attachments as
    `message.files`, grouped here from one query, which costs a fraction of what
    select_related and prefetch_related build for 200 rows."""
    chat = list(_messages(ticket, include_internal).only(*CHAT_FIELDS, *extra_fields))
    authors = User.objects.only(*AUTHOR_FIELDS).in_bulk({m.author_id for m in chat if m.author_id})
    files: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.for_tenant(ticket.tenant).filter(message__in=[m.pk for m in chat]):
        files.setdefault(attachment.message_id, []).append(attachment)
    author_field = Message._meta.get_field("author")
    for message in chat:
        author_field.set_cached_value(message, authors.get(message.author_id))
        message.files = files.get(message.pk, [])
    return chat


class ChatAuthor:
    """The author of chat lines, as a line shows them."""

    __slots__ = ("display_name", "is_operator")

    def __init__(self, display_name: str, is_operator: bool):
        self.display_name = display_name
        self.is_operator = is_operator


class ChatFile:
    """An attachment of a chat line: what its link shows."""

    __slots__ = ("message_id", "original_name", "public_id", "size")

    def __init__(self, message_id, public_id, original_name, size):
        self.message_id, self.public_id, self.original_name, self.size = message_id, public_id, original_name, size


class ChatLine:
    """One line of a chat as the pages show it (tickets/chat_lines.html): a message's
    fields read as a plain row, its author (a ChatAuthor, None for a deleted account) and
    its attachments (`files`)."""

    __slots__ = (
        "author",
        "author_id",
        "body_html",
        "created_at",
        "event",
        "files",
        "is_internal",
        "kind",
        "new_value",
        "old_value",
        "pk",
    )  # fmt: skip

    def __init__(self, pk, kind, is_internal, author_id, body_html, event, old_value, new_value, created_at):
        self.pk, self.kind, self.is_internal, self.author_id = pk, kind, is_internal, author_id
        self.body_html, self.event, self.old_value, self.new_value = body_html, event, old_value, new_value
        self.created_at = created_at
        self.author = None
        self.files = []

    def event_description(self) -> str:
        """What Message.event_description says of the same message."""
        author_name = self.author.display_name if self.author else None
        return describe_event(self.event, self.old_value, self.new_value, author_name)


def _chat_queries(include_internal: bool) -> tuple[CompiledQuery, CompiledQuery, CompiledQuery]:
    """The chat's three reads for page_chat (the messages, their authors, their attachments),
    each by SQL written once per process: the authors and the attachments are those of the
    ticket's messages the reader sees, picked by the database (subquery, join) rather than by
    a list of 200 ids that the ORM turned into SQL on every view."""

    def lines(tenant, ticket):
        return _messages_of(tenant, ticket, include_internal).values_list(*LINE_FIELDS)

    def authors(tenant, ticket):
        written = _messages_of(tenant, ticket, include_internal).values("author_id")
        return User.objects.filter(pk__in=written).values_list(*AUTHOR_FIELDS)

    def attachments(tenant, ticket):
        files = Attachment.objects.for_tenant(tenant).filter(message__ticket=ticket)
        if not include_internal:
            files = files.filter(message__is_internal=False)
        return files.order_by("id").values_list(*FILE_FIELDS)

    return tuple(CompiledQuery(read, "tenant", "ticket") for read in (lines, authors, attachments))


def _messages_of(tenant, ticket, include_internal: bool):
    queryset = Message.objects.for_tenant(tenant).filter(ticket=ticket)
    return queryset if include_internal else queryset.public()


CHAT_QUERIES = {include_internal: _chat_queries(include_internal) for include_internal in (False, True)}


def page_chat(ticket: Ticket, *, include_internal: bool = False) -> list[ChatLine]:
    """The chat of `ticket` for its page, in three queries: what chat_messages reads, as
    plain rows rather than models. A chat of 200 messages built 200 Message instances with
    deferred fields; a line needs none of a model's methods, and a row costs a fraction.
    The queries' SQL is written once per process (_chat_queries)."""
    messages, authors, attachments = CHAT_QUERIES[include_internal]
    keys = {"tenant": ticket.tenant_id, "ticket": ticket.pk}
    chat = [ChatLine(*row) for row in messages.rows(**keys)]
    people = {
        pk: ChatAuthor(display_name_of(first, last, email, operator), operator)
        for pk, first, last, email, operator in (authors.rows(**keys) if any(line.author_id for line in chat) else ())
    }
    by_pk = {}
    for line in chat:
        line.author = people.get(line.author_id)
        by_pk[line.pk] = line
    for row in attachments.rows(**keys) if chat else ():
        line = by_pk.get(row[0])  # None: a message written since the first read
        if line is not None:
            line.files.append(ChatFile(*row))
    return chat
