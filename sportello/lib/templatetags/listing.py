"""`{% active_filters form as chosen %}`: what a list's filter form has chosen, in words, for
the summary of its panel when the panel is closed ("Stato: Aperto · Priorità: Alta")."""

import datetime

from django import forms, template
from django.utils.formats import date_format

register = template.Library()


def _shown(field: forms.Field, value) -> str:
    if isinstance(field, forms.BooleanField):
        return ""
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


@register.simple_tag
def active_filters(form) -> list[str]:
    """The valid, non-empty choices of `form` as "Label: value" (a ticked box: its label)."""
    if not form.is_bound or not form.is_valid():
        return []
    chosen = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", False, []):
            continue
        shown = _shown(field, value)
        chosen.append(f"{field.label}: {shown}" if shown else str(field.label))
    return chosen
