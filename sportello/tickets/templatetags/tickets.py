"""Template helpers of the ticket pages."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from sportello.tickets.models import Priority, Status

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
