"""`{% icon "name" %}`: inlines one of the vendored Lucide icons as decorative SVG.

Inline SVG needs no extra request and no inline style, so it sits well with the
Content Security Policy; the files are read once per process.
"""

import re
from functools import cache

from django import template
from django.contrib.staticfiles import finders
from django.utils.safestring import mark_safe

register = template.Library()

ICON_DIR = "vendor/lucide-1.62.0/icons"
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.S)


@cache
def _svg(name: str) -> str:
    path = finders.find(f"{ICON_DIR}/{name}.svg")
    if path is None:
        raise template.TemplateSyntaxError(f"Unknown icon {name!r}")
    with open(path, encoding="utf-8") as file:
        body = _COMMENT.sub("", file.read())
    body = _SVG_OPEN.sub(
        '<svg class="icon" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" '
        'aria-hidden="true" focusable="false">',
        body,
        count=1,
    )
    return " ".join(body.split())


@register.simple_tag
def icon(name: str) -> str:
    return mark_safe(_svg(name))  # noqa: S308 - our own vendored files, never user input
