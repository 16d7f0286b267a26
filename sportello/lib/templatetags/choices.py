"""`{% options choices current %}`: the <option>s of a select.

Django's select widget renders every option through a template of its own; the desk's
operator filter and the reply's contact person have hundreds, so the options are a
Jinja2 partial (partials/options.html, see sportello/lib/partials.py)."""

from functools import lru_cache

from django import template
from django.utils.translation import get_language

from sportello.lib.partials import render_partial

register = template.Library()


@register.simple_tag
def options(choices, current):
    """`choices`: (value, label) pairs; `current`: the chosen value (compared as text)."""
    choices, chosen = tuple(choices), "" if current is None else str(current)
    try:
        return _options_of(get_language(), choices, chosen)
    except TypeError:  # a value or label that cannot be part of a key
        return _rendered_options(_as_text(choices), chosen)


@lru_cache(maxsize=32)
def _options_of(language: str, choices: tuple, chosen: str):
    # Keyed by the pairs as they come (hashing them is the interpreter's work, not a
    # loop of ours over the desk's 500 operators on every view) and the language, since a
    # lazy label hashes and compares as its translation into the active one.
    return _rendered_options(_as_text(choices), chosen)


def _as_text(choices) -> tuple[tuple[str, str], ...]:
    return tuple(("" if value is None else str(value), str(label)) for value, label in choices)


@lru_cache(maxsize=32)
def _rendered_options(pairs: tuple[tuple[str, str], ...], chosen: str):
    """The options' markup, kept for the next page that shows the same ones: the desk's
    operator filter and "Assegna a" write the same 500 options on every view. The labels
    are already text in the page's language, so a key never mixes two languages."""
    return render_partial("partials/options.html", {"choices": pairs, "current": chosen})
