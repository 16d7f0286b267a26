"""`{% options choices current %}`: the <option>s of a select, written in one pass.

Django's select widget renders every option through a template of its own, and a
template loop costs several microseconds an option; the desk's operator filter and the
reply's contact person have hundreds. This writes the same markup, escaped."""

from django import template
from django.utils.safestring import mark_safe

from sportello.lib.html import escape_text

register = template.Library()


@register.simple_tag
def options(choices, current) -> str:
    chosen = "" if current is None else str(current)
    html = []
    for value, label in choices:
        value = "" if value is None else str(value)
        selected = " selected" if value == chosen else ""
        html.append(f'<option value="{escape_text(value)}"{selected}>{escape_text(label)}</option>')
    return mark_safe("".join(html))  # noqa: S308 - values and labels are escaped above
