"""Template helpers of the ticket pages.

The rows of the lists and the lines of the chat are Jinja2 partials (see
sportello/lib/partials.py); the tags here gather what they show (the labels of the
choices, translated once per page or once per process and language) and render them."""

import math
from functools import lru_cache
from operator import attrgetter

from django import template
from django.template import engines
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from sportello.lib.humanize import file_size, time_since
from sportello.lib.partials import UUID_PLACEHOLDER, render_django_escaped, render_partial, url_maker
from sportello.lib.templatetags.fields import filter_fields
from sportello.tickets.listing import TicketRow
from sportello.tickets.models import (
    AREA_EXAMPLES,
    AREA_SHORT_LABELS,
    Area,
    ContactPreference,
    Message,
    Priority,
    Status,
)

register = template.Library()

STATUS_BADGES = {
    Status.UNASSIGNED: "badge-orange",
    Status.WAITING: "badge-blue",
    Status.POSTPONED: "badge-violet",
    Status.IN_DEVELOPMENT: "badge-blue",
    Status.CLOSED: "",
}
PRIORITY_BADGES = {Priority.LOW: "", Priority.NORMAL: "", Priority.HIGH: "badge-orange", Priority.BLOCKING: "badge-red"}
CONTACT_PREFERENCE_HELP = {
    ContactPreference.WEB: _("Answer through the portal."),
    ContactPreference.PHONE: _("You will be contacted by phone if possible."),
}


@register.filter
def waited(since) -> str:
    """How long ago `since` was, in words ("5 minuti", "3 ore", "2 giorni"); "" for None."""
    return time_since(since) if since is not None else ""


@register.filter
def size(value) -> str:
    """A file size in the active language ("305 byte", "2,0 kB")."""
    return file_size(int(value))


@register.filter
def status_badge(status) -> str:
    return STATUS_BADGES.get(status, "")


@register.filter
def area_examples(area) -> str:
    return AREA_EXAMPLES.get(area, "")


@register.filter
def contact_preference_help(preference) -> str:
    return CONTACT_PREFERENCE_HELP.get(preference, "")


@register.filter
def closable_time(ticket) -> str:
    """When a customer may close `ticket` (rule R9), rounded up to the minute: at 13:07:10
    the ticket may be closed, so "13:08" is never a promise the server breaks."""
    return timezone.localtime(ticket.closable_from_minute()).strftime("%H:%M")


@register.filter
def seconds_until_closable(ticket) -> int:
    """Whole seconds (rounded up) until a customer may close `ticket`; 0 when they may."""
    return max(math.ceil((ticket.closable_from() - timezone.now()).total_seconds()), 0)


@register.simple_tag
def attachment_messages() -> dict:
    """The server's messages about attachments, for the browser's check: "{file}" stands
    for a file's name."""
    from sportello.tickets.forms import too_large_message, too_many_message

    return {"too_large": too_large_message("{file}"), "too_many": too_many_message()}


@register.filter
def message_count(chat) -> int:
    """How many messages (replies and notes) a chat has; its events are not messages."""
    return sum(1 for message in chat if message.kind != Message.Kind.EVENT)


def _row_context(rows, detail_name: str, columns: int) -> dict:
    cells = choice_cells(get_language())
    return {
        "rows": rows,
        "columns": columns,
        "now": timezone.now(),
        "tz": timezone.get_current_timezone(),
        "closed_status": Status.CLOSED,
        "area_cells": cells["area"],
        "status_cells": cells["status"],
        "priority_cells": cells["priority"],
        "detail_url": url_maker(detail_name),
    }


@lru_cache(maxsize=8)
def choice_cells(language: str) -> dict:
    """The cells of a row's area, status and priority for each of their values, in
    `language` (the active one): {"area": {value: HTML}, "status": …, "priority": …}. The
    same on every page, so written once per process and language (tickets/shared_cells.html's
    macros) rather than escaped and looked up again in every row."""
    macros = engines["jinja2"].env.get_template("tickets/shared_cells.html").module
    status_label, priority_label = gettext("Status"), gettext("Priority")
    return {
        "area": {area: macros.area_cell(str(area.label), str(AREA_SHORT_LABELS[area])) for area in Area},
        "status": {
            status: macros.badge_cell(status_label, STATUS_BADGES[status], str(status.label)) for status in Status
        },
        "priority": {
            priority: macros.badge_cell(priority_label, PRIORITY_BADGES[priority], str(priority.label))
            for priority in Priority
        },
    }


@register.simple_tag
def ticket_rows(rows):
    """The rows of the customers' list (tickets/list.html)."""
    return render_partial("tickets/ticket_rows.html", _row_context(rows, "tickets:detail", 9))


@register.simple_tag(takes_context=True)
def ticket_list_body(context):
    """The body of the customers' list (tickets/list.html): its filter panel and rows."""
    from sportello.lib.templatetags.shell import page_context

    fields = filter_fields("tickets/list_filters.html", context["form"])
    body = page_context(context, rows=ticket_rows(context["page"].rows), filter_fields=fields)
    return render_django_escaped("tickets/list_body.html", body)


@register.simple_tag
def queue_rows(rows):
    """The rows of the operators' queue (desk/queue.html)."""
    return _rows("tickets/queue_rows.html", rows, "desk:ticket", 8)


# Everything a row can show: each field of a TicketRow (a field added to it is part of the
# key as it is added), and the moments whose time since a row may write.
_ROW_VALUES = attrgetter(*TicketRow.__slots__)
_MOMENTS = attrgetter("created_at", "closed_at", "last_reply_at", "awaiting_vendor_since")


def _rows(template_name: str, rows, detail_name: str, columns: int):
    """The rows of the queue written by `template_name`, kept per process (an LRU of 64
    pages of rows): the queue's first page is the same 25 tickets for every operator on
    nearly every view until one of them changes, and writing them was a third of the page.
    They depend only on the rows' fields, the language, the time zone, the pages' address
    and how long ago each of the rows' moments was, as time_since() writes it; rows that
    are not TicketRow are written each time. (A company's list is not kept: few people see
    each company's, and 64 pages would rarely hold it again.)"""
    context = _row_context(rows, detail_name, columns)
    if not all(type(row) is TicketRow for row in rows):
        return render_partial(template_name, context)
    now = context["now"]
    key = (
        template_name,
        get_language(),
        context["tz"],
        context["detail_url"](""),
        columns,
        tuple(_ROW_VALUES(row) for row in rows),
        tuple(_time_since(moment, now) for row in rows for moment in _MOMENTS(row)),
    )
    return _kept_rows(_Rows(key, context))


def _time_since(moment, now) -> tuple | None:
    """What time_since() writes of `moment`: the whole days, else hours, else minutes (the
    rows are written again when that changes, not at every minute of an old ticket)."""
    if moment is None:
        return None
    minutes = max(int((now - moment).total_seconds()), 0) // 60
    if minutes >= 1440:
        return ("days", minutes // 1440)
    return ("hours", minutes // 60) if minutes >= 60 else ("minutes", minutes)


class _Rows:
    """Rows to write: compared and hashed by their key; the context is the first request's."""

    def __init__(self, key: tuple, context: dict):
        self.key, self.context = key, context

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, _Rows) and self.key == other.key


@lru_cache(maxsize=64)
def _kept_rows(rows: _Rows):
    return render_partial(rows.key[0], rows.context)


@register.simple_tag
def chat_lines(chat, attachment_url_name=""):
    """The lines of a ticket's chat (tickets/partials/chat.html). Messages read by
    tickets.chat.page_chat (or chat_messages) carry their attachments as `files`; others
    read theirs."""
    from sportello.lib.templatetags.icons import icon

    for message in chat:
        if not hasattr(message, "files"):
            message.files = list(message.attachments.all())
    context = {
        "chat": chat,
        "kinds": Message.Kind,
        "tz": timezone.get_current_timezone(),
        "paperclip": icon("paperclip"),
        "download_url": url_maker(attachment_url_name or "tickets:attachment", UUID_PLACEHOLDER),
    }
    return render_partial("tickets/chat_lines.html", context)


def chat_status(chat) -> str:
    """What the chat's hidden status line says: how many messages ("40 messaggi")."""
    count = message_count(chat)
    return ngettext("%(counter)s message", "%(counter)s messages", count) % {"counter": count}


def _chat_context(context) -> dict:
    chat = context["chat"]
    return {"lines": chat_lines(chat, context.get("attachment_url_name", "")), "status": chat_status(chat)}


@register.simple_tag(takes_context=True)
def chat_html(context):
    """A ticket's chat alone (tickets/partials/chat.html): the context's `chat`."""
    return render_django_escaped("tickets/partials/chat.html", _chat_context(context))


@register.simple_tag(takes_context=True)
def kept_uploads_html(context):
    """The files kept from the context's `form`'s earlier try (tickets/partials/kept_uploads.html)."""
    return render_django_escaped("tickets/partials/kept_uploads.html", {"form": context["form"]})


@register.simple_tag
def attachment_problem_html():
    """Where the browser says that a chosen file is too large or that there are too many."""
    return render_django_escaped(
        "tickets/partials/attachment_problem.html", {"attachment_messages": attachment_messages}
    )


@register.simple_tag(takes_context=True)
def ticket_page_body(context, name: str):
    """The content of a ticket's page (tickets/ticket_page.html): the Jinja2 template `name`
    (tickets/detail_body.html, desk/ticket_body.html), a child of tickets/ticket_page.html."""
    from sportello.idempotency.templatetags.idempotency import submission_key
    from sportello.lib.templatetags.shell import page_context

    body = page_context(
        context,
        **_chat_context(context),
        submission_key=submission_key,
        attachment_messages=attachment_messages,
        status_badge=status_badge,
        seconds_until_closable=seconds_until_closable,
        closable_time=closable_time,
    )
    return render_django_escaped(name, body)
