"""Durations and sizes in the words people use, in the active language."""

from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

UNITS = ("kB", "MB", "GB", "TB")


def time_since(moment, now=None) -> str:
    """How long ago `moment` (an aware datetime) was, in the largest whole unit:
    "meno di un minuto", "5 minuti", "3 ore", "2 giorni" (rounded down). Moments in the
    future count as now."""
    seconds = max(int(((now or timezone.now()) - moment).total_seconds()), 0)
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if days:
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if hours:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    if minutes:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return gettext("less than a minute")


def file_size(size: int) -> str:
    """A file size for people: "305 byte", "2,0 kB", "3,4 MB" (multiples of 1,024, as the
    attachment limit counts them; the number in the active language's format)."""
    if size < 1024:
        return ngettext("%(size)d byte", "%(size)d bytes", size) % {"size": size}
    value = size / 1024
    for unit in UNITS:
        if value < 1024 or unit == UNITS[-1]:
            break
        value /= 1024
    return f"{formats.number_format(round(value, 1), 1)}\N{NO-BREAK SPACE}{unit}"
