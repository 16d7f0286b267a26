"""Template helpers of text."""

import re

from django import template

from sportello.lib import humanize

register = template.Library()

_DOUBLE_FULL_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


@register.filter
def one_full_stop(text) -> str:
    """`text` with a doubled full stop made one, as written Italian and English do when a
    sentence ends on an abbreviation ("Ti sei unito a ACME S.r.l.", not "S.r.l.."). An
    ellipsis stays as it is."""
    return _DOUBLE_FULL_STOP.sub(".", str(text))


@register.filter
def file_size(size) -> str:
    """A file size for people (sportello.lib.humanize.file_size): "305 byte", "2,0 kB"."""
    return humanize.file_size(int(size))
