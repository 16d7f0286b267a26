"""Template helpers of the ticket pages."""

from django import template
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from sportello.lib.html import escape_text
from sportello.tickets.models import Area, Priority, Status

register = template.Library()

STATUS_BADGES = {
    Status.UNASSIGNED: "badge-orange",
    Status.WAITING: "badge-blue",
    Status.POSTPONED: "badge-violet",
    Status.IN_DEVELOPMENT: "badge-blue",
    Status.CLOSED: "",
}
PRIORITY_BADGES = {Priority.LOW: "", Priority.NORMAL: "", Priority.HIGH: "badge-orange", Priority.BLOCKING: "badge-red"}


@register.filter
def days_hours(since) -> str:
    """How long ago `since` was, as the list shows it: days and hours ("2 g 5 h")."""
    if since is None:
        return ""
    seconds = max(int((timezone.now() - since).total_seconds()), 0)
    days, hours = seconds // 86400, (seconds % 86400) // 3600
    return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}


@register.filter
def status_badge(status) -> str:
    return STATUS_BADGES.get(status, "")


@register.filter
def priority_badge(priority) -> str:
    return PRIORITY_BADGES.get(priority, "")


@register.filter
def area_examples(area) -> str:
    from sportello.tickets.models import AREA_EXAMPLES

    return AREA_EXAMPLES.get(area, "")


@register.filter
def contact_preference_help(preference) -> str:
    from sportello.tickets.models import ContactPreference

    return {
        ContactPreference.WEB: _("Answer through the portal."),
        ContactPreference.PHONE: _("You will be contacted by phone if possible."),
    }.get(preference, "")


# --- the hot loops --------------------------------------------------------------------------
# The list, the desk's queue and the chat repeat one row per ticket or message. Django's
# template engine costs about half a millisecond for each such row (every variable, filter,
# tag and include is resolved one node at a time), so 25 rows or a 200-message chat cost
# more than all the rest of the page. These tags write the same HTML from Python, where a
# row costs a few microseconds. Every value is escaped, as the template would.


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _labels(choices) -> dict:
    return {value: escape_text(label) for value, label in choices.choices}


def _person(user) -> str:
    return escape_text(user.display_name) if user is not None else "—"


def _row_labels() -> dict:
    """The translated labels both lists' rows use, escaped once per page."""
    return {
        "area": _labels(Area),
        "status": _labels(Status),
        "priority": _labels(Priority),
        "view": escape_text(_("View ticket")),
    }


def _shared_cells(ticket, labels: dict, detail: str) -> str:
    """Area, status, priority, operator and the link to the ticket: the last cells of both lists."""
    return (
        f"<td>{labels['area'].get(ticket.area, ticket.area)}</td>\n"
        f'<td><span class="badge {STATUS_BADGES.get(ticket.status, "")}">'
        f"{labels['status'].get(ticket.status, '')}</span></td>\n"
        f'<td><span class="badge {PRIORITY_BADGES.get(ticket.priority, "")}">'
        f"{labels['priority'].get(ticket.priority, '')}</span></td>\n"
        f"<td>{_person(ticket.assignee)}</td>\n"
        f'<td><a class="button button-small button-secondary" href="{detail}{ticket.pk}/">{labels["view"]}'
        f'<span class="visually-hidden"> #{ticket.pk}</span></a></td>\n'
    )


@register.simple_tag
def ticket_rows(rows) -> str:
    """The rows of the customers' list (tickets/list.html)."""
    if not rows:
        return format_html('<tr><td colspan="9" class="empty">{}</td></tr>', _("No tickets match the search."))
    labels = _row_labels()
    # Literal calls, so that makemessages finds each text.
    closed_on, created_on = escape_text(_("Closed on")), escape_text(_("Created on"))
    closed_for, waiting_for = escape_text(_("closed for")), escape_text(_("waiting for"))
    detail = reverse("tickets:detail", args=[0])[:-2]
    html = []
    for ticket in rows:
        closed = ticket.status == Status.CLOSED
        since = ticket.closed_at if closed else ticket.created_at
        html.append(
            f'<tr class="{"row-closed" if closed else ""}">\n'
            f'<td class="ticket-cell">\n<strong>{escape_text(ticket.title)}</strong> '
            f'<span class="ticket-number">#{ticket.pk}</span>\n'
            f'<div class="summary">{escape_text(ticket.summary)}</div>\n</td>\n'
            f"<td>{closed_on if closed else created_on}<br>{_when(since) if since else ''}</td>\n"
            f"<td>{escape_text(ticket.requester.display_name)}</td>\n"
            f"<td>{closed_for if closed else waiting_for}<br>{days_hours(since)}</td>\n"
            f"{_shared_cells(ticket, labels, detail)}</tr>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped or our own text


@register.simple_tag
def queue_rows(rows) -> str:
    """The rows of the operators' queue (desk/queue.html)."""
    if not rows:
        return format_html('<tr><td colspan="8" class="empty">{}</td></tr>', _("No tickets match the search."))
    labels = _row_labels()
    detail = reverse("desk:ticket", args=[0])[:-2]
    html = []
    for ticket in rows:
        closed = ticket.status == Status.CLOSED
        awaiting = ticket.awaiting_vendor_since
        waiting = f'<span class="waiting">{days_hours(awaiting)}</span>' if awaiting else "—"
        html.append(
            f'<tr class="priority-{ticket.priority}{" row-closed" if closed else ""}">\n'
            f'<td class="ticket-cell"><strong>{escape_text(ticket.title)}</strong> '
            f'<span class="ticket-number">#{ticket.pk}</span><div class="summary">{escape_text(ticket.summary)}</div>'
            f"<small>{escape_text(ticket.requester.display_name)} · {_when(ticket.created_at)}</small></td>\n"
            f"<td>{escape_text(ticket.tenant.name)}</td>\n"
            f"<td>{waiting}</td>\n"
            f"{_shared_cells(ticket, labels, detail)}</tr>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped or our own text


@register.simple_tag
def chat_lines(chat, attachment_url_name="") -> str:
    """The lines of a ticket's chat (tickets/partials/chat.html): replies and notes with
    their author, time, text (HTML rendered once when written) and attachments; events as
    one sentence."""
    from sportello.lib.templatetags.icons import icon

    deleted, operator_badge = escape_text(_("Deleted user")), escape_text(_("NTS operator"))
    note_badge, attachments_label = escape_text(_("Internal note")), escape_text(_("Attachments"))
    message_from = escape_text(_("Message from %(name)s"))
    paperclip = icon("paperclip")
    download = reverse(attachment_url_name or "tickets:attachment", args=["00000000-0000-0000-0000-000000000000"])
    download = download.replace("00000000-0000-0000-0000-000000000000", "{}")
    html = []
    for message in chat:
        moment = timezone.localtime(message.created_at)
        time_tag = f'<time datetime="{moment.isoformat()}">{moment.strftime("%d/%m/%Y %H:%M")}</time>'
        if message.kind == "event":
            html.append(
                f'<li class="chat-event" id="message-{message.pk}">\n'
                f"<span>{escape_text(message.event_description())}</span> {time_tag}\n</li>\n"
            )
            continue
        author = message.author
        name = escape_text(author.display_name) if author is not None else deleted
        from_operator = author is not None and author.is_operator
        classes = " from-operator" if from_operator else " from-customer"
        if message.is_internal:
            classes += " internal-note"
        html.append(
            f'<li class="chat-message{classes}" id="message-{message.pk}">\n'
            f'<article aria-label="{message_from % {"name": name}}">\n<header class="message-header">\n'
            f"<strong>{name}</strong>\n"
            + (f'<span class="badge badge-blue">{operator_badge}</span>\n' if from_operator else "")
            + (f'<span class="badge badge-violet">{note_badge}</span>\n' if message.is_internal else "")
            + f"{time_tag}\n</header>\n"
            f'<div class="message-body">{message.body_html}</div>\n'
        )
        files = getattr(message, "files", None)
        if files is None:
            files = message.attachments.all()
        if files:
            html.append(f'<ul class="attachment-list" aria-label="{attachments_label}">\n')
            for attachment in files:
                html.append(
                    f'<li><a href="{download.format(attachment.public_id)}" download>{paperclip} '
                    f"{escape_text(attachment.original_name)}</a> "
                    f"<small>({filesizeformat(attachment.size)})</small></li>\n"
                )
            html.append("</ul>\n")
        html.append("</article>\n</li>\n")
    return mark_safe("".join(html))  # noqa: S308 - every value above is escaped or our own text; body_html is
    # rendered from escaped text when the message is written (render_plain_text)
